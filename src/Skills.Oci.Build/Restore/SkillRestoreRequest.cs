using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Trust.Packages;
using Skills.Oci.Build.Trust.Policy;

namespace Skills.Oci.Build.Restore;

/// <summary>What one project's restore is about: its skills root, its project file and its SkillReference items.</summary>
public sealed record SkillRestoreRequest
{
    /// <summary>The skills root (see <see cref="SkillsRootLocator"/>); the lock and .gitignore live here.</summary>
    public required string SkillsRoot { get; init; }

    /// <summary>The project file, full path; recorded root-relative in the lock's <c>projects</c>.</summary>
    public required string ProjectPath { get; init; }

    public IReadOnlyList<SkillReferenceItem> References { get; init; } = [];

    /// <summary>Overrides <c>&lt;SkillsRoot&gt;/skills.lock.json</c>.</summary>
    public string? LockFilePath { get; init; }

    /// <summary>
    /// The skills this project's packages bring (from project.assets.json, checked); null when this run
    /// does not know them (the restore hook runs before NuGet writes the assets): the lock's package
    /// entries are then carried as they are.
    /// </summary>
    public IReadOnlyList<PackageSkillInput>? PackageSkills { get; init; }

    public string Root => Path.TrimEndingDirectorySeparator(Path.GetFullPath(SkillsRoot));

    public string EffectiveLockFilePath => Path.GetFullPath(LockFilePath ?? Path.Combine(Root, LockFile.FileName));

    /// <summary>The project as the lock records it: root-relative with '/' (a project outside the root keeps its full path).</summary>
    public string ProjectKey => RootRelative(Root, ProjectPath);

    /// <summary>A path as the root's files record it: root-relative with '/', or full when outside the root.</summary>
    public static string RootRelative(string root, string path)
    {
        var full = Path.GetFullPath(path);
        var relative = Path.GetRelativePath(root, full);
        return (relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? full : relative).Replace('\\', '/');
    }

    /// <summary>Parses every item; the first invalid one is a coded error naming the project file.</summary>
    public IReadOnlyList<SkillRequest> ParseReferences() =>
        References.Select(item => SkillRequest.Parse(ProjectKey, ProjectPath, item)).ToList();
}

/// <summary>How to restore: MSBuild properties map one to one onto these.</summary>
public sealed record SkillRestoreOptions
{
    /// <summary><c>SkillsAgentDirectories</c>: root-relative folders that get one link per skill.</summary>
    public IReadOnlyList<string> AgentDirectories { get; init; } = [".claude/skills"];

    /// <summary><c>SkillsUpdateGitIgnore</c>: maintain the managed block in the root's .gitignore.</summary>
    public bool UpdateGitIgnore { get; init; } = true;

    /// <summary><c>SkillsLockedMode</c> or <c>RestoreLockedMode</c>: fail instead of changing the lock.</summary>
    public bool LockedMode { get; init; }

    /// <summary><c>UpdateSkills</c> with no <c>SkillsToUpdate</c>: re-resolve every reference.</summary>
    public bool UpdateAll { get; init; }

    /// <summary><c>SkillsToUpdate</c>: skill names or Includes to re-resolve.</summary>
    public IReadOnlyList<string> SkillsToUpdate { get; init; } = [];

    /// <summary>Design-time builds: no network, never an error (warnings at most), nothing rewritten needlessly.</summary>
    public bool Offline { get; init; }

    public OciLimits Limits { get; init; } = OciLimits.Default;

    /// <summary><c>SkillsCachePath</c>; default <see cref="SkillCache.DefaultPath"/>.</summary>
    public string? CachePath { get; init; }

    /// <summary>How long to wait for another restore of the same root.</summary>
    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromMinutes(5);

    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary><c>@(SkillTrustPolicy)</c>: applied to every skill this restore installs or reinstalls.</summary>
    public IReadOnlyList<SkillTrustPolicyItem> TrustPolicies { get; init; } = [];

    /// <summary><c>SkillsRequireSignatures</c>: a skill no policy covers is an error.</summary>
    public bool RequireSignatures { get; init; }

    /// <summary><c>@(SkillDenyList)</c>: references of deny lists; a skill one of them lists is refused (<see cref="DenyListGate"/>).</summary>
    public IReadOnlyList<string> DenyLists { get; init; } = [];

    /// <summary><c>SkillsRemoveDenied</c>: remove a denied skill from the skills root (a warning) instead of failing the restore.</summary>
    public bool RemoveDenied { get; init; }

    /// <summary>
    /// Runs <c>dotnet</c> for NuGet's verification of package signatures (<c>nuget:</c> policies); the hosts
    /// pass <c>Hosting.DotnetHost.RunAsync</c>, the one process runner, which lives above this layer.
    /// </summary>
    public DotnetCommand? Dotnet { get; init; }

