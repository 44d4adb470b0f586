using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.FileSystem;
using Skills.Oci.Build.Format;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Registry;
using Skills.Oci.Build.Trust.Policy;

namespace Skills.Oci.Build.Restore;

/// <summary>
/// Restores one project's skills into its skills root, in phases: the up-to-date check
/// (<see cref="RestoreUpToDateCheck"/>), the plan from the lock (<see cref="RestorePlan"/>), resolution
/// of what the lock does not answer (<see cref="SkillResolver"/>), the new lock
/// (<see cref="LockBuilder"/>), staging (<see cref="SkillStager"/>: fetch cache first, verify trust,
/// extract) and one commit (<see cref="InstallTransaction"/>). The whole restore runs under the root's
/// own lock; any failure leaves the previous folders, links and lock as they were.
/// </summary>
public sealed class SkillRestoreEngine
{
    private readonly Func<ISkillSource?> _source;

    public SkillRestoreEngine(ISkillSource? source)
        : this(() => source)
    {
    }

    /// <param name="source">Called only past the no-op check, so an up-to-date restore never creates a registry client.</param>
    public SkillRestoreEngine(Func<ISkillSource?> source)
    {
        _source = source;
    }

    /// <summary>How long a cache temporary file must be idle before a restore removes it as a leftover.</summary>
    private static readonly TimeSpan StaleTempAge = TimeSpan.FromMinutes(10);

    /// <summary>Restores. User-caused failures come back as coded diagnostics (warnings in offline mode).</summary>
    public async Task<SkillRestoreResult> RestoreAsync(SkillRestoreRequest request, SkillRestoreOptions options, CancellationToken cancellationToken)
    {
        var diagnostics = new List<Diagnostic>();
        try
        {
            var result = await ExecuteAsync(request, options, diagnostics, cancellationToken).ConfigureAwait(false);
            // Design-time builds never fail: whatever went wrong is a warning there.
            return options.Offline ? result with { Diagnostics = result.Diagnostics.Select(AsWarning).ToList() } : result;
        }
        catch (SkillsOciException ex)
        {
            return Failed(ex.Diagnostic);
        }
        catch (RegistryException ex)
        {
            return Failed(RegistryErrorMapping.ToDiagnostic(ex, request.ProjectPath));
        }
        catch (Exception ex) when (RestoreIo.IsIo(ex))
        {
            return Failed(RestoreIo.Failure(request.Root, "update the skills root", ex).Diagnostic);
        }

        SkillRestoreResult Failed(Diagnostic diagnostic)
        {
            diagnostics.Add(options.Offline ? AsWarning(diagnostic) : diagnostic);
            return new SkillRestoreResult { Diagnostics = diagnostics };
        }

        static Diagnostic AsWarning(Diagnostic d) => d.Severity == DiagnosticSeverity.Error ? d with { Severity = DiagnosticSeverity.Warning } : d;
    }

    internal static bool ProjectExists(string root, string project) =>
        File.Exists(Path.IsPathRooted(project) ? project : SkillsRootPath.Full(root, project));

    /// <summary>The settings of this project that shape the whole root.</summary>
    public static RootSettings SettingsOf(SkillRestoreRequest request, SkillRestoreOptions options) => new()
    {
        AgentDirectories = options.AgentDirectories.Select(d => SkillsRootPath.Normalize(d.Replace('\\', '/'))).ToList(),
        UpdateGitIgnore = options.UpdateGitIgnore,
        LockFile = SkillRestoreRequest.RootRelative(request.Root, request.EffectiveLockFilePath),
        CachePath = options.CachePathIsProjectSetting ? options.EffectiveCachePath : null,
    };

