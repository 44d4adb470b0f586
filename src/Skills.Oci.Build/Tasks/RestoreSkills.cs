using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Registry;
using Skills.Oci.Build.Restore;
using Skills.Oci.Build.Trust.Policy;

namespace Skills.Oci.Build.Tasks;

/// <summary>
/// Restores a project's <c>SkillReference</c> items into its skills root through
/// <see cref="SkillRestoreEngine"/>. Called from the restore hook (every restore and design-time
/// build), from the pre-build check and by <c>UpdateSkills</c>. The no-op path reads the lock and
/// checks that folders and links exist: no network, no registry client, nothing written but the
/// stamp's timestamp.
/// </summary>
public sealed class RestoreSkills : SkillsOciTask
{
    /// <summary>The project whose references these are; recorded (root-relative) in the lock.</summary>
    [Required]
    public string ProjectPath { get; set; } = string.Empty;

    /// <summary><c>@(SkillReference)</c>: Include = reference, metadata <c>Version</c>.</summary>
    public ITaskItem[] SkillReferences { get; set; } = [];

    /// <summary><c>$(SkillsRoot)</c>; empty means the repository root found from the project folder.</summary>
    public string? SkillsRoot { get; set; }

    /// <summary><c>$(SkillsLockFile)</c>; empty means <c>skills.lock.json</c> in the skills root.</summary>
    public string? LockFile { get; set; }

    /// <summary><c>$(SkillsAgentDirectories)</c>: root-relative folders that get a link per skill; <c>none</c> for no links.</summary>
    public string[] AgentDirectories { get; set; } = [".claude/skills"];

    public bool UpdateGitIgnore { get; set; } = true;

    public bool LockedMode { get; set; }

    /// <summary>Design-time builds: cache only, warnings at most, no stamp.</summary>
    public bool Offline { get; set; }

    /// <summary><c>UpdateSkills</c> without <c>SkillsToUpdate</c>.</summary>
    public bool UpdateAll { get; set; }

    public string[] SkillsToUpdate { get; set; } = [];

    public string? CachePath { get; set; }

    /// <summary><c>@(SkillTrustPolicy)</c>: Include = registry/repository pattern; Key, or Issuer and Identity; Provenance, SourceRepository.</summary>
    public ITaskItem[] TrustPolicies { get; set; } = [];

    /// <summary><c>$(SkillsRequireSignatures)</c>: every reference needs a matching policy.</summary>
    public bool RequireSignatures { get; set; }

    /// <summary><c>@(SkillDenyList)</c>: Include = the reference of a deny list (checked with the trust policies).</summary>
    public ITaskItem[] DenyLists { get; set; } = [];

    /// <summary><c>$(SkillsRemoveDenied)</c>: remove denied skills from the skills root (warnings) instead of failing.</summary>
    public bool RemoveDenied { get; set; }

    /// <summary><c>$(SkillsIncludeDependencies)</c>: install what the skills require, transitively.</summary>
    public bool IncludeDependencies { get; set; } = true;

    /// <summary><c>$(SkillsTrustedRoot)</c>: a Sigstore trusted_root.json; empty for the embedded production root.</summary>
    public string? TrustedRoot { get; set; }

    /// <summary>Written (or touched) after a successful restore, so the pre-build check can skip.</summary>
    public string? StampFile { get; set; }

    /// <summary>
    /// <c>$(_SkillsOciHookKey)</c>: the targets' digest of the settings that shape this restore, written into
    /// the stamp so the restore hook can tell, without loading this task, that nothing changed.
    /// </summary>
    public string? StampKey { get; set; }

    /// <summary><c>$(SkillsRepair)</c> or the RepairSkills target: reinstall drifted folders, re-verify trust from the registry.</summary>
    public bool Repair { get; set; }

    /// <summary><c>$(SkillsMaxParallelDownloads)</c>: skills resolved and fetched at once; empty for the default (8).</summary>
    public string? MaxParallelDownloads { get; set; }

    /// <summary>True when the project set SkillsCachePath itself (it then has to agree across the root).</summary>
    public bool CachePathIsProjectSetting { get; set; }

    /// <summary><c>$(MSBuildAllProjects)</c> and the project: a root's record of this project's settings is stale once one of them changes.</summary>
    public string[] SettingInputs { get; set; } = [];

    /// <summary>The files that may declare SkillTrustPolicy items (the project, Directory.Build.props/targets).</summary>
    public string[] PolicyDeclaringFiles { get; set; } = [];

