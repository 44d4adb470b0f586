using System.IO.Compression;
using System.Security;

namespace Skills.Oci.Build.Tests.Infrastructure;

/// <summary>One package to write: id, version, files at the package root (e.g. <c>skills/x/SKILL.md</c>) and dependencies.</summary>
public sealed record TestPackage(string Id, string Version)
{
    public IReadOnlyDictionary<string, string> Files { get; init; } = new Dictionary<string, string>();

    public IReadOnlyList<(string Id, string Version)> Dependencies { get; init; } = [];

    /// <summary>A package that brings the skill <paramref name="name"/> (<c>skills/&lt;name&gt;/SKILL.md</c> plus <paramref name="files"/>).</summary>
    public static TestPackage WithSkill(string id, string version, string name, params (string Path, string Content)[] files) =>
        new(id, version)
        {
            Files = new Dictionary<string, string>(files.Select(f => KeyValuePair.Create($"skills/{name}/{f.Path}", f.Content)))
            {
                [$"skills/{name}/SKILL.md"] = $"---\nname: {name}\ndescription: How to use {id} {version}.\n---\n# {name}\nFor {id} {version}.\n",
            },
        };

    public TestPackage DependingOn(string id, string version) => this with { Dependencies = [.. Dependencies, (id, version)] };

    /// <summary>Adds <c>buildTransitive/&lt;id&gt;.props</c> (imported by every project that references the package, directly or not).</summary>
    public TestPackage WithBuildTransitiveProps(string body) =>
        this with { Files = new Dictionary<string, string>(Files) { [$"buildTransitive/{Id}.props"] = $"<Project>\n{body}\n</Project>\n" } };
}

/// <summary>
/// A folder feed of real .nupkg files the tests write themselves (a zip with the .nuspec at its root,
/// as NuGet reads it): cheap enough that every test writes its own, so no test sees another's
/// versions. Restore then extracts them into the workspace's own global packages folder.
/// </summary>
public sealed class TestNuGetPackages : IDisposable
{
    private readonly TempFolder _folder = new("nuget-feed");

    public string FeedPath => _folder.Path;

    public string Add(TestPackage package) => Write(package, FeedPath);

    /// <summary>Writes <paramref name="package"/> into <paramref name="folder"/>; returns the nupkg's path.</summary>
    public static string Write(TestPackage package, string folder)
    {
        var path = Path.Combine(folder, $"{package.Id}.{package.Version}.nupkg".ToLowerInvariant());
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        Write(zip, $"{package.Id}.nuspec", Nuspec(package));
        foreach (var (relative, content) in package.Files)
        {
            Write(zip, relative, content);
        }

        return path;
    }

    public void AddAll(params TestPackage[] packages)
    {
        foreach (var package in packages)
        {
            Add(package);
        }
    }

    /// <summary>Adds this feed to the workspace's NuGet.config, beside the Skills.Oci test feed.</summary>
    public void Register(TestProjectWorkspace workspace)
    {
        var config = Path.Combine(workspace.Path, "NuGet.config");
        var text = File.ReadAllText(config);
        var anchor = "<clear />";
        File.WriteAllText(config, text.Replace(anchor, $"{anchor}\n    <add key=\"skill-packages\" value=\"{SecurityElement.Escape(FeedPath)}\" />", StringComparison.Ordinal));
    }

    private static string Nuspec(TestPackage package)
    {
        var dependencies = package.Dependencies.Count == 0 ? string.Empty : $"""
                <dependencies>
                  <group>
            {string.Concat(package.Dependencies.Select(d => $"        <dependency id=\"{d.Id}\" version=\"{d.Version}\" />\n"))}      </group>
                </dependencies>
            """;
        return $"""
            <?xml version="1.0" encoding="utf-8"?>
            <package xmlns="http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd">
              <metadata>
                <id>{package.Id}</id>
                <version>{package.Version}</version>
                <authors>tests</authors>
                <description>A test package.</description>
            {dependencies}  </metadata>
            </package>
            """;
    }

    private static void Write(ZipArchive zip, string name, string content)
    {
        using var stream = zip.CreateEntry(name, CompressionLevel.Fastest).Open();
        using var writer = new StreamWriter(stream);
        writer.Write(content);
    }

    public void Dispose() => _folder.Dispose();
}
