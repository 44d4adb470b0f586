using Microsoft.Build.Framework;
using Skills.Oci.Build.Packaging;

namespace Skills.Oci.Build.Tasks;

/// <summary>
/// Checks a skill project on <c>dotnet build</c>: SKILL.md against the Agent Skills rules, and the
/// project's Version. Reports every problem as a coded error or warning with the SKILL.md line.
/// </summary>
public sealed class ValidateSkill : SkillsOciTask
{
    [Required]
    public string ProjectDirectory { get; set; } = string.Empty;

    /// <summary>The project file ($(MSBuildProjectFullPath)): errors about project properties point here, not at our targets.</summary>
    public string? ProjectFile { get; set; }

    protected override string? DefaultDiagnosticFile => string.IsNullOrEmpty(ProjectFile) ? base.DefaultDiagnosticFile : ProjectFile;

    /// <summary>SKILL.md; defaults to the one in <see cref="ProjectDirectory"/>.</summary>
    public string? SkillMarkdownPath { get; set; }

    /// <summary>The project's <c>SkillName</c>, confirming a name that differs from the folder.</summary>
    public string? SkillName { get; set; }

    public string? Version { get; set; }

    /// <summary>The validated SKILL.md name (empty when invalid).</summary>
    [Output]
    public string ValidatedSkillName { get; private set; } = string.Empty;

    protected override async System.Threading.Tasks.Task ExecuteCoreAsync(CancellationToken cancellationToken)
    {
        var (skill, _, diagnostics) = await SkillPackager.ValidateAsync(ProjectDirectory, SkillMarkdownPath, SkillName, Version, DefaultDiagnosticFile, cancellationToken).ConfigureAwait(false);
        LogDiagnostics(diagnostics);
        if (skill is not null)
        {
            ValidatedSkillName = skill.Name.Value;
            Log.LogMessage(MessageImportance.Low, $"Skill '{skill.Name}' in '{skill.SkillMarkdownPath}' is valid.");
        }
    }
}
