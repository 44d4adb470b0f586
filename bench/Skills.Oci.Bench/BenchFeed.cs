using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace Skills.Oci.Bench;

/// <summary>
/// A folder feed with Skills.Oci.Sdk, Skills.Oci.Build and the Skills.Oci.Tool (skills-oci) packed from this checkout under a version
/// no earlier run used, so NuGet installs what src/ is now instead of reusing an older package; beside them
/// an MSBuild SDK with empty props and targets (<see cref="EmptySdkName"/>), the peer that shows what NuGet's
/// msbuild-sdks resolver costs any SDK, ours or another.
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

        WriteEmptySdk(folder);
        return new BenchFeed(folder, version);
    }

    /// <summary>The id of the empty SDK package in the feed.</summary>
    public const string EmptySdkName = "Skills.Oci.Bench.EmptySdk";

    /// <summary>Its version.</summary>
    public const string EmptySdkVersion = "1.0.0";

    // A nupkg is a zip with the nuspec at its root; NuGet's SDK resolver installs it like any MSBuildSdk package.
    private static void WriteEmptySdk(string folder)
    {
        using var archive = ZipFile.Open(Path.Combine(folder, $"{EmptySdkName}.{EmptySdkVersion}.nupkg"), ZipArchiveMode.Create);
        void Add(string name, string text)
        {
            using var writer = new StreamWriter(archive.CreateEntry(name).Open(), new UTF8Encoding(false));
            writer.Write(text);
        }

        Add($"{EmptySdkName}.nuspec", $"""
            <?xml version="1.0" encoding="utf-8"?>
            <package xmlns="http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd">
              <metadata>
                <id>{EmptySdkName}</id>
                <version>{EmptySdkVersion}</version>
                <authors>bench</authors>
                <description>An MSBuild SDK that imports nothing: the bench's peer for the cost of resolving an SDK.</description>
                <packageTypes><packageType name="MSBuildSdk" /></packageTypes>
              </metadata>
            </package>
            """);
        Add("Sdk/Sdk.props", "<Project />\n");
        Add("Sdk/Sdk.targets", "<Project />\n");
    }
}