    /// <summary>
    /// <c>$(ProjectAssetsFile)</c>, given only once NuGet has written it for this restore (the package
    /// pass after Restore, the pre-build check, design-time builds): the project's package skills are
    /// then restored too. Empty: the lock's package entries are carried as they are.
    /// </summary>
    public string? ProjectAssetsFile { get; set; }

    /// <summary><c>$(SkillsFromPackages)</c>: false ignores every package's skills (their entries are pruned).</summary>
    public bool SkillsFromPackages { get; set; } = true;

    /// <summary>Package ids whose skills are ignored: <c>@(SkillPackageExclude)</c> patterns and PackageReference items with <c>IncludeSkills="false"</c>.</summary>
    public string[] SkillPackageExcludes { get; set; } = [];

    /// <summary><c>$(MSBuildRestoreSessionId)</c>: one restore calls the hook per framework; the first call does the work.</summary>
    public string? RestoreSessionId { get; set; }

    /// <summary>
    /// Set by the hook inside <c>dotnet restore</c>'s graph walk: when the entry project opened a
    /// session in this process, the restore continues while NuGet restores and is reported at the end
    /// of Restore (<see cref="BackgroundSkillRestores"/>); otherwise it runs in place.
    /// </summary>
    public bool InBackground { get; set; }

    /// <summary><c>@(SkillRegistryMirror)</c>: Include = registry, metadata <c>Mirror</c> (host and optional path prefix), <c>Fallback</c> (default true).</summary>
    public ITaskItem[] Mirrors { get; set; } = [];

    /// <summary><c>$(SkillsSource)</c>: an offline bundle (OCI image layout) restored from instead of any registry.</summary>
    public string? SkillsSource { get; set; }

    /// <summary><c>$(ManageSkillVersionsCentrally)</c>: SkillReference versions come from <see cref="SkillVersions"/> (<see cref="CentralSkillVersions"/>).</summary>
    public bool ManageSkillVersionsCentrally { get; set; }

    /// <summary><c>@(SkillVersion)</c>: Include = registry/repository, metadata <c>Version</c>.</summary>
    public ITaskItem[] SkillVersions { get; set; } = [];

    /// <summary><c>$(DirectoryPackagesPropsPath)</c>: where a missing central version is to be added; empty for the nearest Directory.Packages.props.</summary>
    public string? CentralVersionsFile { get; set; }
    /// <summary><c>$(SkillsSecurityMode)</c>: <c>warn</c> (default), <c>block</c> or <c>off</c> (docs/security.md).</summary>
    public string? SecurityMode { get; set; }

    /// <summary><c>$(SkillsSarifPath)</c>: a SARIF 2.1.0 report of what the restore scanned; relative to the project.</summary>
    public string? SarifPath { get; set; }

    /// <summary>PackageReference items with <c>AllowFinding</c>/<c>AllowReason</c> metadata: the findings their package skills may have.</summary>
    public ITaskItem[] PackageAllowances { get; set; } = [];

    /// <summary>Problems without a better location point at the project, not at our targets file.</summary>
    protected override string? DefaultDiagnosticFile => string.IsNullOrWhiteSpace(ProjectPath) ? base.DefaultDiagnosticFile : ProjectPath;

