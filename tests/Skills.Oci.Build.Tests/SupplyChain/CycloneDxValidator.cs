using System.Text.Json;
using Skills.Oci.Build.Tests.Sigstore;

namespace Skills.Oci.Build.Tests.SupplyChain;

/// <summary>The CycloneDX library's JSON schema validator (<c>@cyclonedx/cyclonedx-library</c>) and packageurl-js, run by node over a document we wrote.</summary>
internal static class CycloneDxValidator
{
    public static string Folder => RepositoryRoot.File(Path.Combine("tests", "Skills.Oci.Build.Tests", "SupplyChain", "Interop"));

    /// <summary>Returns <c>{"valid": bool, "errors": …, "purls": [{type, name, version, qualifiers}]}</c>.</summary>
    public static async Task<JsonElement> ValidateAsync(string documentPath)
    {
        Assert.True(Directory.Exists(Path.Combine(Folder, "node_modules", "@cyclonedx", "cyclonedx-library")),
            $"The npm packages are not installed; run: npm ci --prefix {Folder}");
        var result = await ProcessRunner.RunAsync(NodeVerifier.NodePath!, [Path.Combine(Folder, "validate-cyclonedx.mjs"), documentPath], workingDirectory: Folder);
        var line = result.Output.Trim().Split('\n').LastOrDefault() ?? string.Empty;
        Assert.True(line.StartsWith('{'), result.ToString());
        using var document = JsonDocument.Parse(line);
        return document.RootElement.Clone();
    }
}
