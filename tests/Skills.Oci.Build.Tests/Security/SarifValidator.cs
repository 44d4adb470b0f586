using System.Text.Json;
using Skills.Oci.Build.Tests.Sigstore;

namespace Skills.Oci.Build.Tests.Security;

/// <summary>The SARIF 2.1.0 JSON schema checked by ajv (<c>Security/Sarif/validate-sarif.mjs</c>), run by node.</summary>
internal static class SarifValidator
{
    public static string Folder => RepositoryRoot.File(Path.Combine("tests", "Skills.Oci.Build.Tests", "Security", "Sarif"));

    /// <summary>Asserts that the file is valid SARIF 2.1.0 and returns it parsed.</summary>
    public static async Task<JsonElement> AssertValidAsync(string path)
    {
        Assert.True(Directory.Exists(Path.Combine(Folder, "node_modules", "ajv-draft-04")), $"The npm packages are not installed; run: npm ci --prefix {Folder}");
        var result = await ProcessRunner.RunAsync(NodeVerifier.NodePath!, [Path.Combine(Folder, "validate-sarif.mjs"), path], workingDirectory: Folder);
        var line = result.Output.Trim().Split('\n').LastOrDefault() ?? string.Empty;
        Assert.True(line.StartsWith('{'), result.ToString());
        using (var verdict = JsonDocument.Parse(line))
        {
            Assert.True(verdict.RootElement.GetProperty("valid").GetBoolean(), line);
        }

        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        return document.RootElement.Clone();
    }
}