    protected override async System.Threading.Tasks.Task ExecuteCoreAsync(CancellationToken cancellationToken)
    {
        var projectPath = Path.GetFullPath(ProjectPath);
        var dedupeKey = RestoreSessionId is { Length: > 0 } session
            ? $"Skills.Oci.RestoreSkills|{session}|{projectPath}|{Offline}|{UpdateAll}|{string.Join(";", SkillsToUpdate)}|{ProjectAssetsFile}"
            : null;
        if (dedupeKey is not null && BuildEngine is IBuildEngine4 engine4 &&
            engine4.GetRegisteredTaskObject(dedupeKey, RegisteredTaskObjectLifetime.Build) is not null)
        {
            // The outer build already restored this project in this restore (its errors, if any, were logged once).
            Log.LogMessage(MessageImportance.Low, "Skills of '{0}' were already restored in this restore session.", projectPath);
            return;
        }

        var request = new SkillRestoreRequest
        {
            SkillsRoot = SkillsRootLocator.Locate(Path.GetDirectoryName(projectPath)!, SkillsRoot),
            ProjectPath = projectPath,
            References = SkillReferences.Select(ToReference).ToList(),
            LockFilePath = string.IsNullOrWhiteSpace(LockFile) ? null : LockFile,
        };
        if (ManageSkillVersionsCentrally)
        {
            var problems = new List<Diagnostic>();
            var central = CentralSkillVersions.Create(
                SkillVersions.Select(v => new SkillVersionItem(v.ItemSpec, v.GetMetadata("Version"), DefiningFile(v))),
                CentralSkillVersions.LocatePropsFile(CentralVersionsFile, Path.GetDirectoryName(projectPath)!, request.Root),
                problems);
            request = request with { References = central.Apply(request.References, projectPath, problems) };
            if (problems.Count > 0)
            {
                // As for refused package skills: nothing is written, and a design-time build only warns.
                foreach (var problem in problems)
                {
                    LogDiagnostic(Log, PointAtReference(Offline ? problem with { Severity = DiagnosticSeverity.Warning } : problem, projectPath), projectPath);
                }

                return;
            }
        }

        if (!string.IsNullOrWhiteSpace(ProjectAssetsFile) && File.Exists(ProjectAssetsFile))
        {
            var collected = await Hosting.PackageSkillCollector.CollectAsync(ProjectAssetsFile, SkillsFromPackages, SkillPackageExcludes, Skills.Oci.Build.Oci.OciLimits.Default, cancellationToken).ConfigureAwait(false);
            if (collected.Diagnostics.Count > 0)
            {
                // A refused package skill fails the restore before anything is written.
                LogDiagnostics(Offline ? collected.Diagnostics.Select(d => d with { Severity = DiagnosticSeverity.Warning }) : collected.Diagnostics);
                return;
            }

            request = request with { PackageSkills = collected.Skills };
        }
        var options = new SkillRestoreOptions
        {
            AgentDirectories = AgentDirectories
                .Select(d => d.Trim())
                .Where(d => d.Length > 0 && !string.Equals(d, "none", StringComparison.OrdinalIgnoreCase))
                .ToList(),
            UpdateGitIgnore = UpdateGitIgnore,
            LockedMode = LockedMode,
            UpdateAll = UpdateAll,
            SkillsToUpdate = SkillsToUpdate.Select(s => s.Trim()).Where(s => s.Length > 0).ToList(),
            Offline = Offline,
            CachePath = string.IsNullOrWhiteSpace(CachePath) ? null : CachePath,
            TrustPolicies = ToPolicies(TrustPolicies),
            RequireSignatures = RequireSignatures,
            DenyLists = DenyLists.Select(d => d.ItemSpec).ToList(),
            RemoveDenied = RemoveDenied,
            IncludeDependencies = IncludeDependencies,
            Dotnet = RunDotnet,
            TrustedRootPath = string.IsNullOrWhiteSpace(TrustedRoot) ? null : Path.GetFullPath(TrustedRoot),
            Repair = Repair,
            MaxParallelism = ParseParallelism(MaxParallelDownloads),
            CachePathIsProjectSetting = CachePathIsProjectSetting,
            SettingInputs = SettingInputs.Select(i => i.Trim()).Where(i => i.Length > 0 && Path.IsPathRooted(i)).ToList(),
            SecurityMode = Security.SecurityModes.Parse(SecurityMode, projectPath),
            SarifPath = string.IsNullOrWhiteSpace(SarifPath) ? null : Path.GetFullPath(SarifPath.Trim(), Path.GetDirectoryName(projectPath)!),
            PackageAllowLists = ToPackageAllowLists(PackageAllowances),
        };

        Log.LogMessage(MessageImportance.Low, "Skills root '{0}', lock '{1}', cache '{2}', {3}.",
            request.Root, request.EffectiveLockFilePath, options.EffectiveCachePath, Offline ? "offline (design-time build)" : "network allowed");

        var mirrors = await Registry.RegistryMirrors.LoadAsync(request.Root, ToMirrors(Mirrors), null, cancellationToken).ConfigureAwait(false);
        var bundle = string.IsNullOrWhiteSpace(SkillsSource) ? null : new SkillBundleSource(Path.GetFullPath(SkillsSource, Path.GetDirectoryName(projectPath)!));
        if (InBackground && BackgroundSkillRestores.Find(BuildEngine, RestoreSessionId) is { } background)
        {
            background.Start(projectPath, token => RunEngineAsync(request, options, mirrors, bundle, token), (log, result) => Report(log, request, options, result));
            RegisterRestored(dedupeKey);
            Log.LogMessage(MessageImportance.Low, "Skills of '{0}' are restored while NuGet restores; the end of the restore reports them.", projectPath);
            return;
        }

        var restored = await RunEngineAsync(request, options, mirrors, bundle, cancellationToken).ConfigureAwait(false);
        RegisterRestored(dedupeKey);
        Report(Log, request, options, restored);
    }

