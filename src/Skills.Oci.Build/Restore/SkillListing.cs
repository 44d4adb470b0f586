using System.Text.Json;
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

    /// <summary>The collection (<see cref="ListedCollectionEntry.Name"/>) this skill was installed from; null for a skill of its own.</summary>
    public string? Collection { get; init; }
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
/// A collection of the lock for <c>list</c>: its index and requests; the members are the
/// <see cref="ListedSkill"/> entries whose <see cref="ListedSkill.Collection"/> is its name. The last
/// three are filled as for a skill, from the collection's own repository.
/// </summary>
public sealed record ListedCollectionEntry
{
    public required string Name { get; init; }

    /// <summary><c>registry/repository</c> of the collection index.</summary>
    public required string Repository { get; init; }

    public required IReadOnlyList<ListedRequest> Requests { get; init; }

    public required string ResolvedTag { get; init; }

    /// <summary>The digest of the collection index.</summary>
    public required string Digest { get; init; }

    public required IReadOnlyList<string> Members { get; init; }

    public required IReadOnlyList<string> Projects { get; init; }

    public string? NewestMatchingTag { get; init; }

    public string? NewestAvailableTag { get; init; }

    public bool? Outdated { get; init; }
}

/// <summary>What <c>skills-oci list</c> and the ListSkills target ask: which lock, and whether to ask the registries for newer tags.</summary>
public sealed record SkillListRequest(string LockFilePath, bool Outdated = false);

/// <summary>
/// The answer to a <see cref="SkillListRequest"/>, with its two renderings, so that the command line and
/// MSBuild print the same table and the same JSON: with <see cref="Outdated"/>, only the skills (and
/// collections, with their members) that are behind.
/// </summary>
public sealed record SkillList(string LockFilePath, bool LockExists, bool Outdated, IReadOnlyList<ListedSkill> Skills, IReadOnlyList<ListedCollectionEntry> Collections)
{
    /// <summary>The JSON document keeps every key, null included, so scripts can rely on its shape.</summary>
    private static readonly JsonSerializerOptions JsonShape = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    /// <summary>The line printed instead of an empty table.</summary>
    public string EmptyMessage =>
        !LockExists ? $"No {LockFile.FileName} at {Path.GetDirectoryName(LockFilePath)}: no skills are installed."
        : Outdated ? "Every skill is up to date."
        : $"{LockFile.FileName} pins no skills.";

    /// <summary><c>{ lockFile, skills, collections }</c>: every skill (members carry <c>collection</c>) and every collection.</summary>
    public string ToJson() => JsonSerializer.Serialize(new { lockFile = LockFilePath, skills = Skills, collections = Collections }, JsonShape);

    /// <summary>
    /// The text table: one row per skill, columns padded to their widest cell, '-' for nothing. A
    /// collection is a row of its own (<c>name (collection)</c>) among the skills, its members indented
    /// under it; a member's request is its collection's, so its Requested cell is '-'.
    /// </summary>
    public IReadOnlyList<string> ToTable()
    {
        var header = new List<string> { "Name", "Requested", "Resolved", "Digest" };
        if (Outdated)
        {
            header.AddRange(["Newest matching", "Newest"]);
        }

        header.AddRange(["Signer", "Findings", "Projects"]);
        var rows = new List<IReadOnlyList<string>> { header };
        var collections = Collections.ToDictionary(c => c.Name, StringComparer.Ordinal);
        var tops = Skills.Where(s => s.Collection is null || !collections.ContainsKey(s.Collection))
            .Select(s => (s.Name, Skill: (ListedSkill?)s, Collection: (ListedCollectionEntry?)null))
            .Concat(Collections.Select(c => (c.Name, Skill: (ListedSkill?)null, Collection: (ListedCollectionEntry?)c)))
            .OrderBy(t => t.Name, StringComparer.Ordinal)
            .ThenBy(t => t.Collection is null ? 0 : 1);
        foreach (var (_, skill, collection) in tops)
        {
            if (skill is not null)
            {
                rows.Add(Row(skill.Name, Requested(skill.Requests), skill.ResolvedTag, skill.Digest, skill.NewestMatchingTag, skill.NewestAvailableTag, skill.VerifiedBy, skill.ScanSummary, skill.Projects));
                continue;
            }

            rows.Add(Row($"{collection!.Name} (collection)", Requested(collection.Requests), collection.ResolvedTag, collection.Digest, collection.NewestMatchingTag, collection.NewestAvailableTag, null, null, collection.Projects));
            foreach (var member in Skills.Where(s => s.Collection == collection.Name).OrderBy(s => s.Name, StringComparer.Ordinal))
            {
                rows.Add(Row("  " + member.Name, string.Empty, member.ResolvedTag, member.Digest, null, null, member.VerifiedBy, member.ScanSummary, member.Projects));
            }
        }

        var widths = Enumerable.Range(0, header.Count).Select(column => rows.Max(row => row[column].Length)).ToList();
        return rows.Select(row => string.Join("  ", row.Select((cell, column) => column == row.Count - 1 ? cell : cell.PadRight(widths[column]))).TrimEnd()).ToList();
    }

