using Microsoft.Build.Framework;
using Skills.Oci.Build.Restore;

namespace Skills.Oci.Build.Tasks;

/// <summary>
/// <c>dotnet msbuild -t:VerifySkills</c>: re-verifies every skill the lock records for this project,
/// offline, against the current <c>SkillTrustPolicy</c> items, and reports each file of a skill folder
/// that differs from what restore installed. Reads only the lock, the cache and the folders.
/// </summary>
public sealed class VerifySkills : SkillsOciTask
{
    [Required]
    public string ProjectPath { get; set; } = string.Empty;

    public string? SkillsRoot { get; set; }

    public string? LockFile { get; set; }

    public string? CachePath { get; set; }

    public ITaskItem[] TrustPolicies { get; set; } = [];

    public bool RequireSignatures { get; set; }

    public string? TrustedRoot { get; set; }

    /// <summary><c>$(NuGetPackageRoot)</c>: where package skills' packages are verified.</summary>
    public string? PackagesFolder { get; set; }

    protected override string? DefaultDiagnosticFile => string.IsNullOrWhiteSpace(ProjectPath) ? base.DefaultDiagnosticFile : ProjectPath;

    /// <summary>The files that may declare SkillTrustPolicy items (the project, Directory.Build.props/targets).</summary>
    public string[] PolicyDeclaringFiles { get; set; } = [];

    protected override async System.Threading.Tasks.Task ExecuteCoreAsync(CancellationToken cancellationToken)
    {
        var projectPath = Path.GetFullPath(ProjectPath);
        var request = new SkillRestoreRequest
        {
            SkillsRoot = SkillsRootLocator.Locate(Path.GetDirectoryName(projectPath)!, SkillsRoot),
            ProjectPath = projectPath,
            LockFilePath = string.IsNullOrWhiteSpace(LockFile) ? null : LockFile,
        };
        var options = new SkillRestoreOptions
        {
            CachePath = string.IsNullOrWhiteSpace(CachePath) ? null : CachePath,
            TrustPolicies = RestoreSkills.ToPolicies(TrustPolicies),
            RequireSignatures = RequireSignatures,
            TrustedRootPath = string.IsNullOrWhiteSpace(TrustedRoot) ? null : Path.GetFullPath(TrustedRoot),
            PackagesFolder = string.IsNullOrWhiteSpace(PackagesFolder) ? null : Path.GetFullPath(PackagesFolder),
            Dotnet = RunDotnet,
        };

        LogDiagnostics(Skills.Oci.Build.Trust.Policy.WildcardPolicyScanner.Scan(PolicyDeclaringFiles, TrustPolicies.Select(p => p.ItemSpec).ToList()));
        var result = await SkillVerifier.VerifyAsync(request, options, cancellationToken).ConfigureAwait(false);
        foreach (var message in result.Messages)
        {
            Log.LogMessage(MessageImportance.Normal, "{0}: {1}", Path.GetFileName(projectPath), message);
        }

        LogDiagnostics(result.Diagnostics);
        if (result.Succeeded)
        {
            Log.LogMessage(MessageImportance.High, "{0}: skills verified.", Path.GetFileName(projectPath));
        }
    }
}
