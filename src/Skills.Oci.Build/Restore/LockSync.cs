using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Registry;

namespace Skills.Oci.Build.Restore;

/// <summary>
/// <c>skills-oci sync</c>: makes the skills root match <c>skills.lock.json</c> exactly, from the locked
/// digests alone (no tag is looked up and the lock is never written), as a locked restore would. Skill
/// folders come from the cache first, then the registry, through the restore's own pieces
/// (<see cref="SkillStager"/>, <see cref="InstallTransaction"/>, <see cref="SkillMaterializer"/>); each
/// is checked against its manifest digest, its <c>contentDigest</c> and the signer the lock's
/// <c>verifiedBy</c> records (<see cref="LockTrustPolicies"/>). The fast path mirrors the no-op restore:
/// folders and links present, the <see cref="SyncRecord"/> saying what was verified, the .gitignore block
/// current; no registry client and no hashing. A registry that cannot be reached is a warning: the
/// session goes on with what is installed. Any other failure leaves the root as it was.
/// </summary>
public sealed class LockSync(Func<ISkillSource?> source)
{
    public async Task<LockSyncResult> SyncAsync(LockSyncRequest request, CancellationToken cancellationToken)
    {
        var lockPath = request.EffectiveLockFilePath;
        try
        {
            if (!File.Exists(lockPath))
            {
                return request.LockFilePath is null
                    ? new LockSyncResult { NoLock = true }
                    : Failed(Diagnostic.Error(ErrorCodes.SyncLockMissing, $"The lock file '{lockPath}' does not exist. Run 'dotnet restore' (or 'skills-oci install') and commit {LockFile.FileName}.", lockPath));
            }

            // Deny lists apply to what is in place too, so they are checked before the fast path.
            var denied = await DeniedAsync(request, cancellationToken).ConfigureAwait(false);
            if (denied.Skills.Count > 0 && !request.RemoveDenied)
            {
                return new LockSyncResult { Diagnostics = [.. denied.Warnings, .. denied.Skills.Select(d => d.ToError(lockPath))] };
            }

            if (denied.Skills.Count == 0 && UpToDateCount(request) is { } count)
            {
                return new LockSyncResult { WasUpToDate = true, InPlace = count, Diagnostics = denied.Warnings };
            }

            var state = new RootState(request.Root);
            var created = !Directory.Exists(state.Folder);
            var agentsCreated = !Directory.Exists(Path.GetDirectoryName(state.Folder));
            var failed = true;
            var rootLock = await state.AcquireAsync(request.LockTimeout, lockPath, cancellationToken).ConfigureAwait(false);
            try
            {
                var result = await SyncUnderLockAsync(request, state, denied.Skills, cancellationToken).ConfigureAwait(false);
                failed = !result.Succeeded;
                return result with { Diagnostics = [.. denied.Warnings, .. denied.Skills.Select(d => d.ToRemovedWarning(lockPath)), .. result.Diagnostics] };
            }
            finally
            {
                rootLock.Dispose();
                // A sync that failed leaves no trace of its own bookkeeping where there was none (a fresh clone stays fresh).
                state.Tidy(removeAll: failed && created, removeParent: failed && agentsCreated);
            }
        }
        catch (SkillsOciException ex)
        {
            return Failed(ex.Diagnostic);
        }
        catch (RegistryException ex)
        {
            return Failed(Network(RegistryErrorMapping.ToDiagnostic(ex, lockPath)));
        }
        catch (Exception ex) when (RestoreIo.IsIo(ex))
        {
            return Failed(RestoreIo.Failure(request.Root, "update the skills root", ex).Diagnostic);
        }

        static LockSyncResult Failed(Diagnostic diagnostic) => new() { Diagnostics = [diagnostic] };
    }

    /// <summary>
    /// The no-op check: the number of locked skills when every one is in place as the record says
    /// (same digest and signer, folder and links present, folder metadata unchanged), nothing is to be
    /// pruned, no transaction is pending and the .gitignore block is current; null otherwise.
    /// </summary>
    public static int? UpToDateCount(LockSyncRequest request)
    {
        try
        {
            var state = new RootState(request.Root);
            if (state.HasPendingTransaction || SyncRecord.Read(state) is not { } record)
            {
                return null;
            }

            var lockPath = request.EffectiveLockFilePath;
            var lockFile = LockFile.Parse(File.ReadAllBytes(lockPath), lockPath);
            var entries = Managed(lockFile);
            var materializer = MaterializerFor(request.Root, lockFile);
            if (record.Skills.Count != entries.Count)
            {
                return null;
            }

            foreach (var entry in entries)
            {
                if (record.Skills.GetValueOrDefault(entry.Name) is not { } synced || synced.Source != SourceKey(entry) || synced.VerifiedBy != entry.VerifiedBy ||
                    !synced.Links.SequenceEqual(entry.AdditionalPaths, StringComparer.Ordinal) || !materializer.IsMaterialized(entry.Name) ||
                    SyncRecord.FolderFingerprint(materializer.FullPath(entry.Path)) != synced.Files)
                {
                    return null;
                }
            }

            // A package skill missing from disk is installed from the packages folder, when it is there.
            if (lockFile.Skills.Any(e => e.Source is NuGetLockSource && e.HasStandardPath && !materializer.IsMaterialized(e.Name)))
            {
                return null;
            }

            return record.UpdateGitIgnore && !GitIgnoreBlock.IsCurrent(request.Root, lockFile.Skills) ? null : entries.Count;
        }
        catch (Exception ex) when (ex is SkillsOciException || RestoreIo.IsIo(ex))
        {
            // The sync proper reports the problem with its code.
            return null;
        }
    }