    private async Task<SkillRestoreResult> ExecuteAsync(SkillRestoreRequest request, SkillRestoreOptions options, List<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        var requests = request.ParseReferences();
        var check = new RestoreUpToDateCheck(request, options);
        // Locked mode compares every package folder with the lock; otherwise a lock that records this project's
        // package skills as they are resolved now, installed, is the no-op path as for registry skills.
        var packagesCurrent = request.PackageSkills is not { } packageSkills || (!options.LockedMode && PackageSkillLock.IsCurrent(
            await LockFile.ReadAsync(request.EffectiveLockFilePath, cancellationToken).ConfigureAwait(false), packageSkills, request.ProjectKey,
            new SkillMaterializer(request.Root, options.AgentDirectories)));
        // Deny lists apply to what is installed as well, so even the no-op path checks them (one request per list).
        var denyLists = options.DenyLists.Count == 0 ? null : await LoadDenyListsAsync(request, options, diagnostics, cancellationToken).ConfigureAwait(false);
        if (packagesCurrent && check.IsUpToDate())
        {
            var denied = denyLists is null ? [] : DenyListGate.Check(await LockFile.ReadAsync(request.EffectiveLockFilePath, cancellationToken).ConfigureAwait(false) ?? LockFile.Empty, denyLists);
            if (denied.Count == 0)
            {
                return new SkillRestoreResult { WasUpToDate = true, Reused = requests.Count, Diagnostics = diagnostics };
            }

            if (!options.RemoveDenied)
            {
                diagnostics.AddRange(denied.Select(d => d.ToError(request.ProjectPath)));
                return new SkillRestoreResult { Diagnostics = diagnostics };
            }
        }

        var state = new RootState(request.Root);
        var created = !Directory.Exists(state.Folder);
        var agentsCreated = !Directory.Exists(Path.GetDirectoryName(state.Folder));
        var rootLock = await state.AcquireAsync(options.LockTimeout, request.ProjectPath, cancellationToken).ConfigureAwait(false);
        var failed = true;
        try
        {
            var result = await RestoreUnderLockAsync(request, options, requests, check, state, denyLists, diagnostics, cancellationToken).ConfigureAwait(false);
            failed = false;
            return result;
        }
        finally
        {
            rootLock.Dispose();
            // A restore that failed leaves no trace of its own bookkeeping where there was none.
            var unused = failed || !File.Exists(request.EffectiveLockFilePath);
            state.Tidy(removeAll: unused && created, removeParent: unused && agentsCreated);
        }
    }

