using Microsoft.Build.Framework;
using Skills.Oci.Build.Restore;

namespace Skills.Oci.Build.Tasks;

/// <summary>
/// <c>dotnet msbuild -t:ExportSkillsSbom [-p:SkillsSbomPath=skills.cdx.json]</c>: a CycloneDX 1.6 bill of
/// materials of the root's lock through <see cref="LockSbom"/>, as <c>skills-oci sbom</c> writes it.
/// </summary>
public sealed class ExportSkillsSbom : SkillsOciTask
{
    [Required]
    public string ProjectPath { get; set; } = string.Empty;

    public string? SkillsRoot { get; set; }

    public string? LockFile { get; set; }

    /// <summary><c>$(SkillsSbomPath)</c>, relative to the project folder; empty for <c>skills.cdx.json</c> beside the lock.</summary>
    public string? SbomPath { get; set; }

    /// <summary>The file written.</summary>
    [Output]
    public string? WrittenPath { get; private set; }

    protected override string? DefaultDiagnosticFile => string.IsNullOrWhiteSpace(ProjectPath) ? base.DefaultDiagnosticFile : ProjectPath;

    protected override async System.Threading.Tasks.Task ExecuteCoreAsync(CancellationToken cancellationToken)
    {
        var projectPath = Path.GetFullPath(ProjectPath);
        var projectFolder = Path.GetDirectoryName(projectPath)!;
        var request = new SkillRestoreRequest
        {
            SkillsRoot = SkillsRootLocator.Locate(projectFolder, SkillsRoot),
            ProjectPath = projectPath,
            LockFilePath = string.IsNullOrWhiteSpace(LockFile) ? null : LockFile,
        };
        var lockPath = request.EffectiveLockFilePath;
        var result = await LockSbom.WriteAsync(new LockSbomRequest
        {
            LockFilePath = lockPath,
            ToolVersion = Hooks.ToolManifest.RunningVersion(),
            OutputPath = string.IsNullOrWhiteSpace(SbomPath) ? LockSbom.DefaultPath(lockPath) : Path.GetFullPath(SbomPath, projectFolder),
        }, cancellationToken).ConfigureAwait(false);
        WrittenPath = result.OutputPath;
        Log.LogMessage(MessageImportance.High, "{0}: {1}", Path.GetFileName(projectPath), result.Summary);
    }
}
