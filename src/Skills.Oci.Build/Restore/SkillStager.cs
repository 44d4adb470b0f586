using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.FileSystem;
using Skills.Oci.Build.Format;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Registry;

namespace Skills.Oci.Build.Restore;

/// <summary>What staging produced: the lock with what installs recorded, and what the commit must do.</summary>
public sealed record StagingOutcome(
    LockFile Lock,
    IReadOnlySet<string> InstalledNames,
    int Downloaded,
    IReadOnlyList<string> Withdrawn,
    IReadOnlyDictionary<string, string> Verified,
    IReadOnlyList<string> Messages)
{
    /// <summary>A skill this restore changes could not be staged: nothing may be committed.</summary>
    public bool Failed { get; init; }
}

/// <summary>One skill extracted into the staging folder, or skipped (offline, nothing cached) with why.</summary>
internal sealed record StagedSkill(SkillArtifact? Artifact, string? Folder, string? VerifiedBy, string? Message, Digest ContentDigest, bool Downloaded, IReadOnlyList<Diagnostic> Diagnostics)
{
    /// <summary>What the content scan made of the staged folder; null when the scan is off.</summary>
    public Security.ScanVerdict? Scan { get; init; }

    public static StagedSkill Skipped(Diagnostic why) => new(null, null, null, null, default, false, [why]);
}

