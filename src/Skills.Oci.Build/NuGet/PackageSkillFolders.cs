using Skills.Oci.Build.FileSystem;
using Skills.Oci.Build.Format;

namespace Skills.Oci.Build.NuGet;

/// <summary>One <c>skills/&lt;name&gt;/</c> folder of an extracted package, as found on disk (not yet validated).</summary>
public sealed record PackageSkillFolder(string Name, PackageIdentity Package, string FullPath)
{
    /// <summary>The folder inside the package, <c>skills/&lt;name&gt;</c>, as the lock records it.</summary>
    public string PathInPackage => NupkgSkillFolder.PathOf(Name);
}

/// <summary>
/// Where package skills are: a package whose root holds <c>skills/&lt;name&gt;/SKILL.md</c> brings the
/// skill <c>&lt;name&gt;</c>. Reads the extracted package folders NuGet restored (never the nupkg, never
/// writing): the global packages folder is NuGet's, and a consumer only ever copies out of it.
/// </summary>
public static class PackageSkillFolders
{
    /// <summary>
    /// The package's folder: the first of <paramref name="packageFolders"/> that holds it (NuGet's own
    /// lookup order: the global packages folder, then fallback folders), or null when none does.
    /// </summary>
    public static string? Locate(ResolvedPackage package, IReadOnlyList<string> packageFolders) =>
        packageFolders.Select(f => Path.Combine(f, package.Path.Replace('/', Path.DirectorySeparatorChar)))
            .FirstOrDefault(Directory.Exists);

    /// <summary>
    /// The skill folders of one extracted package, sorted by name. A <c>skills/</c> entry that is a
    /// link is listed (so validation refuses it with its code) rather than followed here.
    /// </summary>
    public static IReadOnlyList<PackageSkillFolder> Find(PackageIdentity package, string packageFolder)
    {
        var skills = Path.Combine(packageFolder, NupkgSkillFolder.Root);
        if (!Directory.Exists(skills))
        {
            return [];
        }

        return new DirectoryInfo(skills).EnumerateDirectories()
            .Where(d => d.LinkTarget is not null || FileNode.Inspect(Path.Combine(d.FullName, SkillMarkdown.FileName)).Kind != FileNodeKind.Missing)
            .Select(d => new PackageSkillFolder(d.Name, package, d.FullName))
            .OrderBy(s => s.Name, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>
    /// The global packages folder: <c>NUGET_PACKAGES</c>, else <c>~/.nuget/packages</c> (what NuGet uses
    /// when no NuGet.config sets <c>globalPackagesFolder</c>). For tools that have no assets file.
    /// </summary>
    public static string DefaultGlobalPackagesFolder() =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? Path.GetFullPath(configured)
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
}
