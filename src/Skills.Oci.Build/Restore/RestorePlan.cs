using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Oci;

namespace Skills.Oci.Build.Restore;

/// <summary>
/// Every request for one skill repository across the root: the other live projects' requests as the
/// lock records them, with this project's replaced by what it asks now.
/// </summary>
public sealed class SkillGroup
{
    internal SkillGroup(ImageReference repository, LockEntry? entry, IReadOnlyList<LockRequest> requests, SkillRequest? own, bool updateRequested, CollectionLockEntry? collection = null)
    {
        LockedCollection = collection;
        Repository = repository;
        Entry = entry;
        Requests = requests;
        Own = own;
        UpdateRequested = updateRequested;
    }

    /// <summary>Registry and repository (no tag, no digest).</summary>
    public ImageReference Repository { get; }

    /// <summary>The lock's entry for this repository before the restore; null for a new skill.</summary>
    public LockEntry? Entry { get; }

    /// <summary>The requests of every live project, sorted by project.</summary>
    public IReadOnlyList<LockRequest> Requests { get; }

    /// <summary>
    /// The lock's collection for this repository, when it resolved to one; <see cref="Entry"/> is then its
    /// index as an entry (name, source, requests) so locking and resolution treat both alike.
    /// </summary>
    public CollectionLockEntry? LockedCollection { get; }

    /// <summary>This project's request, when it makes one.</summary>
    public SkillRequest? Own { get; }

    /// <summary>UpdateSkills asked to re-resolve this skill.</summary>
    public bool UpdateRequested { get; }

    /// <summary>No live project requests the skill any more: its entry is pruned.</summary>
    public bool IsUnreferenced => Requests.Count == 0;

    /// <summary>
    /// The locked entry answers the current set of requests as it is: the set is the one it was resolved
    /// for, nobody asked to update it, and it is pinned (a tag or a pinned digest).
    /// </summary>
    public bool IsLocked =>
        Entry is not null && !UpdateRequested && Requests.Count > 0 && Entry.Requests.SequenceEqual(Requests) &&
        (Entry.RegistrySource.Tag.Length > 0 || !ResolutionRule.NeedsTags(Requests));

    public string Display => Repository.RepositoryName;
}

/// <summary>
/// The first phase of a restore, from the lock alone (no network): the root-wide request set of each
/// skill, which skills the lock already answers and which must be resolved, and which are pruned.
/// </summary>
public sealed class RestorePlan
{
    private RestorePlan(IReadOnlyList<SkillGroup> groups, IReadOnlyList<string> unmatchedUpdates)
    {
        Groups = groups;
        UnmatchedUpdates = unmatchedUpdates;
    }

    /// <summary>One group per repository, in ordinal order of the repository name.</summary>
    public IReadOnlyList<SkillGroup> Groups { get; }

    /// <summary>SkillsToUpdate entries that named nothing (a warning).</summary>
    public IReadOnlyList<string> UnmatchedUpdates { get; }

    public IEnumerable<SkillGroup> ToResolve => Groups.Where(g => !g.IsUnreferenced && !g.IsLocked);

    /// <summary>True when the lock answers every request and nothing is to be pruned.</summary>
    public bool IsFullyLocked => Groups.All(g => g.IsLocked);

    /// <param name="projectExists">Whether a root-relative project file still exists; requests of vanished projects are dropped.</param>
    /// <param name="projectIsStale">
    /// Whether another project's record is older than a file it reads (<see cref="ProjectRecord.IsStale"/>).
    /// Where this project's own request changed, such a project's locked request may be out of date too (one
    /// edit of Directory.Packages.props moves every project's central version): it does not count against
    /// this one, and that project records its request again when it restores.
    /// </param>
    public static RestorePlan Create(LockFile lockFile, string project, IReadOnlyList<SkillRequest> requests, SkillRestoreOptions options, Func<string, bool> projectExists, Func<string, bool>? projectIsStale = null)
    {
        var own = new Dictionary<string, SkillRequest>(StringComparer.Ordinal);
        foreach (var request in requests)
        {
            var key = request.Repository.RepositoryName;
            if (own.TryGetValue(key, out var first))
            {
                throw new SkillsOciException(ErrorCodes.DuplicateSkillName,
                    $"Duplicate SkillReference: both '{first}' and '{request}' name the repository {key}. Remove one of them.", request.ProjectFile);
            }

            own[key] = request;
        }

        // Package skills are planned by PackageSkillLock: they have no repository to resolve. Members and
        // dependencies follow what brought them in (SkillGraph), so they are no group of their own.
        var entries = lockFile.Skills.Where(e => e.IsFromRegistry && !e.IsDerived).ToDictionary(e => e.RegistrySource.RepositoryKey, StringComparer.Ordinal);
        var collections = new Dictionary<string, CollectionLockEntry>(StringComparer.Ordinal);
        foreach (var collection in lockFile.Collections)
        {
            collections[collection.Source.RepositoryKey] = collection;
            entries[collection.Source.RepositoryKey] = new LockEntry { Name = collection.Name, Path = string.Empty, Source = collection.Source, InstalledAt = string.Empty, Requests = collection.Requests };
        }

        var groups = new List<SkillGroup>();
        var updates = options.SkillsToUpdate.ToHashSet(StringComparer.OrdinalIgnoreCase);
        var matched = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var key in entries.Keys.Union(own.Keys).Order(StringComparer.Ordinal))
        {
            var entry = entries.GetValueOrDefault(key);
            var mine = own.GetValueOrDefault(key);
            var set = (entry?.Requests ?? []).Where(r => r.Project != project && projectExists(r.Project)).ToList();
            if (mine is not null && projectIsStale is not null && entry?.Requests.FirstOrDefault(r => r.Project == project) != mine.ToLockRequest())
            {
                set.RemoveAll(r => projectIsStale(r.Project));
            }

            if (mine is not null)
            {
                set.Add(mine.ToLockRequest());
            }

            set.Sort(LockRequest.CompareByProject);
            var names = new[] { key, entry?.Name, mine?.Item.Include?.Trim() }.Where(n => n is not null).ToList();
            var named = names.Where(n => updates.Contains(n!)).ToList();
            matched.UnionWith(named!);
            var update = (options.UpdateAll && mine is not null) || named.Count > 0;
            var repository = entry?.RegistrySource.RepositoryReference ?? mine!.Repository;
            groups.Add(new SkillGroup(repository, entry, set, mine, update, collections.GetValueOrDefault(key)));
        }

        return new RestorePlan(groups, updates.Where(u => !matched.Contains(u)).Order(StringComparer.Ordinal).ToList());
    }
}