/// <summary>
/// The fourth phase: decides which skill folders to (re)install, re-verify or remove, and stages them
/// into the transaction: content cache first, trust checked before any content is fetched, archives
/// extracted safely, the installed tree's digest recorded. A skill the lock already pins that cannot
/// be installed (its digest gone from the registry, say) is reported and skipped so every other skill
/// still lands; any failure of a skill this restore changes fails the whole restore.
/// </summary>
internal sealed class SkillStager(
    InstallTransaction transaction,
    SkillMaterializer materializer,
    SkillContentReader reader,
    SkillTrustGate gate,
    SkillRestoreOptions options,
    SkillRestoreRequest request,
    List<Diagnostic> diagnostics)
{
    private readonly HashSet<string> _installed = new(StringComparer.Ordinal);

    /// <summary>The content scan each staged folder passes before it counts; off unless the restore sets it.</summary>
    public SkillScanGate Scan { get; init; } = SkillScanGate.Off;

    private readonly List<string> _messages = [];
    private int _downloaded;

    /// <param name="own">Names of the skills this project references: only these are reinstalled when merely missing.</param>
    /// <param name="verified">Skill name to the digest this project's current policy verified; updated here.</param>
    /// <param name="reinstall">Names the caller found out of date on disk (sync's drift check): reinstalled like a missing folder.</param>
    public async Task<StagingOutcome> StageAsync(LockFile previous, LockFile desired, IReadOnlySet<string> own, IReadOnlyList<SkillArtifact> fresh, Dictionary<string, string> verified, CancellationToken cancellationToken, IReadOnlySet<string>? reinstall = null)
    {
        var installs = new List<(LockEntry Entry, bool Changed)>();
        var reverify = new List<LockEntry>();
        // Package skills are staged by PackageSkillStager.
        foreach (var entry in desired.Skills.Where(e => e.HasStandardPath && e.Source is RegistryLockSource))
        {
            var old = previous.Find(entry.Name);
            var changed = old is null || !old.Source.PinsSameContentAs(entry.Source);
            var mine = own.Contains(entry.Name);
            if (changed || (mine && (!materializer.IsPresent(entry.Name) || reinstall?.Contains(entry.Name) == true || await IsDriftedAsync(entry, cancellationToken).ConfigureAwait(false))))
            {
                materializer.CheckDestination(entry.Name, managed: old is not null && old.HasStandardPath);
                installs.Add((entry, changed));
            }
            else if (mine && !gate.IsInactive && (options.Repair || !verified.TryGetValue(entry.Name, out var digest) || digest != entry.RegistrySource.Digest.ToString()))
            {
                reverify.Add(entry);
            }

            materializer.CheckLinks(entry.Name, (old?.AdditionalPaths ?? []).ToHashSet(StringComparer.Ordinal));
        }

        // Fetch, verify and extract every install at once (bounded); commit them in the lock's order.
        var outcomes = await BoundedConcurrency.RunAsync(installs, options.MaxParallelism,
            (install, ct) => PrepareAsync(install.Entry, desired, fresh.FirstOrDefault(a => a.Name == install.Entry.Name && a.Digest == install.Entry.RegistrySource.Digest), ct),
            cancellationToken).ConfigureAwait(false);
        var records = new Dictionary<string, (string? VerifiedBy, Digest ContentDigest, Security.ScanRecord? Scan)>(StringComparer.Ordinal);
        var fatal = false;
        var remembered = new List<SkillArtifact>();
        foreach (var outcome in outcomes)
        {
            var (entry, changed) = outcome.Item;
            if (outcome.Error is { } error)
            {
                // A skill this restore changes fails the restore; one the lock already pins is reported and skipped.
                fatal |= changed;
                diagnostics.Add(!changed && error is RegistryException { Kind: RegistryErrorKind.NotFound }
                    ? Diagnostic.Error(ErrorCodes.LockedDigestGone,
                        $"The skill '{entry.Name}' is locked at {entry.Source.Ref}, but the registry no longer has that digest, so it was not installed (the other skills were). Run 'dotnet msbuild -t:UpdateSkills -p:SkillsToUpdate={entry.Name}' to lock what its tag points at now.",
                        request.EffectiveLockFilePath)
                    : RestoreErrors.ToDiagnostic(error, request.ProjectPath));
                continue;
            }

            var staged = outcome.Result!;
            diagnostics.AddRange(staged.Diagnostics);
            if (staged.Scan is { } scan)
            {
                diagnostics.AddRange(scan.Diagnostics);
                _messages.AddRange(scan.Messages.Select(m => "Scan: " + m));
                // A blocked skill fails the restore whether or not this restore changes it: nothing is committed.
                fatal |= scan.Blocked;
            }

            if (staged.Folder is null || staged.Scan?.Blocked == true)
            {
                continue;
            }

            if (staged.Message is { } message)
            {
                _messages.Add("Trust: " + message);
                verified[entry.Name] = entry.RegistrySource.Digest.ToString();
            }

            remembered.Add(staged.Artifact!);
            transaction.Install(entry.Name, staged.Folder);
            _installed.Add(entry.Name);
            _downloaded += staged.Downloaded ? 1 : 0;
            records[entry.Name] = (staged.VerifiedBy, staged.ContentDigest, staged.Scan?.Record);
        }

        // What staged cleanly stays cached even when another skill failed: the next restore needs no download for it.
        await reader.ListAsync(remembered, cancellationToken).ConfigureAwait(false);
        if (fatal)
        {
            return new StagingOutcome(desired, _installed, _downloaded, [], verified, _messages) { Failed = true };
        }

        var withdrawn = new List<string>();
        foreach (var entry in reverify)
        {
            try
            {
                var trust = await gate.CheckAsync(entry.Name, entry.RegistrySource.RepositoryReference, entry.RegistrySource.Digest, preferSnapshot: !options.Repair, cancellationToken).ConfigureAwait(false);
                if (trust.Unavailable is { } unavailable)
                {
                    diagnostics.Add(unavailable);
                    continue;
                }

                _messages.Add("Trust: " + trust.Message);
                verified[entry.Name] = entry.RegistrySource.Digest.ToString();
            }
            catch (SkillsOciException ex)
            {
                // Taken out of the places agents read; the lock entry stays, so fixing the policy or the signature reinstalls it.
                diagnostics.Add(ex.Diagnostic);
                verified.Remove(entry.Name);
                transaction.Remove(entry.Name);
                withdrawn.Add(entry.Name);
            }
        }

        foreach (var pruned in previous.Skills.Where(e => e.HasStandardPath && desired.Find(e.Name) is null))
        {
            transaction.Remove(pruned.Name);
            verified.Remove(pruned.Name);
        }

        var result = desired with
        {
            Skills = desired.Skills.Select(e => records.TryGetValue(e.Name, out var record)
                ? e with { VerifiedBy = record.VerifiedBy, ContentDigest = record.ContentDigest, Scan = record.Scan ?? e.Scan }
                : e).ToList(),
        };
        return new StagingOutcome(result, _installed, _downloaded, withdrawn, verified, _messages);
    }

    private async Task<bool> IsDriftedAsync(LockEntry entry, CancellationToken cancellationToken) =>
        options.Repair && entry.ContentDigest is { } expected &&
        (await SkillTree.FromFolderAsync(materializer.FullPath(entry.Path), cancellationToken).ConfigureAwait(false)).Digest != expected;

    /// <summary>One install, staged but not committed: thread-safe, it touches only its own staging folder.</summary>
    private async Task<StagedSkill> PrepareAsync(LockEntry entry, LockFile desired, SkillArtifact? fresh, CancellationToken cancellationToken)
    {
        // With no policy to check first, a locked skill's config and layer come at the same time, and the
        // layer is extracted as it downloads; the artifact is still checked before its staged folder counts.
        var artifact = fresh;
        Task<LayerRead<string>?>? early = null;
        if (artifact is null && gate.IsInactive)
        {
            (artifact, early) = await reader.ReadArtifactAndLayerAsync(entry.RegistrySource.RepositoryReference, entry.RegistrySource.Digest, entry.Source.Ref, (layer, ct) => ExtractAsync(layer, entry, ct), cancellationToken).ConfigureAwait(false);
        }
        else
        {
            artifact ??= await reader.ReadArtifactAsync(entry.RegistrySource.RepositoryReference, entry.RegistrySource.Digest, null, entry.Source.Ref, cancellationToken).ConfigureAwait(false);
        }

        if (artifact is null || artifact.Name != entry.Name)
        {
            if (early is not null && await SkillContentReader.ObserveAsync(early, cancellationToken).ConfigureAwait(false) is { } unused)
            {
                DirectoryTree.Delete(unused.Result);
            }

            return artifact is null
                ? StagedSkill.Skipped(Unavailable($"The skill '{entry.Name}' ({entry.Source.Ref}) is not in the cache"))
                : throw new SkillsOciException(ErrorCodes.SkillNameMismatch,
                    $"Name mismatch: the lock entry '{entry.Name}' pins {entry.Source.Ref}, whose config name is '{artifact.Name}'. Delete the entry and restore again.", request.EffectiveLockFilePath);
        }

        // Trust before content: nothing of a skill that fails its policy is downloaded, staged or locked.
        SkillTrustOutcome? trust = null;
        if (!gate.IsInactive)
        {
            using (reader.Measure("trust"))
            {
                trust = await gate.CheckAsync(entry.Name, entry.RegistrySource.RepositoryReference, entry.RegistrySource.Digest, preferSnapshot: fresh is null && !options.Repair, cancellationToken).ConfigureAwait(false);
            }

            if (trust.Unavailable is { } unavailable)
            {
                return StagedSkill.Skipped(unavailable);
            }
        }

        var staged = await (early ?? reader.ReadLayerAsync(artifact, (layer, ct) => ExtractAsync(layer, entry, ct), cancellationToken)).ConfigureAwait(false);
        if (staged is null)
        {
            return StagedSkill.Skipped(Unavailable($"The content of the skill '{entry.Name}' ({entry.Source.Ref}) is not in the cache"));
        }

        var folder = Path.Combine(staged.Result, entry.Name);
        SkillTree tree;
        using (reader.Measure("tree hash"))
        {
            tree = await SkillTree.FromFolderAsync(folder, cancellationToken).ConfigureAwait(false);
        }

        Security.ScanVerdict? scan;
        using (reader.Measure("content scan"))
        {
            scan = await Scan.ScanAsync(entry, desired, folder, cancellationToken).ConfigureAwait(false);
        }

        if (scan?.Blocked != true)
        {
            // Here rather than after every skill is staged: these small writes overlap the other downloads.
            await reader.KeepAsync(artifact, cancellationToken).ConfigureAwait(false);
        }

        return new StagedSkill(artifact, folder, trust?.VerifiedBy, trust?.Message, tree.Digest, staged.Downloaded, []) { Scan = scan };
    }

    /// <summary>Extracts a layer into this transaction's staging folder; an unusable archive throws, so a download of it is not cached.</summary>
    private async Task<string> ExtractAsync(Stream layer, LockEntry entry, CancellationToken cancellationToken)
    {
        using var measured = reader.Measure("extraction");
        return await SkillArchiveExtractor.ExtractAsync(layer, entry.Name, transaction.Folder, options.Limits, entry.Source.Ref, cancellationToken).ConfigureAwait(false);
    }

    private Diagnostic Unavailable(string what) =>
        Diagnostic.Warning(ErrorCodes.SkillUnavailableOffline, $"{what}, so it cannot be installed offline (design-time build). Run 'dotnet restore'.", request.ProjectPath);
}
