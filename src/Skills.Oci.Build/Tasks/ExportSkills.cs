using Microsoft.Build.Framework;
using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Registry;
using Skills.Oci.Build.Restore;

namespace Skills.Oci.Build.Tasks;

/// <summary>
/// <c>dotnet msbuild -t:ExportSkills -p:SkillsExportPath=skills-bundle</c>: writes every registry skill
/// the lock pins, with its signatures, into one OCI image layout through <see cref="SkillBundleExporter"/>,
/// reading through the registry mirrors; <c>SkillsSource=&lt;folder&gt;</c> restores from it offline.
/// </summary>
public sealed class ExportSkills : SkillsOciTask
{
    [Required]
    public string ProjectPath { get; set; } = string.Empty;

    public string? SkillsRoot { get; set; }

    public string? LockFile { get; set; }

    /// <summary><c>$(SkillsExportPath)</c>, relative to the project folder.</summary>
    public string? ExportPath { get; set; }

    public string? CachePath { get; set; }

    /// <summary><c>@(SkillRegistryMirror)</c>, as for restore.</summary>
    public ITaskItem[] Mirrors { get; set; } = [];

    protected override string? DefaultDiagnosticFile => string.IsNullOrWhiteSpace(ProjectPath) ? base.DefaultDiagnosticFile : ProjectPath;

    protected override async System.Threading.Tasks.Task ExecuteCoreAsync(CancellationToken cancellationToken)
    {
        var projectPath = Path.GetFullPath(ProjectPath);
        var projectFolder = Path.GetDirectoryName(projectPath)!;
        if (string.IsNullOrWhiteSpace(ExportPath))
        {
            throw new SkillsOciException(ErrorCodes.ExportPathMissing, "ExportSkills needs the bundle folder: pass -p:SkillsExportPath=<folder>.", projectPath);
        }

        var request = new SkillRestoreRequest
        {
            SkillsRoot = SkillsRootLocator.Locate(projectFolder, SkillsRoot),
            ProjectPath = projectPath,
            LockFilePath = string.IsNullOrWhiteSpace(LockFile) ? null : LockFile,
        };
        var mirrors = await RegistryMirrors.LoadAsync(request.Root, RestoreSkills.ToMirrors(Mirrors), null, cancellationToken).ConfigureAwait(false);
        SkillExportResult result;
        using (var source = new LazyRegistrySource(new RegistryClientOptions(), mirrors))
        {
            result = await SkillBundleExporter.ExportAsync(new SkillExportRequest
            {
                LockFilePath = request.EffectiveLockFilePath,
                ExportPath = Path.GetFullPath(ExportPath, projectFolder),
                CachePath = string.IsNullOrWhiteSpace(CachePath) ? null : CachePath,
            }, source.Get(), cancellationToken).ConfigureAwait(false);
        }

        Log.LogMessage(MessageImportance.High, "{0}: {1}", Path.GetFileName(projectPath), result.Summary);
    }
}