    /// <summary>The lock's skills the request's deny lists name, and the lists' warnings (a cached copy used).</summary>
    private async Task<(IReadOnlyList<DeniedSkill> Skills, List<Diagnostic> Warnings)> DeniedAsync(LockSyncRequest request, CancellationToken cancellationToken)
    {
        var warnings = new List<Diagnostic>();
        if (request.DenyLists.Count == 0)
        {
            return ([], warnings);
        }

        var lockPath = request.EffectiveLockFilePath;
        var lockFile = await LockFile.ReadAsync(lockPath, cancellationToken).ConfigureAwait(false) ?? LockFile.Empty;
        var projects = new RootState(request.Root).ReadProjects();
        var cachePath = request.CachePath ?? projects.Values.Select(p => p.Settings.CachePath).FirstOrDefault(p => p is not null) ?? SkillCache.DefaultPath();
        var items = request.DenyListKeyPath is { Length: > 0 } key
            ? request.DenyLists.Select(r => ImageReference.TryParse(r.Trim(), out var reference, out _) ? reference!.RepositoryName : r)
                .Distinct(StringComparer.Ordinal)
                .Select(repository => new Trust.Policy.SkillTrustPolicyItem(repository, new Dictionary<string, string>(StringComparer.Ordinal) { ["Key"] = Path.GetFullPath(key) }))
                .ToList()
            : [];
        var policies = await Trust.Policy.SkillTrustPolicySet.LoadAsync(items, request.Root, cancellationToken).ConfigureAwait(false);
        var options = new SkillRestoreOptions { Limits = request.Limits, Time = request.Time, TrustedRootPath = request.TrustedRootPath, CachePath = cachePath };
        var lists = await new DenyListGate(new SkillCache(cachePath), policies, options, lockPath).LoadAsync(request.DenyLists, source(), warnings, cancellationToken).ConfigureAwait(false);
        return (DenyListGate.Check(lockFile, lists), warnings);
    }

    private async Task<LockSyncResult> SyncUnderLockAsync(LockSyncRequest request, RootState state, IReadOnlyList<DeniedSkill> denied, CancellationToken cancellationToken)
    {
        var root = request.Root;
        var lockPath = request.EffectiveLockFilePath;
        await InstallTransaction.RecoverAsync(state, cancellationToken).ConfigureAwait(false);
        var lockFile = await LockFile.ReadAsync(lockPath, cancellationToken).ConfigureAwait(false)
                       ?? throw new SkillsOciException(ErrorCodes.SyncLockMissing, $"The lock file '{lockPath}' disappeared while sync waited for the skills root.", lockPath);
        if (denied.Count > 0)
        {
            // --remove-denied: the denied skills leave the root (folder and links); the rest is synced as the lock says.
            var all = MaterializerFor(root, lockFile);
            foreach (var skill in denied.Select(d => lockFile.Find(d.Skill.Name)).OfType<LockEntry>().Where(e => e.HasStandardPath))
            {
                all.RemoveAgentPaths(skill.AdditionalPaths);
                all.RemoveAgentPaths([skill.Path]);
            }

            lockFile = DenyListGate.Without(lockFile, denied);
        }
        var record = SyncRecord.Read(state);
        var projects = state.ReadProjects();
        var updateGitIgnore = record?.UpdateGitIgnore ?? projects.Values.All(p => p.Settings.UpdateGitIgnore);
        var cachePath = request.CachePath ?? projects.Values.Select(p => p.Settings.CachePath).FirstOrDefault(p => p is not null) ?? SkillCache.DefaultPath();
        var entries = Managed(lockFile);
        var materializer = MaterializerFor(root, lockFile);

        // What is on disk: in place (the record, or the lock's content digest, says so) or to reinstall.
        var reinstall = new HashSet<string>(StringComparer.Ordinal);
        var inPlace = new HashSet<string>(StringComparer.Ordinal);
        var verified = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in entries.Where(e => materializer.IsPresent(e.Name)))
        {
            var synced = record?.Skills.GetValueOrDefault(entry.Name);
            var sameSource = synced is not null && synced.Source == SourceKey(entry);
            var folder = materializer.FullPath(entry.Path);
            var present = sameSource && synced!.Files == SyncRecord.FolderFingerprint(folder)
                          || entry.ContentDigest is { } expected && (await SkillTree.FromFolderAsync(folder, cancellationToken).ConfigureAwait(false)).Digest == expected;
            (present ? inPlace : reinstall).Add(entry.Name);
            if (present && sameSource && synced!.VerifiedBy == entry.VerifiedBy)
            {
                verified[entry.Name] = entry.RegistrySource.Digest.ToString();
            }
        }

