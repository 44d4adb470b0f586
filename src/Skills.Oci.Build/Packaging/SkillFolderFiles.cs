namespace Skills.Oci.Build.Packaging;

/// <summary>
/// The files a skill project packs by default (<c>&lt;SkillFile Include="**/*" Exclude="..." /&gt;</c> in
/// Skills.Oci.SkillProject.targets), for a skill folder that has no project file: every file under the
/// folder but build, tool, agent and MSBuild/NuGet files (and a project file at its root). So <c>skills-oci push</c> of a folder packs
/// exactly what <c>dotnet pack</c> of the same folder as a skill project packs.
/// </summary>
public static class SkillFolderFiles
{
    /// <summary>
    /// <c>SkillFileDefaultExcludes</c> of the SDK without the project file itself (a pushed folder has
    /// none; the output folders add bin/ and obj/ again); a test keeps this list equal to the targets' one.
    /// </summary>
    public static IReadOnlyList<string> DefaultExcludes { get; } =
    [
        "bin/**", "obj/**", ".git/**", ".git", ".vs/**", ".vscode/**", ".idea/**", ".agents/**", ".claude/**", ".codex/**", ".cursor/**", ".gemini/**",
        "**/.DS_Store", "**/Thumbs.db", "**/*.user", "*.sln", "*.slnx", "*.binlog",
        "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props", "global.json", "NuGet.config", "nuget.config", "NuGet.Config",
    ];

    /// <summary>The folder's skill files, as the SkillFile items of a skill project in that folder.</summary>
    public static IReadOnlyList<SkillFileItem> Enumerate(string folder)
    {
        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));
        var files = new List<SkillFileItem>();
        Walk(root, string.Empty, files);
        return files;
    }

    /// <summary>True when a '/'-separated path relative to the folder is excluded by one of <see cref="DefaultExcludes"/>.</summary>
    public static bool IsExcluded(string relative) => DefaultExcludes.Any(pattern => Matches(pattern, relative));

    private static void Walk(string folder, string prefix, List<SkillFileItem> files)
    {
        foreach (var entry in new DirectoryInfo(folder).EnumerateFileSystemInfos())
        {
            var relative = prefix + entry.Name;
            if (entry is DirectoryInfo directory && directory.LinkTarget is null)
            {
                if (!IsExcluded(relative + "/x"))
                {
                    Walk(entry.FullName, relative + "/", files);
                }
            }
            else if (!IsExcluded(relative) && !(prefix.Length == 0 && IsProjectFile(entry.Name)))
            {
                // Links are listed too, so that packing refuses them with its own code as it does for a project.
                files.Add(new SkillFileItem(entry.FullName));
            }
        }
    }

    /// <summary>
    /// A project file at the folder's root (<c>*.*proj</c>) is never skill content, as a skill project
    /// leaves out its own <c>$(MSBuildProjectFile)</c>: a library's PackageSkill may name a skill project's folder.
    /// </summary>
    private static bool IsProjectFile(string name) =>
        Path.GetExtension(name) is { Length: >= 5 } extension && extension.EndsWith("proj", StringComparison.OrdinalIgnoreCase);

    private static bool Matches(string pattern, string relative)
    {
        var comparison = OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        if (pattern.EndsWith("/**", StringComparison.Ordinal))
        {
            return relative.StartsWith(pattern[..^2], comparison);
        }

        var recursive = pattern.StartsWith("**/", StringComparison.Ordinal);
        var name = recursive ? pattern[3..] : pattern;
        if (!recursive && relative.Contains('/', StringComparison.Ordinal))
        {
            return false;
        }

        var fileName = relative[(relative.LastIndexOf('/') + 1)..];
        return name.StartsWith("*.", StringComparison.Ordinal)
            ? fileName.EndsWith(name[1..], comparison)
            : string.Equals(fileName, name, comparison);
    }
}
