namespace Skills.Oci.Build.Security;

/// <summary>
/// One file of a skill as the scan sees it: its path inside the skill ('/' separated), where its bytes
/// are, and whether it is executable (the archive's or the folder's execute bit).
/// </summary>
public sealed record ScanFile(string RelativePath, string FullPath, bool Executable)
{
    /// <summary>The file name, lower case: what rules match on.</summary>
    public string Name => RelativePath[(RelativePath.LastIndexOf('/') + 1)..].ToLowerInvariant();

    /// <summary>The extension with its dot, lower case; empty when there is none.</summary>
    public string Extension => Path.GetExtension(Name);

    public bool IsMarkdown => Extension is ".md" or ".markdown" or ".mdx";

    /// <summary>The skill's own SKILL.md at the top of the folder.</summary>
    public bool IsSkillMarkdown => RelativePath == Format.SkillMarkdown.FileName;
}

/// <summary>Collects one file's findings; rules add through it so the file is never named twice.</summary>
public sealed class FindingSink(ScanFile file)
{
    private readonly List<SkillFinding> _findings = [];

    public ScanFile File { get; } = file;

    public IReadOnlyList<SkillFinding> Findings => _findings;

    public void Add(string code, int line, int column, string message) =>
        _findings.Add(new SkillFinding(code, File.RelativePath, line, column, message));
}