    private async Task<SkillRestoreResult> RestoreUnderLockAsync(SkillRestoreRequest request, SkillRestoreOptions options, IReadOnlyList<SkillRequest> requests, RestoreUpToDateCheck check, RootState state, IReadOnlyList<LoadedDenyList>? denyLists, List<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var timings = new RestoreTimings();
        var phases = new List<string>();
        void Phase(string name)
        {
            phases.Add($"{name} {clock.ElapsedMilliseconds} ms");
            clock.Restart();
        }

        var root = request.Root;
        var project = request.ProjectKey;
        var lockPath = request.EffectiveLockFilePath;
        var materializer = new SkillMaterializer(root, options.AgentDirectories);
        var cache = new SkillCache(options.EffectiveCachePath);
        var online = options.Offline ? null : _source();
        Func<string, bool> exists = p => p == project || ProjectExists(root, p);

        await InstallTransaction.RecoverAsync(state, cancellationToken).ConfigureAwait(false);
        TempName.RemoveStaleFiles(cache.BlobFolder, StaleTempAge);

        var oldLock = await LockFile.ReadAsync(lockPath, cancellationToken).ConfigureAwait(false);
        var previous = oldLock ?? LockFile.Empty;
        var records = state.ReadProjects();
        var settings = SettingsOf(request, options);
        CheckAgreement(root, project, settings, records, exists, request.ProjectPath);

        Phase("lock and recovery");
        var plan = RestorePlan.Create(previous, project, requests, options, exists, p => records.TryGetValue(p, out var record) && record.IsStale(root));
        foreach (var unmatched in plan.UnmatchedUpdates)
        {
            diagnostics.Add(Diagnostic.Warning(ErrorCodes.SkillsToUpdateMatchesNothing,
                $"SkillsToUpdate names '{unmatched}', which is no skill name, repository or SkillReference Include of this project or its skills root; nothing was updated for it. Use a name from {LockFile.FileName}.",
                request.ProjectPath));
        }

        if (options.LockedMode && !plan.IsFullyLocked)
        {
            throw LockedModeError(LockBuilder.LockedModeChanges(previous, plan), lockPath);
        }

        var resolved = new Dictionary<SkillGroup, ResolvedSkill>();
        var collections = new Dictionary<SkillGroup, ResolvedCollectionIndex>();
        var reader = new SkillContentReader(cache, online, options.Limits) { Timings = timings };
        if (online is null)
        {
            foreach (var group in plan.ToResolve.Where(g => g.Own is not null))
            {
                diagnostics.Add(Diagnostic.Warning(ErrorCodes.SkillUnavailableOffline,
                    $"The skill '{group.Own}' is not locked, so it cannot be restored offline (design-time build). Run 'dotnet restore'.", request.ProjectPath));
            }
        }
        else
        {
            // Every group at once (bounded): each is a few round trips, so a far registry costs one latency, not one per skill.
            var resolver = new SkillResolver(online, reader, options.Limits, request.ProjectPath, project);
            var graph = Graph(online, reader, options, request.ProjectPath);
            var outcomes = await BoundedConcurrency.RunAsync(plan.ToResolve.ToList(), options.MaxParallelism, async (group, ct) =>
            {
                var warnings = new List<Diagnostic>();
                var target = await resolver.ResolveAsync(group, warnings, ct).ConfigureAwait(false);
                if (target is ResolvedIndex index)
                {
                    target = await graph.ExpandAsync(index, warnings, ct).ConfigureAwait(false);
                }

                return (Target: target, Warnings: warnings);
            }, cancellationToken).ConfigureAwait(false);
            var failures = outcomes.Where(o => o.Error is not null).SelectMany(o => RestoreErrors.ToDiagnostics(o.Error!, request.ProjectPath)).ToList();
            foreach (var done in outcomes.Where(o => o.Error is null))
            {
                diagnostics.AddRange(done.Result.Warnings);
                switch (done.Result.Target)
                {
                    case ResolvedSkill skill:
                        resolved[done.Item] = skill;
                        break;
                    case ResolvedCollectionIndex collection:
                        collections[done.Item] = collection;
                        break;
                }
            }

            if (failures.Count > 0)
            {
                // Every failing skill is reported, in the plan's order; nothing is written.
                diagnostics.AddRange(failures);
                return new SkillRestoreResult { Diagnostics = diagnostics };
            }
        }

        Phase("resolution");
        var now = LockFile.FormatTimestamp(options.Time.GetUtcNow());
        var desired = LockBuilder.Build(previous, plan, resolved, materializer, now, request.ProjectPath, offline: online is null, collections);
        var fresh = resolved.Values.Select(r => r.Artifact).Concat(collections.Values.SelectMany(c => c.Members.Select(m => m.Artifact))).ToList();
        var hadDependencies = previous.Skills.Any(e => e.RequiredBy.Count > 0);
        if (online is null || (!options.IncludeDependencies && !hadDependencies) || (fresh.Count == 0 && !hadDependencies))
        {
            // Offline the lock's dependencies stay as they are; with nothing resolved and none locked there is nothing to follow.
            desired = desired with { Skills = desired.Skills.Concat(previous.Skills.Where(e => online is null && e.RequiredBy.Count > 0 && desired.Find(e.Name) is null)).OrderBy(e => e.Name, StringComparer.Ordinal).ToList() };
        }
        else if (options.IncludeDependencies)
        {
            var dependencies = await Graph(online, reader, options, request.ProjectPath).AddDependenciesAsync(previous, desired, fresh, materializer, now, cancellationToken).ConfigureAwait(false);
            if (dependencies.Lock is null)
            {
                diagnostics.AddRange(dependencies.Errors);
                return new SkillRestoreResult { Diagnostics = diagnostics };
            }

            desired = dependencies.Lock;
            fresh.AddRange(dependencies.Artifacts);
        }

        desired = PackageSkillLock.Merge(previous, desired, request.PackageSkills, project, exists, materializer, now, options.LockedMode, request.ProjectPath, lockPath);
        if (options.LockedMode && !desired.SameResolutionAs(previous))
        {
            throw LockedModeError(LockBuilder.LockedModeChanges(previous, plan), lockPath);
        }

        if (denyLists is not null && DenyListGate.Check(desired, denyLists) is { Count: > 0 } denied)
        {
            if (!options.RemoveDenied)
            {
                diagnostics.AddRange(denied.Select(d => d.ToError(request.ProjectPath)));
                return new SkillRestoreResult { Diagnostics = diagnostics };
            }

            diagnostics.AddRange(denied.Select(d => d.ToRemovedWarning(request.ProjectPath)));
            desired = DenyListGate.Without(desired, denied);
        }

        var policies = await LoadPoliciesAsync(request, options, cancellationToken).ConfigureAwait(false);
        var gate = new SkillTrustGate(policies, options.RequireSignatures, options.TrustedRootPath, cache.Layout, online as ISkillSignatureSource, request.ProjectPath, options.Time);
        var record = records.GetValueOrDefault(project);
        // Locked collections of this project are checked again when the policies changed, as its locked skills are.
        var lockedCollections = online is null || (record is not null && record.Policy == check.PolicyDigest) ? []
            : desired.Collections.Where(c => c.Projects.Contains(project) && collections.Values.All(f => f.Name != c.Name)).ToList();
        await SkillGraph.CheckTrustAsync(gate, collections.Values, lockedCollections, cancellationToken).ConfigureAwait(false);
        var verified = record is not null && record.Policy == check.PolicyDigest
            ? new Dictionary<string, string>(record.Verified, StringComparer.Ordinal)
            : new Dictionary<string, string>(StringComparer.Ordinal);
        // This project's skills: its references, the members of its collections, and what they require.
        var own = SkillGraph.WithDependencies(desired, plan.Groups.Where(g => g.Own is not null).Select(g => desired.Skills.FirstOrDefault(e => e.Source is RegistryLockSource r && r.IsSameRepository(g.Repository))).OfType<LockEntry>()
            .Select(e => e.Name).Concat(desired.Skills.Where(e => e.Collection is not null && e.Projects.Contains(project)).Select(e => e.Name)));

        var writeLockDone = false;
        var scanGate = SkillScanGate.Create(request, options, requests);
        var transaction = InstallTransaction.Begin(state);
        var stager = new SkillStager(transaction, materializer, reader, gate, options, request, diagnostics) { Scan = scanGate };
        StagingOutcome outcome;
        try
        {
            outcome = await stager.StageAsync(previous, desired, own, fresh, verified, cancellationToken).ConfigureAwait(false);
            var packageStager = new PackageSkillStager(transaction, materializer, PackageSkillTrust.ForRestore(policies, options, request.ProjectPath), options, request, diagnostics) { Scan = scanGate };
            var packages = outcome.Failed ? null
                : await packageStager.StageAsync(previous, outcome.Lock, request.PackageSkills, cancellationToken).ConfigureAwait(false);
            // The report shows what was scanned, a blocked skill too: it is written before the commit or the rollback.
            await scanGate.WriteSarifAsync(options.SarifPath, cancellationToken).ConfigureAwait(false);
            if (packages is not { } staged)
            {
                transaction.Abort();
                return new SkillRestoreResult { Diagnostics = diagnostics, Messages = [.. outcome.Messages, .. packageStager.Messages] };
            }

            outcome = outcome with { Messages = [.. outcome.Messages, .. packageStager.Messages] };

            outcome = outcome with { Lock = staged.Lock, InstalledNames = outcome.InstalledNames.Union(staged.Installed, StringComparer.Ordinal).ToHashSet(StringComparer.Ordinal) };

            desired = outcome.Lock;
            if (options.LockedMode && !desired.SameResolutionAs(previous))
            {
                throw LockedModeError(LockBuilder.LockedModeChanges(previous, plan), lockPath);
            }

            // Locked mode never rewrites the lock (what it may fill in is not a resolution change); design-time builds
            // only for package skills (their packages are local by then; registry entries stay as they were offline).
            var writeLock = !options.LockedMode && (online is not null || request.PackageSkills is not null) &&
                            (oldLock is null ? desired.Skills.Count > 0 : !desired.SameContentAs(previous));
            var bytes = writeLock ? (desired with { GeneratedAt = now }).Serialize() : null;
            writeLockDone = writeLock;
            Phase("fetch, trust and extraction");
            using (timings.Measure("journal, swap and lock"))
            {
                await transaction.CommitAsync(lockPath, bytes, cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            transaction.Abort();
            throw;
        }

        // Past the commit point: links and .gitignore follow the lock; a failure here is repaired by the next restore.
        var lockWritten = writeLockDone;
        using (timings.Measure("links"))
        {
            materializer.Reconcile(previous, desired, outcome.InstalledNames, outcome.Withdrawn);
        }

        bool gitIgnoreWritten;
        using (timings.Measure(".gitignore"))
        {
            gitIgnoreWritten = options.UpdateGitIgnore &&
                               await GitIgnoreBlock.UpdateAsync(root, GitIgnoreBlock.PathsFor(desired.Skills), cancellationToken).ConfigureAwait(false);
        }

        using (timings.Measure("staging cleanup"))
        {
            transaction.Complete();
        }

        Phase("commit, links and .gitignore");

        // Design-time builds do not finish a restore: the project's record waits for a real one.
        var keep = requests.Count > 0 || desired.Skills.Any(e => e.Projects.Contains(project));
        // A restore that reported an error records nothing, so the next one tries again.
        if (online is not null && diagnostics.All(d => d.Severity != DiagnosticSeverity.Error))
        {
            using var recording = timings.Measure("project record");
            await state.WriteProjectAsync(project, keep ? new ProjectRecord
        {
            Settings = settings,
            Inputs = options.SettingInputs.Select(i => SkillRestoreRequest.RootRelative(root, i)).Where(i => !Path.IsPathRooted(i)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList(),
            RecordedAt = DateTime.UtcNow.Ticks,
            Policy = check.PolicyDigest,
                Verified = outcome.Verified,
            } : null, exists, cancellationToken).ConfigureAwait(false);
        }

        var changes = writeLockDone ? LockBuilder.Changes(previous, desired).ToList() : [];
        changes.AddRange(outcome.Withdrawn.Select(name => $"removed {name} from the agent folders (it no longer satisfies its trust policy; its lock entry stays)"));
        var reused = desired.Skills.Count(e => own.Contains(e.Name) && !outcome.InstalledNames.Contains(e.Name) && materializer.IsMaterialized(e.Name));
        return new SkillRestoreResult
        {
            Diagnostics = diagnostics,
            Downloaded = outcome.Downloaded,
            Cached = outcome.InstalledNames.Count - outcome.Downloaded,
            Reused = reused,
            Removed = previous.Skills.Count(e => desired.Find(e.Name) is null),
            LockFileWritten = lockWritten,
            GitIgnoreWritten = gitIgnoreWritten,
            Messages = [.. outcome.Messages, "Phases: " + string.Join(", ", phases), timings.Summary()],
            Changes = changes,
        };
    }

    /// <summary>
    /// The settings that shape the root must be the same in every project of the root; a record whose
    /// project files changed since it was written may be out of date and does not count against this one.
    /// </summary>
    private static void CheckAgreement(string root, string project, RootSettings settings, IReadOnlyDictionary<string, ProjectRecord> records, Func<string, bool> exists, string projectFile)
    {
        var disagreements = new List<string>();
        foreach (var (other, record) in records.Where(r => r.Key != project && exists(r.Key) && !r.Value.IsStale(root)).OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            foreach (var (property, mine, theirs) in settings.Differences(record.Settings))
            {
                disagreements.Add($"{property} is '{mine}' in '{project}' but '{theirs}' in '{other}'");
            }
        }

        if (disagreements.Count > 0)
        {
            throw new SkillsOciException(ErrorCodes.RootSettingsDisagree,
                $"The projects of the skills root '{root}' must agree on the settings that shape it: {string.Join("; ", disagreements)}. Set these properties once for the whole root, in Directory.Build.props.",
                projectFile);
        }
    }

    private static Task<SkillTrustPolicySet> LoadPoliciesAsync(SkillRestoreRequest request, SkillRestoreOptions options, CancellationToken cancellationToken) =>
        options.TrustPolicies.Count == 0
            ? Task.FromResult(SkillTrustPolicySet.Empty)
            : SkillTrustPolicySet.LoadAsync(options.TrustPolicies, Path.GetDirectoryName(request.ProjectPath), cancellationToken);

    private async Task<IReadOnlyList<LoadedDenyList>> LoadDenyListsAsync(SkillRestoreRequest request, SkillRestoreOptions options, List<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        var policies = await LoadPoliciesAsync(request, options, cancellationToken).ConfigureAwait(false);
        var gate = new DenyListGate(new SkillCache(options.EffectiveCachePath), policies, options, request.ProjectPath);
        return await gate.LoadAsync(options.DenyLists, options.Offline ? null : _source(), diagnostics, cancellationToken).ConfigureAwait(false);
    }

    private static SkillGraph Graph(ISkillSource online, SkillContentReader reader, SkillRestoreOptions options, string projectPath) =>
        new(online, reader, options.Limits, options.MaxParallelism, projectPath);

    private static SkillsOciException LockedModeError(IEnumerable<string> changes, string lockPath) =>
        new(ErrorCodes.LockedModeChange,
            $"Locked mode is on (SkillsLockedMode or RestoreLockedMode) and the lock would change: {string.Join("; ", changes)}. Restore without locked mode and commit {LockFile.FileName}.",
            lockPath);
}
