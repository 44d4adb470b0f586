using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Format;
using Skills.Oci.Build.NuGet;
using Skills.Oci.Build.Oci;

namespace Skills.Oci.Build.Packaging;

/// <summary>One skill folder to put into a NuGet package.</summary>
public sealed record PackageSkillSource
{
    /// <summary>The skill folder (holds SKILL.md).</summary>
    public required string Folder { get; init; }

    /// <summary>SKILL.md; defaults to <c>Folder/SKILL.md</c>.</summary>
    public string? SkillMarkdownPath { get; init; }

    /// <summary>An explicit <c>SkillName</c>, which confirms a name that differs from the folder.</summary>
    public string? ExpectedSkillName { get; init; }

    /// <summary>
    /// A skill project's <c>SkillFile</c> items; null takes the folder's default files
    /// (<see cref="SkillFolderFiles"/>), the files a skill project in that folder would pack.
    /// </summary>
    public IReadOnlyList<SkillFileItem>? Files { get; init; }

    /// <summary>Where problems with the item itself point (the project file).</summary>
    public string? DeclaringFile { get; init; }
}

/// <summary>A file of a skill and its NuGet <c>PackagePath</c> (see <see cref="NupkgSkillFolder.PackagePath"/>).</summary>
public sealed record PackageSkillFile(string SourcePath, string PackagePath);

/// <summary>A validated skill and its files, in archive order, ready for NuGet's pack.</summary>
public sealed record PackagedSkill(SkillDefinition Skill, IReadOnlyList<PackageSkillFile> Files);

/// <summary>The skills when nothing failed, and every diagnostic (warnings too).</summary>
public sealed record PackageSkillsOutcome(IReadOnlyList<PackagedSkill> Skills, IReadOnlyList<Diagnostic> Diagnostics)
{
    public bool HasErrors => Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error);
}

/// <summary>
/// The skills a NuGet package carries at <c>skills/&lt;name&gt;/</c>: each folder validated and its files
/// chosen and checked exactly as for an OCI pack (<see cref="SkillValidator"/>, <see cref="SkillFolderFiles"/>,
/// <see cref="SkillContent"/> with the artifact limits), so a skill is the same skill in either package.
/// Nothing is written: NuGet's own pack writes the package from the returned paths.
/// </summary>
public static class PackageSkillContent
{
    /// <summary>
    /// Validates and lists every skill. <paramref name="version"/> is a skill project's Version, held to
    /// the same rule as its OCI tag; null for a library's skills, whose version is the package's.
    /// </summary>
    public static async Task<PackageSkillsOutcome> CollectAsync(IReadOnlyList<PackageSkillSource> sources, string? version, OciLimits limits, CancellationToken cancellationToken)
    {
        var diagnostics = new List<Diagnostic>();
        var skills = new List<PackagedSkill>();
        var folders = new Dictionary<string, string>(OperatingSystem.IsLinux() ? StringComparer.Ordinal : StringComparer.OrdinalIgnoreCase);
        var names = new Dictionary<SkillName, string>();
        foreach (var source in sources)
        {
            var folder = Path.TrimEndingDirectorySeparator(Path.GetFullPath(source.Folder));
            if (!Directory.Exists(folder))
            {
                diagnostics.Add(Diagnostic.Error(ErrorCodes.PackageSkillNotAFolder, $"The PackageSkill '{source.Folder}' is {(File.Exists(folder) ? "a file" : "not there")}; it must name the folder that holds the skill's {SkillMarkdown.FileName} (for example <PackageSkill Include=\"skills/contoso-json\" />).", source.DeclaringFile));
                continue;
            }

            if (!folders.TryAdd(folder, folder))
            {
                diagnostics.Add(Diagnostic.Error(ErrorCodes.PackageSkillDuplicate, $"The skill folder '{folder}' is listed twice as a PackageSkill. Remove one of the items.", source.DeclaringFile));
                continue;
            }

            if (await CollectOneAsync(source, folder, limits, diagnostics, cancellationToken).ConfigureAwait(false) is not { } skill)
            {
                continue;
            }

            if (names.TryGetValue(skill.Skill.Name, out var other))
            {
                diagnostics.Add(Diagnostic.Error(ErrorCodes.PackageSkillDuplicate, $"Two PackageSkill folders are the skill '{skill.Skill.Name}': '{other}' and '{folder}'. A package holds one folder per skill name (skills/{skill.Skill.Name}/); rename one skill or remove one item.", skill.Skill.SkillMarkdownPath));
                continue;
            }

            names[skill.Skill.Name] = folder;
            skills.Add(skill);
        }

        if (version is not null)
        {
            SkillVersion.TryParse(version, sources.Count > 0 ? sources[0].DeclaringFile : null, out _, out var versionProblem);
            if (versionProblem is not null)
            {
                diagnostics.Add(versionProblem);
            }
        }

        var failed = diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error);
        // Skills in name order, so the package's file list never depends on the order of the items.
        return new PackageSkillsOutcome(failed ? [] : skills.OrderBy(s => s.Skill.Name.Value, StringComparer.Ordinal).ToList(), diagnostics);
    }

    private static async Task<PackagedSkill?> CollectOneAsync(PackageSkillSource source, string folder, OciLimits limits, List<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        var validation = await SkillValidator.ValidateAsync(folder, source.SkillMarkdownPath, source.ExpectedSkillName, cancellationToken).ConfigureAwait(false);
        diagnostics.AddRange(validation.Diagnostics);
        if (validation.Skill is not { } skill)
        {
            return null;
        }

        var content = SkillContent.Create(skill.Name, folder, source.Files ?? SkillFolderFiles.Enumerate(folder), limits, diagnostics);
        if (content is null)
        {
            return null;
        }

        var files = new List<PackageSkillFile>();
        foreach (var entry in content.Entries.Where(e => !e.IsDirectory))
        {
            var packagePath = NupkgSkillFolder.PackagePath(skill.Name, entry.RelativePath, entry.SourcePath!);
            if (packagePath is null)
            {
                diagnostics.Add(Diagnostic.Error(ErrorCodes.PackageSkillPathUnsupported, $"The SkillFile '{entry.SourcePath}' is renamed to '{entry.RelativePath}' (Link metadata), a name without its extension '{Path.GetExtension(entry.SourcePath)}'; NuGet's pack would read that PackagePath as a folder. Keep the file's name or its extension in the Link.", entry.SourcePath));
                continue;
            }

            files.Add(new PackageSkillFile(entry.SourcePath!, packagePath));
        }

        return files.Count == content.Entries.Count(e => !e.IsDirectory) ? new PackagedSkill(skill, files) : null;
    }
}
