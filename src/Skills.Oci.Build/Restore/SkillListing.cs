using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Oci;

namespace Skills.Oci.Build.Restore;

/// <summary>One project's request as <c>list</c> shows it: exactly one of version, tag, digest (a digest may carry its tag).</summary>
public sealed record ListedRequest(string Project, string? Version, string? Tag, string? Digest)
{
    /// <summary>Compact, as written in a project: <c>1.0.0</c>, <c>:latest</c>, <c>@sha256:…</c>.</summary>
    public string AsWritten =>
        Digest is not null ? $"{(Tag is null ? string.Empty : ":" + Tag)}@{Digest}"
        : Tag is not null ? ":" + Tag
        : Version ?? string.Empty;
}

/// <summary>
/// One locked skill for <c>skills-oci list</c>. The last three are filled only by
/// <see cref="SkillListing.CheckOutdatedAsync"/>; null there means unknown (the registry failed, or no
/// tag is a version).
/// </summary>
public sealed record ListedSkill
{
    public required string Name { get; init; }

    /// <summary><c>registry/repository</c>.</summary>
    public required string Repository { get; init; }

    public required IReadOnlyList<ListedRequest> Requests { get; init; }

    /// <summary>The tag the lock resolved; empty for a bare digest request.</summary>
    public required string ResolvedTag { get; init; }

    public required string Digest { get; init; }

    /// <summary>The trust policy that verified it at install (the lock's <c>verifiedBy</c>); null when none applied.</summary>
    public string? VerifiedBy { get; init; }

    public required IReadOnlyList<string> Projects { get; init; }

    /// <summary>The lock's content scan record (finding counts per code, what was accepted); null when the skill was not scanned.</summary>
    public Security.ScanRecord? Scan { get; init; }

    /// <summary>The scan in a few words for the table: counts per severity, highest first, and how many were accepted; null when not scanned.</summary>
    public string? ScanSummary => Scan is not { } scan ? null
        : scan.Findings.Count == 0 ? "none"
        : string.Join(", ", scan.Findings.GroupBy(f => Security.ScanCodes.SeverityOf(f.Key)).OrderByDescending(g => g.Key).Select(g => $"{g.Sum(f => f.Value)} {Security.ScanSeverities.Name(g.Key)}")) +
          (scan.Allowed.Count > 0 ? $" ({scan.Allowed.Count} allowed)" : string.Empty);

    /// <summary>The newest tag every request accepts: what <c>update</c> would move to (the resolved tag for a digest pin).</summary>
    public string? NewestMatchingTag { get; init; }

    /// <summary>The newest version tag of the repository (stable; a prerelease only when it has no stable one).</summary>
    public string? NewestAvailableTag { get; init; }

    /// <summary>True when an update would change the skill, or a newer version exists than the resolved one.</summary>
    public bool? Outdated { get; init; }
}

/// <summary>
/// What <c>skills-oci list</c> shows: the lock's skills, and with <c>--outdated</c> the newest tags from
/// the registry, judged by the engine's own rules (<see cref="ResolutionRule"/>, <see cref="VersionSpec"/>).
/// </summary>
public static class SkillListing
{
    /// <summary>The newest stable version among tags, as a NuGet float would pick it; else the newest prerelease.</summary>
    private static readonly VersionSpec AnyStable = Parse("*");
    private static readonly VersionSpec AnyVersion = Parse("*-*");

    /// <summary>Every skill of the lock, sorted by name; empty when there is no lock.</summary>
    public static async Task<IReadOnlyList<ListedSkill>> ReadAsync(string lockPath, CancellationToken cancellationToken)
    {
        var lockFile = await LockFile.ReadAsync(lockPath, cancellationToken).ConfigureAwait(false) ?? LockFile.Empty;
        return lockFile.Skills
            .OrderBy(s => s.Name, StringComparer.Ordinal)
            .Select(entry => new ListedSkill
            {
                Name = entry.Name,
                Repository = entry.Source is RegistryLockSource registry ? registry.RepositoryKey : entry.Source.Ref,
                Requests = entry.Requests.Select(r => new ListedRequest(r.Project, r.Version, r.Tag, r.Digest?.ToString())).ToList(),
                ResolvedTag = entry.Source.VersionDisplay,
                Digest = entry.Source is RegistryLockSource pinned ? pinned.Digest.ToString() : entry.ContentDigest?.ToString() ?? string.Empty,
                VerifiedBy = entry.VerifiedBy,
                Projects = entry.Projects,
                Scan = entry.Scan,
            })
            .ToList();
    }

