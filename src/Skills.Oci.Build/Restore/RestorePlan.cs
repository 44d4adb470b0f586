namespace Skills.Oci.Build.Restore;

/// <summary>
/// The decisions a restore can take from the lock alone, without network: which requests reuse a
/// locked entry (reference and Version unchanged, or a compatible request for an entry other live
/// projects hold) and which must be resolved against the source.
/// </summary>
public sealed class RestorePlan
{
    private RestorePlan(string project, IReadOnlyList<SkillRequest> requests, IReadOnlyDictionary<SkillRequest, LockEntry> locked)
    {
        Project = project;
        Requests = requests;
        Locked = locked;
        Unresolved = requests.Where(r => !locked.ContainsKey(r)).ToList();
    }

    public string Project { get; }

    public IReadOnlyList<SkillRequest> Requests { get; }

    /// <summary>Requests served by a locked entry's digest: no tag lookup.</summary>
    public IReadOnlyDictionary<SkillRequest, LockEntry> Locked { get; }

    /// <summary>Requests that need the source (new, changed, or asked to update).</summary>
    public IReadOnlyList<SkillRequest> Unresolved { get; }

    public bool IsFullyLocked => Unresolved.Count == 0;

    /// <param name="projectExists">Whether a root-relative project file still exists; vanished projects no longer count.</param>
    public static RestorePlan Create(LockFile lockFile, string project, IReadOnlyList<SkillRequest> requests, SkillRestoreOptions options, Func<string, bool> projectExists)
    {
        var locked = new Dictionary<SkillRequest, LockEntry>();
        foreach (var request in requests)
        {
            var entry = lockFile.Skills.FirstOrDefault(e => e.Source.IsSameRepository(request.Repository));
            if (entry is not null && !options.IsUpdateRequested(request, entry.Name) && Reuses(request, entry, OtherLiveProjects(entry, project, projectExists).Any()))
            {
                locked[request] = entry;
            }
        }

        return new RestorePlan(project, requests, locked);
    }

    /// <summary>The projects other than <paramref name="project"/> that reference the entry and still exist.</summary>
    public static IEnumerable<string> OtherLiveProjects(LockEntry entry, string project, Func<string, bool> projectExists) =>
        entry.Projects.Where(p => p != project && projectExists(p));

    private static bool Reuses(SkillRequest request, LockEntry entry, bool heldByOthers)
    {
        if (request.Digest is { } digest)
        {
            return entry.Source.Digest == digest && entry.Source.Tag == (request.Tag ?? string.Empty);
        }

        if (entry.RequestedVersion == request.RequestedVersion && entry.Source.Tag.Length > 0)
        {
            return true;
        }

        // Another project's Version produced this entry; a request it satisfies shares it as is.
        return heldByOthers && entry.Source.Tag.Length > 0 && request.Spec!.IsSatisfiedBy(entry.Source.Tag);
    }
}