    /// <summary><c>$(NuGetPackageRoot)</c>: where NuGet keeps packages, for checks that have no assets file (VerifySkills); null for NuGet's default.</summary>
    public string? PackagesFolder { get; init; }

    /// <summary><c>SkillsTrustedRoot</c>: a trusted_root.json; null for the embedded Sigstore production root.</summary>
    public string? TrustedRootPath { get; init; }

    /// <summary><c>SkillsMaxParallelDownloads</c>: how many skills are resolved and fetched at once.</summary>
    public int MaxParallelism { get; init; } = DefaultMaxParallelism;

    /// <summary>Eight requests at a time: well inside what public registries allow, enough to hide their latency.</summary>
    public const int DefaultMaxParallelism = 8;

    /// <summary><c>SkillsIncludeDependencies</c>: install what the skills require (their manifests' requirement annotations), transitively.</summary>
    public bool IncludeDependencies { get; init; } = true;

    /// <summary><c>SkillsRepair</c> / <c>RepairSkills</c>: reinstall drifted folders from the lock and cache, re-verify from the registry.</summary>
    public bool Repair { get; init; }

    /// <summary>True when the project itself set SkillsCachePath (not inherited from SKILLS_OCI_CACHE): it must then agree across the root.</summary>
    public bool CachePathIsProjectSetting { get; init; }

    /// <summary>The files the root-shaping settings come from (the project and its imports under the root).</summary>
    public IReadOnlyList<string> SettingInputs { get; init; } = [];

    /// <summary><c>SkillsSecurityMode</c>: what the content scan's findings do (docs/security.md).</summary>
    public Security.SecurityMode SecurityMode { get; init; } = Security.SecurityMode.Warn;

    /// <summary><c>SkillsSarifPath</c>: a SARIF 2.1.0 report of what this restore scanned; null for none.</summary>
    public string? SarifPath { get; init; }

    /// <summary>Package id (case-insensitive) to the findings its <c>PackageReference</c> accepts (AllowFinding, AllowReason).</summary>
    public IReadOnlyDictionary<string, Security.FindingAllowList> PackageAllowLists { get; init; } = new Dictionary<string, Security.FindingAllowList>(StringComparer.OrdinalIgnoreCase);

    public string EffectiveCachePath => CachePath is { Length: > 0 } path ? Path.GetFullPath(path) : SkillCache.DefaultPath();

    public bool IsUpdateRequested(SkillRequest request, string? lockedName) =>
        UpdateAll || SkillsToUpdate.Any(name =>
            string.Equals(name, request.Item.Include, StringComparison.OrdinalIgnoreCase) ||
            string.Equals(name, request.Repository.RepositoryName, StringComparison.OrdinalIgnoreCase) ||
            (lockedName is not null && string.Equals(name, lockedName, StringComparison.Ordinal)));
}

/// <summary>What a restore did. <see cref="Succeeded"/> is false when an error diagnostic was produced.</summary>
public sealed record SkillRestoreResult
{
    public bool Succeeded => Diagnostics.All(d => d.Severity != DiagnosticSeverity.Error);

    public IReadOnlyList<Diagnostic> Diagnostics { get; init; } = [];

    /// <summary>True when nothing needed doing (the no-op path: no network, no write).</summary>
    public bool WasUpToDate { get; init; }

    /// <summary>Skills this project references that are in place after the restore: installed now or already there.</summary>
    public int Restored => Installed + Reused;

    /// <summary>Skill folders (re)installed by this restore: <see cref="Downloaded"/> + <see cref="Cached"/>.</summary>
    public int Installed => Downloaded + Cached;

    /// <summary>Skills of this project that were already in place and needed nothing.</summary>
    public int Reused { get; init; }

    /// <summary>Installs whose content came from the source.</summary>
    public int Downloaded { get; init; }

    /// <summary>Installs served entirely from the cache.</summary>
    public int Cached { get; init; }

    /// <summary>Skills pruned because no project references them any more.</summary>
    public int Removed { get; init; }

    public bool LockFileWritten { get; init; }

    public bool GitIgnoreWritten { get; init; }

    /// <summary>Lines for detailed logs: what trust verification found for each installed skill.</summary>
    public IReadOnlyList<string> Messages { get; init; } = [];

    /// <summary>One line per skill added, updated or removed (<c>updated pdf 1.1.0 -> 1.2.0 (sha256:…)</c>); empty when nothing changed.</summary>
    public IReadOnlyList<string> Changes { get; init; } = [];

    /// <summary>The one line logged per project at normal verbosity.</summary>
    public string Summary =>
        $"Restored {Restored} skill{(Restored == 1 ? string.Empty : "s")} ({Downloaded} downloaded, {Cached} from the cache, {Reused} already in place{(Removed > 0 ? $"; {Removed} removed" : string.Empty)}).";
}