    private List<string> Row(string name, string requested, string resolved, string digest, string? newestMatching, string? newest, string? signer, string? findings, IReadOnlyList<string> projects)
    {
        var row = new List<string> { name, Cell(requested), Cell(resolved), ShortDigest(digest) };
        if (Outdated)
        {
            row.AddRange([Cell(newestMatching), Cell(newest)]);
        }

        row.AddRange([Cell(signer), Cell(findings), string.Join(", ", projects)]);
        return row;
    }

    private static string Requested(IReadOnlyList<ListedRequest> requests) =>
        string.Join(", ", requests.Select(r => r.AsWritten).Distinct(StringComparer.Ordinal));

    private static string Cell(string? value) => string.IsNullOrEmpty(value) ? "-" : value;

    /// <summary>Twelve hex digits identify a manifest to a reader, as docker and git shorten theirs; JSON has the whole digest.</summary>
    private static string ShortDigest(string digest) =>
        digest.IndexOf(':', StringComparison.Ordinal) is var colon and >= 0 && digest.Length > colon + 13 ? digest[..(colon + 13)] : digest;
}

/// <summary>
/// What <c>skills-oci list</c> and the ListSkills target show: the lock's skills and collections, and with
/// <see cref="SkillListRequest.Outdated"/> the newest tags from the registry, judged by the engine's own
/// rules (<see cref="ResolutionRule"/>, <see cref="VersionSpec"/>).
/// </summary>
public static class SkillListing
{
    /// <summary>The newest stable version among tags, as a NuGet float would pick it; else the newest prerelease.</summary>
    private static readonly VersionSpec AnyStable = Parse("*");
    private static readonly VersionSpec AnyVersion = Parse("*-*");

    /// <summary>
    /// The one engine call of both front ends. <paramref name="source"/> is asked for only when the
    /// registries are to be asked (outdated, and a lock with skills); a registry that fails is a warning in
    /// <paramref name="diagnostics"/> (<see cref="ErrorCodes.OutdatedLookupFailed"/>) and its skill stays listed as unknown.
    /// </summary>
    public static async Task<SkillList> ListAsync(SkillListRequest request, Func<ISkillSource> source, ICollection<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        var lockPath = Path.GetFullPath(request.LockFilePath);
        var lockFile = await LockFile.ReadAsync(lockPath, cancellationToken).ConfigureAwait(false);
        var skills = Read(lockFile ?? LockFile.Empty);
        var collections = ReadCollections(lockFile ?? LockFile.Empty);
        if (request.Outdated && (skills.Count > 0 || collections.Count > 0))
        {
            (skills, collections) = await CheckOutdatedAsync(skills, collections, lockFile!, lockPath, source(), diagnostics, cancellationToken).ConfigureAwait(false);
            var behind = collections.Where(c => c.Outdated != false).Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
            skills = skills.Where(s => s.Collection is { } collection && collections.Any(c => c.Name == collection) ? behind.Contains(collection) : s.Outdated != false).ToList();
            collections = collections.Where(c => behind.Contains(c.Name)).ToList();
        }

        return new SkillList(lockPath, lockFile is not null, request.Outdated, skills, collections);
    }

    /// <summary>Every skill of the lock, sorted by name.</summary>
    private static List<ListedSkill> Read(LockFile lockFile) =>
        lockFile.Skills
            .OrderBy(s => s.Name, StringComparer.Ordinal)
            .Select(entry => new ListedSkill
            {
                Name = entry.Name,
                Repository = entry.Source is RegistryLockSource registry ? registry.RepositoryKey : entry.Source.Ref,
                Requests = Listed(entry.Requests),
                ResolvedTag = entry.Source.VersionDisplay,
                Digest = entry.Source is RegistryLockSource pinned ? pinned.Digest.ToString() : entry.ContentDigest?.ToString() ?? string.Empty,
                VerifiedBy = entry.VerifiedBy,
                Projects = entry.Projects,
                Collection = entry.Collection,
                Scan = entry.Scan,
            })
            .ToList();