    /// <summary>
    /// Fills the newest tags of each skill from <paramref name="source"/>. A skill whose registry fails is
    /// a warning (<see cref="ErrorCodes.OutdatedLookupFailed"/>) and stays unknown; the others go on.
    /// </summary>
    public static async Task<IReadOnlyList<ListedSkill>> CheckOutdatedAsync(
        IReadOnlyList<ListedSkill> skills, string lockPath, ISkillSource source, ICollection<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        var lockFile = await LockFile.ReadAsync(lockPath, cancellationToken).ConfigureAwait(false) ?? LockFile.Empty;
        var outcomes = await BoundedConcurrency.RunAsync(
            skills, SkillRestoreOptions.DefaultMaxParallelism,
            (skill, token) => CheckAsync(skill, lockFile.Find(skill.Name)!, source, token),
            cancellationToken).ConfigureAwait(false);
        var result = new List<ListedSkill>(skills.Count);
        foreach (var outcome in outcomes)
        {
            if (outcome.Error is { } error)
            {
                if (error is OperationCanceledException && cancellationToken.IsCancellationRequested)
                {
                    throw error;
                }

                var reason = error is RegistryException registry ? Registry.RegistryErrorMapping.ToDiagnostic(registry, lockPath).Message : error.Message;
                diagnostics.Add(Diagnostic.Warning(ErrorCodes.OutdatedLookupFailed,
                    $"The newest tags of {outcome.Item.Name} ({outcome.Item.Repository}) are unknown: {reason}", lockPath));
                result.Add(outcome.Item);
            }
            else
            {
                result.Add(outcome.Result!);
            }
        }

        return result;
    }

    private static async Task<ListedSkill> CheckAsync(ListedSkill skill, LockEntry entry, ISkillSource source, CancellationToken cancellationToken)
    {
        if (entry.Source is not RegistryLockSource registry)
        {
            // A package skill updates with its package: NuGet's 'dotnet list package --outdated' answers that.
            return skill;
        }

        var tags = await source.ListTagsAsync(registry.RepositoryReference, cancellationToken).ConfigureAwait(false);
        var newestAvailable = (AnyStable.Select(tags) ?? AnyVersion.Select(tags))?.Tag;
        var resolvedVersion = VersionSpec.ParseTagVersion(registry.Tag);
        var newer = newestAvailable is not null && resolvedVersion is not null && VersionSpec.ParseTagVersion(newestAvailable)! > resolvedVersion;

        string? newestMatching;
        bool changes;
        if (!ResolutionRule.NeedsTags(entry.Requests))
        {
            // A digest pin never moves: update keeps it whatever is pushed.
            newestMatching = registry.Tag.Length > 0 ? registry.Tag : null;
            changes = false;
        }
        else
        {
            var specs = entry.Requests.Select(r => r.ToSpec()).OfType<VersionSpec>().ToList();
            var candidates = ResolutionRule.Candidates(specs, tags);
            newestMatching = AnyVersion.Select(candidates)?.Tag ?? (candidates.Count > 0 ? candidates[0] : null);
            changes = newestMatching is not null && newestMatching != registry.Tag;
            if (newestMatching is not null && newestMatching == registry.Tag && VersionSpec.ParseTagVersion(newestMatching) is null)
            {
                // An alias tag (latest, stable) is outdated when it was pushed again since the lock pinned it.
                var current = await source.ResolveAsync(registry.RepositoryReference.WithTag(newestMatching), cancellationToken).ConfigureAwait(false);
                changes = current.Digest != registry.Digest;
            }
        }

        return skill with { NewestMatchingTag = newestMatching, NewestAvailableTag = newestAvailable, Outdated = changes || newer };
    }

    private static VersionSpec Parse(string text) =>
        VersionSpec.TryParse(text, out var spec, out var error) ? spec! : throw new InvalidOperationException(error);
}
