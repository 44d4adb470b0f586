using System.Globalization;

namespace Skills.Oci.Bench;

/// <summary>
/// A folder feed with Skills.Oci.Sdk, Skills.Oci.Build and the Skills.Oci.Tool (skills-oci) packed from this checkout under a version
/// no earlier run used, so NuGet installs what src/ is now instead of reusing an older package.
/// </summary>
public sealed record BenchFeed(string Folder, string Version)
{
    public static async Task<BenchFeed> PackAsync(string repositoryRoot, string work, Commands commands, CancellationToken cancellationToken)
    {
        var version = string.Create(CultureInfo.InvariantCulture, $"0.0.0-bench.{DateTime.UtcNow:yyyyMMddHHmmss}");
        var folder = Path.Combine(work, "feed");
        foreach (var project in new[] { "src/Skills.Oci.Sdk/Skills.Oci.Sdk.csproj", "src/Skills.Oci.Build/Skills.Oci.Build.csproj", "src/Skills.Oci.Tool/Skills.Oci.Tool.csproj" })
        {
            // Intermediate output in the temp folder: the checkout's bin/ and obj/ stay as they are.
            await commands.RunAsync(
                "dotnet",
                ["pack", Path.Combine(repositoryRoot, project), "-c", "Release", $"-p:Version={version}", "-o", folder, "--artifacts-path", Path.Combine(work, "artifacts"), "-nodeReuse:false", "-v:q", "-nologo"],
                repositoryRoot,
                cancellationToken);
        }

        return new BenchFeed(folder, version);
    }
}