    private static List<ListedCollectionEntry> ReadCollections(LockFile lockFile) =>
        lockFile.Collections
            .OrderBy(c => c.Name, StringComparer.Ordinal)
            .Select(c => new ListedCollectionEntry
            {
                Name = c.Name,
                Repository = c.Source.RepositoryKey,
                Requests = Listed(c.Requests),
                ResolvedTag = c.Source.VersionDisplay,
                Digest = c.Source.Digest.ToString(),
                Members = c.Members,
                Projects = c.Projects,
            })
            .ToList();

    private static List<ListedRequest> Listed(IReadOnlyList<LockRequest> requests) =>
        requests.Select(r => new ListedRequest(r.Project, r.Version, r.Tag, r.Digest?.ToString())).ToList();

    /// <summary>
    /// Fills the newest tags of each skill and collection from <paramref name="source"/>. A collection's
    /// members move with their collection (its index pins them), so they are not looked up themselves.
    /// </summary>
    private static async Task<(List<ListedSkill>, List<ListedCollectionEntry>)> CheckOutdatedAsync(
        List<ListedSkill> skills, List<ListedCollectionEntry> collections, LockFile lockFile, string lockPath, ISkillSource source, ICollection<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        var collectionNames = collections.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        var lookups = skills
            .Where(s => s.Collection is null || !collectionNames.Contains(s.Collection))
            .Select(s => (s.Name, s.Repository, lockFile.Find(s.Name)!.Source as RegistryLockSource, lockFile.Find(s.Name)!.Requests, IsCollection: false))
            .Concat(collections.Select(c => (c.Name, c.Repository, (RegistryLockSource?)lockFile.FindCollection(c.Name)!.Source, lockFile.FindCollection(c.Name)!.Requests, IsCollection: true)))
            .ToList();
        var outcomes = await BoundedConcurrency.RunAsync(
            lookups, SkillRestoreOptions.DefaultMaxParallelism,
            (lookup, token) => CheckAsync(lookup.Item3, lookup.Requests, source, token),
            cancellationToken).ConfigureAwait(false);
        var found = new Dictionary<(string, bool), Newest>();
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
            }
            else if (outcome.Result is { } newest)
            {
                found[(outcome.Item.Name, outcome.Item.IsCollection)] = newest;
            }
        }

        var checkedCollections = collections
            .Select(c => found.TryGetValue((c.Name, true), out var n) ? c with { NewestMatchingTag = n.Matching, NewestAvailableTag = n.Available, Outdated = n.Outdated } : c)
            .ToList();
        var checkedSkills = skills
            .Select(s => s.Collection is { } collection && collectionNames.Contains(collection)
                ? s with { Outdated = checkedCollections.First(c => c.Name == collection).Outdated }
                : found.TryGetValue((s.Name, false), out var n) ? s with { NewestMatchingTag = n.Matching, NewestAvailableTag = n.Available, Outdated = n.Outdated } : s)
            .ToList();
        return (checkedSkills, checkedCollections);
    }

    private sealed record Newest(string? Matching, string? Available, bool Outdated);

    private static async Task<Newest?> CheckAsync(RegistryLockSource? registry, IReadOnlyList<LockRequest> requests, ISkillSource source, CancellationToken cancellationToken)
    {
        if (registry is null)
        {
            // A package skill updates with its package: NuGet's 'dotnet list package --outdated' answers that.
            return null;
        }

        var tags = await source.ListTagsAsync(registry.RepositoryReference, cancellationToken).ConfigureAwait(false);
        var newestAvailable = (AnyStable.Select(tags) ?? AnyVersion.Select(tags))?.Tag;
        var resolvedVersion = VersionSpec.ParseTagVersion(registry.Tag);
        var newer = newestAvailable is not null && resolvedVersion is not null && VersionSpec.ParseTagVersion(newestAvailable)! > resolvedVersion;

        string? newestMatching;
        bool changes;
        if (!ResolutionRule.NeedsTags(requests))
        {
            // A digest pin never moves: update keeps it whatever is pushed.
            newestMatching = registry.Tag.Length > 0 ? registry.Tag : null;
            changes = false;
        }
        else
        {
            var specs = requests.Select(r => r.ToSpec()).OfType<VersionSpec>().ToList();
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

        return new Newest(newestMatching, newestAvailable, changes || newer);
    }

    private static VersionSpec Parse(string text) =>
        VersionSpec.TryParse(text, out var spec, out var error) ? spec! : throw new InvalidOperationException(error);
}