        // Only skills still to verify need their signer's key: an up-to-date skill never searches for it.
        var keyErrors = new List<Diagnostic>();
        var policies = await LockTrustPolicies.BuildAsync(entries.Where(e => !verified.ContainsKey(e.Name)), new KeyFinder(root), lockPath, keyErrors, cancellationToken).ConfigureAwait(false);
        if (keyErrors.Count > 0)
        {
            return new LockSyncResult { Diagnostics = keyErrors };
        }

        var pruned = (record?.Skills ?? new Dictionary<string, SyncedSkill>()).Where(p => lockFile.Find(p.Key) is not { HasStandardPath: true }).Select(p => PrunedEntry(p.Key, p.Value)).ToList();
        var previous = lockFile with { Skills = [.. lockFile.Skills, .. pruned] };
        var linksMissing = entries.Any(e => materializer.IsPresent(e.Name) && !materializer.IsMaterialized(e.Name));
        var online = source();
        var cache = new SkillCache(cachePath);
        var reader = new SkillContentReader(cache, online, request.Limits);
        var gate = new SkillTrustGate(policies, requireSignatures: false, request.TrustedRootPath, cache.Layout, online as ISkillSignatureSource, lockPath, request.Time);
        var restoreRequest = new SkillRestoreRequest { SkillsRoot = root, ProjectPath = lockPath, LockFilePath = lockPath };
        var options = new SkillRestoreOptions
        {
            AgentDirectories = materializer.AgentDirectories,
            UpdateGitIgnore = updateGitIgnore,
            Limits = request.Limits,
            CachePath = cachePath,
            Time = request.Time,
            TrustedRootPath = request.TrustedRootPath,
            MaxParallelism = request.MaxParallelism,
        };

        var diagnostics = new List<Diagnostic>();
        var packageChanges = new List<string>();
        var transaction = InstallTransaction.Begin(state);
        StagingOutcome outcome;
        try
        {
            var stager = new SkillStager(transaction, materializer, reader, gate, options, restoreRequest, diagnostics);
            outcome = await stager.StageAsync(previous, lockFile, entries.Select(e => e.Name).ToHashSet(StringComparer.Ordinal), [], verified, cancellationToken, reinstall).ConfigureAwait(false);
            diagnostics.AddRange(Mismatches(lockFile, outcome, lockPath));
            var packages = await new PackageSkillStager(transaction, materializer, PackageSkillTrust.FromLock, options, restoreRequest, diagnostics).StageAsync(previous, lockFile, request.PackageSkills, cancellationToken).ConfigureAwait(false);
            if (packages is { } staged)
            {
                outcome = outcome with { InstalledNames = outcome.InstalledNames.Union(staged.Installed, StringComparer.Ordinal).ToHashSet(StringComparer.Ordinal) };
                packageChanges = staged.Installed.Select(name => $"installed {name} ({lockFile.Find(name)!.Source.Ref})").ToList();
            }

            diagnostics = diagnostics.Select(Network).ToList();
            if (diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error))
            {
                transaction.Abort();
                return new LockSyncResult { Diagnostics = diagnostics };
            }

            await transaction.CommitAsync(lockPath, null, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            transaction.Abort();
            throw;
        }

        // Past the commit point: links and .gitignore follow the lock; a failure here is repaired by the next sync.
        materializer.Reconcile(previous, lockFile, outcome.InstalledNames, []);
        var gitIgnoreWritten = updateGitIgnore && await GitIgnoreBlock.UpdateAsync(root, GitIgnoreBlock.PathsFor(lockFile.Skills), cancellationToken).ConfigureAwait(false);
        transaction.Complete();