    private static async System.Threading.Tasks.Task<SkillRestoreResult> RunEngineAsync(
        SkillRestoreRequest request, SkillRestoreOptions options, Registry.RegistryMirrors mirrors, SkillBundleSource? bundle, CancellationToken cancellationToken)
    {
        // The engine runs the no-op check first and asks for the registry client only past it.
        using var source = new LazyRegistrySource(new RegistryClientOptions { Limits = options.Limits }, mirrors);
        return await new SkillRestoreEngine(bundle is null ? source.Get : () => bundle).RestoreAsync(request, options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Marks this project restored in this restore session (its errors, if any, are logged once).</summary>
    private void RegisterRestored(string? dedupeKey)
    {
        if (dedupeKey is not null && BuildEngine is IBuildEngine4 registering)
        {
            registering.RegisterTaskObject(dedupeKey, new object(), RegisteredTaskObjectLifetime.Build, allowEarlyCollection: false);
        }
    }

    /// <summary>Logs what the restore did, through this task's logger or, for a background restore, the reporting task's.</summary>
    private void Report(TaskLoggingHelper log, SkillRestoreRequest request, SkillRestoreOptions options, SkillRestoreResult result)
    {
        var projectPath = request.ProjectPath;
        if (!result.WasUpToDate)
        {
            foreach (var dropped in WildcardPolicyScanner.Scan(PolicyDeclaringFiles, TrustPolicies.Select(p => p.ItemSpec).ToList()))
            {
                LogDiagnostic(log, dropped, projectPath);
            }
        }

        foreach (var message in result.Messages)
        {
            log.LogMessage(MessageImportance.Low, "{0}", message);
        }

        foreach (var diagnostic in result.Diagnostics)
        {
            LogDiagnostic(log, PointAtReference(diagnostic, projectPath), projectPath);
        }

        if (!result.Succeeded)
        {
            return;
        }

        foreach (var change in result.Changes)
        {
            // What changed is worth a line even at minimal verbosity; nothing is printed when nothing changed.
            log.LogMessage(MessageImportance.High, "Skills: {0}", change);
        }

        var name = Path.GetFileName(projectPath);
        log.LogMessage(MessageImportance.Normal, "{0}: {1}", name, result.WasUpToDate
            ? $"Skills are up to date ({result.Restored} skill{(result.Restored == 1 ? string.Empty : "s")})."
            : result.Summary);

        // Offline runs may have left references unresolved: the next build must check again.
        if (!Offline && !string.IsNullOrWhiteSpace(StampFile))
        {
            new RestoreUpToDateCheck(request, options).WriteStamp(StampFile, StampKey, result.Restored);
        }
    }

    /// <summary>
    /// A diagnostic about one SkillReference but located only at the project points, in the Error List
    /// and on the command line, at the line declaring it, in the file that declares it (the project or
    /// an import such as Directory.Build.props). Only runs on failures, so reading the file costs nothing
    /// on the no-op path.
    /// </summary>
    private Diagnostic PointAtReference(Diagnostic diagnostic, string projectPath)
    {
        if (diagnostic.Line > 0 || (diagnostic.File is not null && !string.Equals(diagnostic.File, projectPath, StringComparison.Ordinal)))
        {
            return diagnostic;
        }

        // Messages name a reference as written, or by its repository (a tag or digest is not always repeated).
        var item = SkillReferences
            .Where(i => i.ItemSpec.Length > 0 && diagnostic.Message.Contains(i.ItemSpec, StringComparison.Ordinal))
            .OrderByDescending(i => i.ItemSpec.Length)
            .FirstOrDefault()
            ?? SkillReferences
                .Where(i => ImageReference.TryParse(i.ItemSpec.Trim(), out var reference, out _) &&
                            diagnostic.Message.Contains(reference!.RepositoryName, StringComparison.Ordinal))
                .OrderByDescending(i => i.ItemSpec.Length)
                .FirstOrDefault();
        var file = item?.GetMetadata("DefiningProjectFullPath");
        if (item is null || string.IsNullOrEmpty(file))
        {
            return diagnostic;
        }

        try
        {
            var lines = File.ReadAllLines(file);
            var quoted = $"\"{item.ItemSpec}\"";
            for (var index = 0; index < lines.Length; index++)
            {
                var column = lines[index].IndexOf(quoted, StringComparison.Ordinal);
                if (column >= 0)
                {
                    return diagnostic with { File = file, Line = index + 1, Column = column + 2 };
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }

        return diagnostic with { File = file };
    }

    /// <summary>A whole number from 1 to 64; anything else is a coded error at the project, not MSBuild's conversion error.</summary>
    private int ParseParallelism(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return SkillRestoreOptions.DefaultMaxParallelism;
        }

        if (int.TryParse(text.Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value) && value is >= 1 and <= 64)
        {
            return value;
        }

        throw new SkillsOciException(ErrorCodes.RestorePropertyInvalid,
            $"SkillsMaxParallelDownloads is '{text}'; it must be a whole number from 1 to 64. Remove it to use the default of {SkillRestoreOptions.DefaultMaxParallelism}.",
            ProjectPath);
    }

    /// <summary>
    /// Policy items with their metadata and the file that declared them (relative Key paths are relative to
    /// it). Registry and <c>nuget:</c> package policies alike: the policy set tells them apart.
    /// </summary>
    internal static IReadOnlyList<SkillTrustPolicyItem> ToPolicies(ITaskItem[] items) =>
        items.Select(item =>
        {
            var metadata = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (System.Collections.DictionaryEntry entry in item.CloneCustomMetadata())
            {
                metadata[(string)entry.Key] = entry.Value as string ?? string.Empty;
            }

            var file = item.GetMetadata("DefiningProjectFullPath");
            return new SkillTrustPolicyItem(item.ItemSpec, metadata, string.IsNullOrEmpty(file) ? null : file);
        }).ToList();

    /// <summary>SkillRegistryMirror items, parsed here at the edge; a bad one is SKOCI8041 at the file that declares it.</summary>
    internal static Registry.RegistryMirrors ToMirrors(ITaskItem[] items) =>
        Registry.RegistryMirrors.Of(items.Select(item =>
        {
            var file = item.GetMetadata("DefiningProjectFullPath");
            var origin = string.IsNullOrEmpty(file) ? "a SkillRegistryMirror item" : $"the SkillRegistryMirror item '{item.ItemSpec}' of {file}";
            var fallback = item.GetMetadata("Fallback").Trim();
            if (fallback.Length > 0 && !bool.TryParse(fallback, out _))
            {
                throw new SkillsOciException(ErrorCodes.MirrorSettingInvalid,
                    $"The registry mirror setting in {origin} is invalid: Fallback=\"{fallback}\" is not true or false.", string.IsNullOrEmpty(file) ? null : file);
            }

            return Registry.RegistryMirrors.Create(item.ItemSpec, item.GetMetadata("Mirror"), fallback.Length == 0 || bool.Parse(fallback), origin, string.IsNullOrEmpty(file) ? null : file);
        }).ToList());

    private static string? DefiningFile(ITaskItem item) => item.GetMetadata("DefiningProjectFullPath") is { Length: > 0 } file ? file : null;
    /// <summary>Package id to the findings its PackageReference accepts; an incomplete pair is SKOCI5190 at the file declaring it.</summary>
    internal static IReadOnlyDictionary<string, Security.FindingAllowList> ToPackageAllowLists(ITaskItem[] items)
    {
        var lists = new Dictionary<string, Security.FindingAllowList>(StringComparer.OrdinalIgnoreCase);
        foreach (var item in items)
        {
            var file = item.GetMetadata("DefiningProjectFullPath");
            var allow = Security.FindingAllowList.Parse(item.GetMetadata(Security.FindingAllowList.AllowFindingMetadata), item.GetMetadata(Security.FindingAllowList.AllowReasonMetadata),
                $"The PackageReference '{item.ItemSpec}'", string.IsNullOrEmpty(file) ? null : file);
            if (allow.Entries.Count > 0)
            {
                lists[item.ItemSpec.Trim()] = allow;
            }
        }

        return lists;
    }

    private static SkillReferenceItem ToReference(ITaskItem item)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        // IDictionary's own enumerator yields DictionaryEntry whatever dictionary MSBuild hands out.
        foreach (System.Collections.DictionaryEntry entry in item.CloneCustomMetadata())
        {
            var key = (string)entry.Key;
            if (!string.Equals(key, "Version", StringComparison.OrdinalIgnoreCase))
            {
                metadata[key] = entry.Value as string ?? string.Empty;
            }
        }

        var version = item.GetMetadata("Version");
        return new SkillReferenceItem(item.ItemSpec, string.IsNullOrWhiteSpace(version) ? null : version, metadata);
    }
}
