using System.Security.Cryptography;
using System.Text;
using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.FileSystem;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Registry;
using Skills.Oci.Build.Trust.Policy;

namespace Skills.Oci.Build.Restore;

/// <summary>
/// Restores one project's skills into its skills root: reads the lock, decides from it what it can
/// (no network), resolves the rest through the source, fetches verified content cache first, extracts
/// safely, swaps folders in, fans out agent links, prunes what no project references, and writes the
/// lock and .gitignore only when their content changes. The whole restore runs under a cross-process
/// lock per root; any failure leaves the previous folders, links and lock as they were.
/// </summary>
public sealed class SkillRestoreEngine(ISkillSource? source)
{
    /// <summary>
    /// The no-op check the MSBuild layer runs first: true when every reference is locked, this project's
    /// memberships are current, and each skill folder and link exists. No network, no hashing of folders.
    /// </summary>
    public static bool IsUpToDate(SkillRestoreRequest request, SkillRestoreOptions options)
    {
        try
        {
            var requests = request.ParseReferences();
            var lockPath = request.EffectiveLockFilePath;
            if (!File.Exists(lockPath))
            {
                return requests.Count == 0;
            }

            if (options.UpdateAll || options.SkillsToUpdate.Count > 0)
            {
                return false;
            }

            var lockFile = LockFile.Parse(File.ReadAllBytes(lockPath), lockPath);
            var project = request.ProjectKey;
            Func<string, bool> exists = p => p == project || ProjectExists(request.Root, p);
            var plan = RestorePlan.Create(lockFile, project, requests, options, exists);
            var names = plan.Locked.Values.Select(e => e.Name).ToList();
            if (!plan.IsFullyLocked || names.Distinct(StringComparer.Ordinal).Count() != names.Count)
            {
                return false;
            }

            var materializer = new SkillMaterializer(request.Root, options.AgentDirectories);
            foreach (var entry in lockFile.Skills)
            {
                var referenced = names.Contains(entry.Name);
                if (referenced != entry.Projects.Contains(project) || !entry.Projects.Any(exists))
                {
                    return false;
                }

                if (referenced && (!materializer.IsMaterialized(entry.Name) ||
                                   !entry.AdditionalPaths.SequenceEqual(materializer.LinkPathsFor(entry.Name).Order(StringComparer.Ordinal))))
                {
                    return false;
                }
            }

            if (options.UpdateGitIgnore)
            {
                var gitIgnore = Path.Combine(request.Root, ".gitignore");
                var existing = File.Exists(gitIgnore) ? File.ReadAllText(gitIgnore) : null;
                var paths = GitIgnoreBlock.PathsFor(lockFile.Skills);
                if (!(existing is null && paths.Count == 0) && GitIgnoreBlock.Apply(existing, paths) != existing)
                {
                    return false;
                }
            }

            return true;
        }
        catch (Exception ex) when (ex is SkillsOciException or IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>
    /// A stamp for <c>obj/</c>: a hash of the references, the options that shape the tree and the lock's
    /// bytes. Equal stamps mean a build may skip the check.
    /// </summary>
    public static string ComputeStamp(SkillRestoreRequest request, SkillRestoreOptions options)
    {
        var text = new StringBuilder("skills-oci-stamp-1\n");
        text.Append(request.Root).Append('\n').Append(request.EffectiveLockFilePath).Append('\n').Append(request.ProjectKey).Append('\n');
        foreach (var item in request.References)
        {
            text.Append("ref\t").Append(item.Include).Append('\t').Append(item.Version);
            foreach (var pair in (item.Metadata ?? new Dictionary<string, string>()).OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                text.Append('\t').Append(pair.Key).Append('=').Append(pair.Value);
            }

            text.Append('\n');
        }

        text.Append("agents\t").AppendJoin(';', options.AgentDirectories).Append("\ngitignore\t").Append(options.UpdateGitIgnore).Append('\n');
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(text.ToString()));
        var lockPath = request.EffectiveLockFilePath;
        hash.AppendData(File.Exists(lockPath) ? File.ReadAllBytes(lockPath) : "no-lock"u8.ToArray());
        return Convert.ToHexString(hash.GetHashAndReset()).ToLowerInvariant();
    }

    /// <summary>
    /// Restores. User-caused failures come back as coded diagnostics in the result (warnings in offline
    /// mode); the previous state is then intact.
    /// </summary>
    public async Task<SkillRestoreResult> RestoreAsync(SkillRestoreRequest request, SkillRestoreOptions options, CancellationToken cancellationToken)
    {
        var run = new RestoreRun(request, options, options.Offline ? null : source);
        try
        {
            return await run.ExecuteAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (SkillsOciException ex)
        {
            return run.Failed(ex.Diagnostic);
        }
        catch (RegistryException ex)
        {
            return run.Failed(RegistryErrorMapping.ToDiagnostic(ex, request.ProjectPath));
        }
    }

    internal static bool ProjectExists(string root, string project) =>
        File.Exists(Path.IsPathRooted(project) ? project : SkillsRootPath.Full(root, project));

    /// <summary>The state of one restore, from reading the lock to writing it.</summary>
    private sealed class RestoreRun(SkillRestoreRequest request, SkillRestoreOptions options, ISkillSource? source)
    {
        private static readonly TimeSpan NoWait = TimeSpan.Zero;
        private readonly List<Diagnostic> _diagnostics = [];
        private readonly List<string> _messages = [];
        private readonly string _root = request.Root;
        private readonly string _project = request.ProjectKey;

        public SkillRestoreResult Failed(Diagnostic diagnostic)
        {
            // Design-time builds never fail: the same problem is reported as a warning.
            _diagnostics.Add(options.Offline && diagnostic.Severity == DiagnosticSeverity.Error ? diagnostic with { Severity = DiagnosticSeverity.Warning } : diagnostic);
            return new SkillRestoreResult { Diagnostics = _diagnostics, Messages = _messages };
        }

        public async Task<SkillRestoreResult> ExecuteAsync(CancellationToken cancellationToken)
        {
            var requests = request.ParseReferences();
            var lockPath = request.EffectiveLockFilePath;
            if (requests.Count == 0 && !File.Exists(lockPath))
            {
                return new SkillRestoreResult { WasUpToDate = true };
            }

            var materializer = new SkillMaterializer(_root, options.AgentDirectories);
            if (IsUpToDate(request, options))
            {
                return new SkillRestoreResult { WasUpToDate = true, Restored = requests.Count };
            }

            var cache = new SkillCache(options.EffectiveCachePath);
            // Policies are read (key files included) only past the no-op check, which stays as cheap as before.
            var policies = options.TrustPolicies.Count == 0
                ? SkillTrustPolicySet.Empty
                : await SkillTrustPolicySet.LoadAsync(options.TrustPolicies, Path.GetDirectoryName(request.ProjectPath), cancellationToken).ConfigureAwait(false);
            var gate = new SkillTrustGate(policies, options.RequireSignatures, options.TrustedRootPath, cache.Layout, source as ISkillSignatureSource, request.ProjectPath, options.Time);
            using var rootLock = await AcquireRootLockAsync(cache, cancellationToken).ConfigureAwait(false);
            var oldLock = await LockFile.ReadAsync(lockPath, cancellationToken).ConfigureAwait(false);
            var previous = oldLock ?? LockFile.Empty;
            Func<string, bool> exists = p => p == _project || ProjectExists(_root, p);
            var plan = RestorePlan.Create(previous, _project, requests, options, exists);
            if (options.LockedMode && !plan.IsFullyLocked)
            {
                throw LockedModeError(plan.Unresolved.Select(r => $"{r} (not locked, or its Version changed)"));
            }

            var reader = new SkillContentReader(cache, source, options.Limits);
            var resolved = new Dictionary<SkillRequest, (SkillArtifact Artifact, string Tag)>();
            var keptOffline = new HashSet<string>(StringComparer.Ordinal);
            foreach (var unresolved in plan.Unresolved)
            {
                if (source is null)
                {
                    _diagnostics.Add(Diagnostic.Warning(ErrorCodes.SkillUnavailableOffline,
                        $"The skill '{unresolved}' is not locked, so it cannot be restored offline (design-time build). Run 'dotnet restore'.", request.ProjectPath));
                    if (previous.Skills.FirstOrDefault(e => e.Source.IsSameRepository(unresolved.Repository) && e.Projects.Contains(_project)) is { } held)
                    {
                        keptOffline.Add(held.Name);
                    }

                    continue;
                }

                resolved[unresolved] = await ResolveAsync(unresolved, previous, reader, exists, cancellationToken).ConfigureAwait(false);
            }

            var desired = BuildLock(previous, plan, resolved, keptOffline, materializer, exists);
            if (options.LockedMode && !desired.SameResolutionAs(previous))
            {
                throw LockedModeError(ChangedEntries(previous, desired));
            }

            var outcome = await MaterializeAsync(previous, desired, resolved.Values.Select(v => v.Artifact).ToList(), materializer, reader, gate, cancellationToken).ConfigureAwait(false);
            desired = outcome.Lock;

            var lockWritten = false;
            // Locked mode never rewrites the lock (what it may fill in is not a resolution change).
            if (!options.LockedMode && (oldLock is null ? desired.Skills.Count > 0 : !desired.SameContentAs(previous)))
            {
                var stamped = desired with { GeneratedAt = LockFile.FormatTimestamp(options.Time.GetUtcNow()) };
                lockWritten = await AtomicFile.WriteIfChangedAsync(lockPath, stamped.Serialize(), cancellationToken).ConfigureAwait(false);
            }

            var gitIgnoreWritten = options.UpdateGitIgnore &&
                                   await GitIgnoreBlock.UpdateAsync(_root, GitIgnoreBlock.PathsFor(desired.Skills), cancellationToken).ConfigureAwait(false);

            return new SkillRestoreResult
            {
                Diagnostics = _diagnostics,
                Restored = desired.Skills.Count(e => e.Projects.Contains(_project) && materializer.IsMaterialized(e.Name)),
                Installed = outcome.Installed,
                Downloaded = outcome.Downloaded,
                Cached = outcome.Installed - outcome.Downloaded,
                Removed = outcome.Removed,
                LockFileWritten = lockWritten,
                GitIgnoreWritten = gitIgnoreWritten,
                Messages = _messages,
            };
        }

        /// <summary>
        /// One root at a time. The lock file lives in the per-user cache (keyed by the root's path), so
        /// restores never leave a lock file in the user's repository.
        /// </summary>
        private async Task<FileLock> AcquireRootLockAsync(SkillCache cache, CancellationToken cancellationToken)
        {
            var key = OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? _root.ToUpperInvariant() : _root;
            var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..32].ToLowerInvariant();
            var path = Path.Combine(cache.Root, "locks", hash + ".lock");
            try
            {
                return await FileLock.AcquireAsync(path, options.LockTimeout > NoWait ? options.LockTimeout : NoWait, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException ex)
            {
                throw new SkillsOciException(ErrorCodes.SkillsRootBusy,
                    $"Another restore of the skills root '{_root}' held its lock ('{path}') for {options.LockTimeout.TotalSeconds:0} s. Wait for it to finish, or delete the lock file if no restore is running.", request.ProjectPath, innerException: ex);
            }
        }

        private async Task<(SkillArtifact Artifact, string Tag)> ResolveAsync(SkillRequest r, LockFile previous, SkillContentReader reader, Func<string, bool> exists, CancellationToken cancellationToken)
        {
            IReadOnlyList<string>? tags = null;
            string tag;
            Descriptor? descriptor = null;
            Digest digest;
            if (r.Digest is { } pinned)
            {
                tag = r.Tag ?? string.Empty;
                digest = pinned;
            }
            else
            {
                tags = await source!.ListTagsAsync(r.Repository, cancellationToken).ConfigureAwait(false);
                tag = SelectTag(r, r.Spec!, tags);
                descriptor = await source.ResolveAsync(r.Repository.WithTag(tag), cancellationToken).ConfigureAwait(false);
                SkillArtifactReader.CheckManifestDescriptor(descriptor, Display(r.Repository, tag), options.Limits);
                digest = descriptor.Digest;
            }

            var artifact = await reader.ReadArtifactAsync(r.Repository, digest, descriptor, Display(r.Repository, tag, digest), cancellationToken).ConfigureAwait(false);
            var existing = previous.Find(artifact!.Name);
            var others = existing is null ? [] : RestorePlan.OtherLiveProjects(existing, _project, exists).ToList();
            if (existing is null || others.Count == 0 || existing.Source.Digest == artifact.Digest)
            {
                if (existing is not null && others.Count > 0 && !existing.Source.IsSameRepository(r.Repository))
                {
                    throw Incompatible(r, existing, others, $"it comes from {existing.Source.Registry}/{existing.Source.Repository} there");
                }

                return (artifact, tag);
            }

            if (!existing.Source.IsSameRepository(r.Repository))
            {
                throw Incompatible(r, existing, others, $"it comes from {existing.Source.Registry}/{existing.Source.Repository} there");
            }

            // Other projects hold this skill at another version: move them only to a tag their Version accepts.
            var theirs = VersionSpec.TryParse(existing.RequestedVersion, out var parsed, out _) ? parsed : null;
            if (theirs is not null && theirs.IsSatisfiedBy(tag))
            {
                return (artifact, tag);
            }

            if (theirs is not null && r.Spec?.Range is not null && tags is not null &&
                r.Spec.Select(tags.Where(theirs.IsSatisfiedBy)) is { } shared)
            {
                var sharedDescriptor = await source!.ResolveAsync(r.Repository.WithTag(shared.Tag), cancellationToken).ConfigureAwait(false);
                SkillArtifactReader.CheckManifestDescriptor(sharedDescriptor, Display(r.Repository, shared.Tag), options.Limits);
                var sharedArtifact = await reader.ReadArtifactAsync(r.Repository, sharedDescriptor.Digest, sharedDescriptor, Display(r.Repository, shared.Tag, sharedDescriptor.Digest), cancellationToken).ConfigureAwait(false);
                return (sharedArtifact!, shared.Tag);
            }

            throw Incompatible(r, existing, others, $"it is locked at '{existing.Source.Tag}' for Version '{existing.RequestedVersion ?? existing.Source.Digest.ToString()}' and no tag satisfies both");
        }

        private string SelectTag(SkillRequest r, VersionSpec spec, IReadOnlyList<string> tags)
        {
            var match = spec.Select(tags);
            if (match is null)
            {
                var nearest = spec.NearestTags(tags);
                throw new SkillsOciException(ErrorCodes.NoMatchingSkillVersion,
                    $"No tag of {r.Repository.RepositoryName} satisfies Version '{spec.Text}'. " +
                    (nearest.Count == 0 ? "The repository has no version tags." : $"Nearest available versions: {string.Join(", ", nearest)}.") +
                    " Change the SkillReference's Version.", request.ProjectPath);
            }

            if (!match.IsExactMatch)
            {
                _diagnostics.Add(Diagnostic.Warning(ErrorCodes.SkillVersionNotExactMatch,
                    $"The skill {r.Repository.RepositoryName} has no version {spec.Range!.MinVersion}; the nearest higher version, '{match.Tag}', was used. Set Version to '{match.Version}' to silence this.",
                    request.ProjectPath));
            }

            return match.Tag;
        }

        private LockFile BuildLock(LockFile previous, RestorePlan plan, Dictionary<SkillRequest, (SkillArtifact Artifact, string Tag)> resolved, HashSet<string> keptOffline, SkillMaterializer materializer, Func<string, bool> exists)
        {
            var now = LockFile.FormatTimestamp(options.Time.GetUtcNow());
            var entries = new Dictionary<string, LockEntry>(StringComparer.Ordinal);
            foreach (var entry in previous.Skills)
            {
                var projects = entry.Projects.Where(p => (p != _project || keptOffline.Contains(entry.Name)) && exists(p)).ToList();
                entries[entry.Name] = entry with { Projects = projects };
            }

            var claimed = new Dictionary<string, SkillRequest>(StringComparer.Ordinal);
            void Claim(string name, SkillRequest r)
            {
                if (claimed.TryGetValue(name, out var first))
                {
                    throw new SkillsOciException(ErrorCodes.DuplicateSkillName,
                        $"Duplicate skill name '{name}': both SkillReference '{first}' and '{r}' resolve to it. Remove one of them.", request.ProjectPath);
                }

                claimed[name] = r;
            }

            foreach (var (r, entry) in plan.Locked)
            {
                Claim(entry.Name, r);
                var current = entries[entry.Name];
                entries[entry.Name] = current with { Projects = [.. current.Projects, _project] };
            }

            foreach (var (r, (artifact, tag)) in resolved)
            {
                Claim(artifact.Name, r);
                var current = entries.GetValueOrDefault(artifact.Name);
                var source = new LockSource(r.Repository.Registry, r.Repository.Repository, tag, artifact.Digest);
                entries[artifact.Name] = new LockEntry
                {
                    Name = artifact.Name,
                    Path = LockEntry.PrimaryPath(artifact.Name),
                    Source = source,
                    InstalledAt = current is not null && current.Source.Digest == artifact.Digest ? current.InstalledAt : now,
                    RequestedVersion = r.RequestedVersion,
                    Projects = [.. current?.Projects ?? [], _project],
                    VerifiedBy = current is not null && current.Source.Digest == artifact.Digest ? current.VerifiedBy : null,
                    ContentDigest = current is not null && current.Source.Digest == artifact.Digest ? current.ContentDigest : null,
                };
            }

            var skills = entries.Values
                .Where(e => e.Projects.Count > 0)
                .Select(e => e with
                {
                    Projects = e.Projects.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList(),
                    AdditionalPaths = e.HasStandardPath ? materializer.LinkPathsFor(e.Name).Order(StringComparer.Ordinal).ToList() : e.AdditionalPaths,
                })
                .OrderBy(e => e.Name, StringComparer.Ordinal)
                .ToList();
            return previous with { Skills = skills };
        }

        private async Task<(int Installed, int Downloaded, int Removed, LockFile Lock)> MaterializeAsync(LockFile previous, LockFile desired, IReadOnlyList<SkillArtifact> resolvedArtifacts, SkillMaterializer materializer, SkillContentReader reader, SkillTrustGate gate, CancellationToken cancellationToken)
        {
            var installs = new List<LockEntry>();
            foreach (var entry in desired.Skills.Where(e => e.HasStandardPath))
            {
                var old = previous.Find(entry.Name);
                var folder = materializer.FullPath(entry.Path);
                var present = !SkillsRootPath.IsLink(folder) && File.Exists(Path.Combine(folder, "SKILL.md"));
                if (old is null || old.Source.Digest != entry.Source.Digest || !present)
                {
                    materializer.CheckDestination(entry.Name, managed: old is not null && old.HasStandardPath);
                    installs.Add(entry);
                }

                var managed = (old?.AdditionalPaths ?? []).ToHashSet(StringComparer.Ordinal);
                materializer.CheckLinks(entry.Name, managed);
            }

            var pruned = previous.Skills.Where(e => desired.Find(e.Name) is null).ToList();
            var agentsExisted = SkillsRootPath.Exists(materializer.FullPath(".agents"));
            var staged = new List<(LockEntry Entry, SkillArtifact Artifact, string Staging, bool Downloaded)>();
            var installed = new Dictionary<string, (string? VerifiedBy, Digest ContentDigest)>(StringComparer.Ordinal);
            var swaps = new List<SkillSwap>();
            try
            {
                foreach (var entry in installs)
                {
                    var artifact = resolvedArtifacts.FirstOrDefault(a => a.Name == entry.Name && a.Digest == entry.Source.Digest)
                                   ?? await reader.ReadArtifactAsync(entry.Source.RepositoryReference, entry.Source.Digest, null, entry.Source.Ref, cancellationToken).ConfigureAwait(false);
                    if (artifact is null)
                    {
                        _diagnostics.Add(Diagnostic.Warning(ErrorCodes.SkillUnavailableOffline,
                            $"The skill '{entry.Name}' ({entry.Source.Ref}) is not in the cache, so it cannot be installed offline (design-time build). Run 'dotnet restore'.", request.ProjectPath));
                        continue;
                    }

                    if (artifact.Name != entry.Name)
                    {
                        throw new SkillsOciException(ErrorCodes.SkillNameMismatch,
                            $"Name mismatch: the lock entry '{entry.Name}' pins {entry.Source.Ref}, whose config name is '{artifact.Name}'. Delete the entry and restore again.", request.EffectiveLockFilePath);
                    }

                    // Trust before content: nothing of a skill that fails its policy is downloaded, staged or locked.
                    string? verifiedBy = null;
                    if (!gate.IsInactive)
                    {
                        var fresh = resolvedArtifacts.Any(a => a.Name == entry.Name && a.Digest == entry.Source.Digest);
                        var trust = await gate.CheckAsync(entry.Name, entry.Source.RepositoryReference, entry.Source.Digest, preferSnapshot: !fresh, cancellationToken).ConfigureAwait(false);
                        if (trust.Unavailable is { } unavailable)
                        {
                            _diagnostics.Add(unavailable);
                            continue;
                        }

                        _messages.Add(trust.Message);
                        verifiedBy = trust.VerifiedBy;
                    }

                    var downloaded = await reader.EnsureLayerAsync(artifact, cancellationToken).ConfigureAwait(false);
                    if (downloaded is null)
                    {
                        _diagnostics.Add(Diagnostic.Warning(ErrorCodes.SkillUnavailableOffline,
                            $"The content of the skill '{entry.Name}' ({entry.Source.Ref}) is not in the cache, so it cannot be installed offline (design-time build). Run 'dotnet restore'.", request.ProjectPath));
                        continue;
                    }

                    var skillsFolder = materializer.PrepareSkillsFolder();
                    string staging;
                    try
                    {
                        await using var layer = reader.OpenLayer(artifact);
                        staging = await SkillArchiveExtractor.ExtractAsync(layer, artifact.Name, skillsFolder, options.Limits, entry.Source.Ref, cancellationToken).ConfigureAwait(false);
                    }
                    catch when (downloaded == true)
                    {
                        reader.Forget(artifact);
                        throw;
                    }

                    staged.Add((entry, artifact, staging, downloaded == true));
                    var tree = await SkillTree.FromFolderAsync(Path.Combine(staging, entry.Name), cancellationToken).ConfigureAwait(false);
                    installed[entry.Name] = (verifiedBy, tree.Digest);
                }

                desired = desired with
                {
                    Skills = desired.Skills.Select(e => installed.TryGetValue(e.Name, out var record)
                        ? e with { VerifiedBy = record.VerifiedBy, ContentDigest = record.ContentDigest }
                        : e).ToList(),
                };
                if (options.LockedMode && !desired.SameResolutionAs(previous))
                {
                    throw LockedModeError(ChangedEntries(previous, desired));
                }

                foreach (var item in staged)
                {
                    swaps.Add(materializer.Swap(item.Entry.Name, Path.Combine(item.Staging, item.Entry.Name)));
                }
            }
            catch
            {
                for (var i = swaps.Count - 1; i >= 0; i--)
                {
                    swaps[i].Rollback();
                }

                foreach (var item in staged)
                {
                    SkillArchiveExtractor.DeleteTree(item.Staging);
                }

                if (!agentsExisted)
                {
                    RemoveIfEmpty(materializer.FullPath(SkillsRootPath.SkillsFolder));
                    RemoveIfEmpty(materializer.FullPath(".agents"));
                }

                throw;
            }

            foreach (var swap in swaps)
            {
                swap.Complete();
            }

            foreach (var item in staged)
            {
                SkillArchiveExtractor.DeleteTree(item.Staging);
                await reader.RememberAsync(item.Artifact, cancellationToken).ConfigureAwait(false);
            }

            var installedNames = staged.Select(s => s.Entry.Name).ToHashSet(StringComparer.Ordinal);
            foreach (var entry in desired.Skills.Where(e => e.HasStandardPath))
            {
                var stale = (previous.Find(entry.Name)?.AdditionalPaths ?? []).Except(entry.AdditionalPaths, StringComparer.Ordinal);
                materializer.RemoveAgentPaths(stale);
                if (Directory.Exists(materializer.FullPath(entry.Path)))
                {
                    materializer.FanOut(entry.Name, refreshCopies: installedNames.Contains(entry.Name));
                }
            }

            foreach (var entry in pruned)
            {
                materializer.RemoveAgentPaths(entry.AdditionalPaths);
                if (entry.HasStandardPath)
                {
                    materializer.RemoveSkillFolder(entry.Name);
                }
            }

            return (staged.Count, staged.Count(s => s.Downloaded), pruned.Count, desired);
        }

        private static void RemoveIfEmpty(string folder)
        {
            try
            {
                if (Directory.Exists(folder) && !SkillsRootPath.IsLink(folder) && !Directory.EnumerateFileSystemEntries(folder).Any())
                {
                    Directory.Delete(folder);
                }
            }
            catch (IOException)
            {
            }
        }

        private SkillsOciException LockedModeError(IEnumerable<string> changes) =>
            new(ErrorCodes.LockedModeChange,
                $"Locked mode is on (SkillsLockedMode or RestoreLockedMode) and the lock would change: {string.Join("; ", changes)}. Restore without locked mode and commit {LockFile.FileName}.",
                request.EffectiveLockFilePath);

        private static IEnumerable<string> ChangedEntries(LockFile before, LockFile after)
        {
            foreach (var name in before.Skills.Select(e => e.Name).Union(after.Skills.Select(e => e.Name)).Order(StringComparer.Ordinal))
            {
                var (old, now) = (before.Find(name), after.Find(name));
                if (old is null)
                {
                    yield return $"'{name}' would be added";
                }
                else if (now is null)
                {
                    yield return $"'{name}' would be removed";
                }
                else if (!old.SameContentAs(now))
                {
                    yield return $"'{name}' would change";
                }
            }
        }

        private SkillsOciException Incompatible(SkillRequest r, LockEntry existing, IReadOnlyList<string> others, string why) =>
            new(ErrorCodes.IncompatibleSkillRequests,
                $"Incompatible requests for the skill '{existing.Name}': project '{_project}' asks for {r}, while project(s) {string.Join(", ", others.Select(o => $"'{o}'"))} use it, and {why}. Make the SkillReference items agree (one source, overlapping versions).",
                request.ProjectPath);

        private static string Display(ImageReference repository, string tag, Digest? digest = null) =>
            repository.RepositoryName + (tag.Length > 0 ? ":" + tag : string.Empty) + (digest is null ? string.Empty : "@" + digest);
    }
}