        // Recorded: what was installed now, and what was in place and verified; a skill left missing or stale is tried again next time.
        var skills = new Dictionary<string, SyncedSkill>(StringComparer.Ordinal);
        foreach (var entry in entries.Where(e => outcome.InstalledNames.Contains(e.Name) || (inPlace.Contains(e.Name) && (e.VerifiedBy is null || outcome.Verified.ContainsKey(e.Name)))))
        {
            skills[entry.Name] = new SyncedSkill(SourceKey(entry), entry.VerifiedBy, entry.AdditionalPaths, SyncRecord.FolderFingerprint(materializer.FullPath(entry.Path)) ?? string.Empty);
        }

        await new SyncRecord { UpdateGitIgnore = updateGitIgnore, Skills = skills }.WriteAsync(state, cancellationToken).ConfigureAwait(false);
        var changes = entries.Where(e => outcome.InstalledNames.Contains(e.Name)).Select(e => $"installed {e.Name} ({e.Source.Ref})")
            .Concat(packageChanges)
            .Concat(pruned.Select(e => $"removed {e.Name} (no longer in {LockFile.FileName})")).ToList();
        return new LockSyncResult
        {
            Diagnostics = diagnostics,
            Installed = outcome.InstalledNames.Count,
            Downloaded = outcome.Downloaded,
            InPlace = inPlace.Count(n => !outcome.InstalledNames.Contains(n)),
            Removed = pruned.Count,
            Missing = entries.Count(e => !materializer.IsPresent(e.Name)),
            Repaired = linksMissing || gitIgnoreWritten,
            Changes = changes,
        };
    }

    /// <summary>An install must be what the lock recorded: the same folder content and the same signer.</summary>
    private static IEnumerable<Diagnostic> Mismatches(LockFile locked, StagingOutcome outcome, string lockPath)
    {
        foreach (var installed in outcome.Lock.Skills.Where(e => outcome.InstalledNames.Contains(e.Name)))
        {
            var entry = locked.Find(installed.Name)!;
            if (entry.ContentDigest is { } expected && installed.ContentDigest != expected)
            {
                yield return Diagnostic.Error(ErrorCodes.SyncLockMismatch,
                    $"The skill '{entry.Name}' ({entry.Source.Ref}) extracts to content {installed.ContentDigest}, but the lock records contentDigest {expected}; it was not synced. Run 'dotnet restore' to rewrite the lock from the registry.",
                    lockPath);
            }

            var signer = entry.VerifiedBy is null ? null : LockTrustPolicies.SignerOf(entry.VerifiedBy);
            if (signer is not null && installed.VerifiedBy != signer)
            {
                yield return Diagnostic.Error(ErrorCodes.SyncLockMismatch,
                    $"The skill '{entry.Name}' ({entry.Source.Ref}) was verified as signed by '{installed.VerifiedBy}', but the lock records '{entry.VerifiedBy}'; it was not synced.",
                    lockPath);
            }
        }
    }

    /// <summary>A registry that cannot be reached must not fail a session: its error becomes sync's warning.</summary>
    private static Diagnostic Network(Diagnostic diagnostic) =>
        diagnostic.Code == ErrorCodes.RegistryUnreachable
            ? Diagnostic.Warning(ErrorCodes.SyncRegistryUnreachable,
                $"A skill could not be synced because the registry is unreachable; the skills already in place stay. Run 'skills-oci sync' again when it is reachable. {diagnostic.Message}",
                diagnostic.File)
            : diagnostic;

    /// <summary>The registry skills sync installs; package skills are left to restore, which has the project's package graph.</summary>
    internal static IReadOnlyList<LockEntry> Managed(LockFile lockFile) => lockFile.Skills.Where(e => e.HasStandardPath && e.IsFromRegistry).ToList();

    /// <summary>The agent folders are those the lock's <c>additionalPaths</c> name (the settings of the restore that wrote it).</summary>
    internal static SkillMaterializer MaterializerFor(string root, LockFile lockFile) =>
        new(root, lockFile.Skills.SelectMany(e => e.AdditionalPaths).Where(p => p.Contains('/', StringComparison.Ordinal)).Select(p => p[..p.LastIndexOf('/')]).Distinct(StringComparer.Ordinal));

    internal static string SourceKey(LockEntry entry) => $"{entry.RegistrySource.RepositoryKey}@{entry.RegistrySource.Digest}";

    /// <summary>A skill a previous sync installed that the lock no longer lists, as the stager's "previous" entry to prune.</summary>
    internal static LockEntry PrunedEntry(string name, SyncedSkill synced)
    {
        var reference = ImageReference.Parse(synced.Source);
        return new LockEntry
        {
            Name = name,
            Path = LockEntry.PrimaryPath(name),
            Source = new RegistryLockSource(reference.Registry, reference.Repository, string.Empty, reference.Digest ?? default),
            InstalledAt = string.Empty,
            AdditionalPaths = synced.Links,
        };
    }
}
