using Skills.Oci.Build.Diagnostics;

namespace Skills.Oci.Build.Restore;

/// <summary>
/// The third phase: the lock the root should have after this restore, from the previous lock, the
/// plan's groups and what was resolved. Pure: it writes nothing, so the transaction can compare it with
/// the previous lock (locked mode, "what changed") before anything is touched.
/// </summary>
public static class LockBuilder
{
    /// <param name="offline">Design-time: groups that would need resolution keep their previous entry as it is.</param>
    public static LockFile Build(LockFile previous, RestorePlan plan, IReadOnlyDictionary<SkillGroup, ResolvedSkill> resolved, SkillMaterializer materializer, string now, string projectFile, bool offline,
        IReadOnlyDictionary<SkillGroup, ResolvedCollectionIndex>? resolvedCollections = null)
    {
        var entries = new Dictionary<string, (LockEntry Entry, SkillGroup Group)>(StringComparer.Ordinal);
        var collections = new List<CollectionLockEntry>();
        foreach (var group in plan.Groups)
        {
            if (resolvedCollections?.GetValueOrDefault(group) is { } fresh && !offline)
            {
                collections.Add(AddCollection(previous, group, fresh, entries, materializer, now, projectFile));
                continue;
            }

            if (group.LockedCollection is { } locked)
            {
                // Locked (or offline): the collection and its members stay as the lock pinned them, no tag looked up.
                if (offline || !group.IsUnreferenced)
                {
                    collections.Add(locked);
                    foreach (var member in previous.MembersOf(locked.Name))
                    {
                        AddMember(member, $"the collection {group.Display}", group, entries, materializer, offline, projectFile);
                    }
                }

                continue;
            }

            LockEntry? entry;
            if (offline)
            {
                entry = group.Entry;
            }
            else if (group.IsUnreferenced)
            {
                continue;
            }
            else if (resolved.TryGetValue(group, out var skill))
            {
                var old = group.Entry;
                var same = old is not null && old.RegistrySource.Digest == skill.Artifact.Digest && old.Name == skill.Artifact.Name;
                entry = new LockEntry
                {
                    Name = skill.Artifact.Name,
                    Path = LockEntry.PrimaryPath(skill.Artifact.Name),
                    Source = new RegistryLockSource(group.Repository.Registry, group.Repository.Repository, skill.Tag, skill.Artifact.Digest),
                    InstalledAt = same ? old!.InstalledAt : now,
                    Requests = group.Requests,
                    VerifiedBy = same ? old!.VerifiedBy : null,
                    ContentDigest = same ? old!.ContentDigest : null,
                    Scan = same ? old!.Scan : null,
                };
            }
            else
            {
                entry = group.Entry;
            }

            if (entry is null)
            {
                continue;
            }

            if (entries.TryGetValue(entry.Name, out var clash) && clash.Entry.Collection is { } collection)
            {
                throw Collision(entry.Name, $"the collection '{collection}' ({clash.Group.Display})", $"the SkillReference {group.Display}", group.Own?.ProjectFile ?? projectFile);
            }

            if (entries.TryGetValue(entry.Name, out clash) && clash.Group.Own is { } first && group.Own is { } second)
            {
                throw new SkillsOciException(ErrorCodes.DuplicateSkillName,
                    $"Duplicate skill name '{entry.Name}': both SkillReference '{first}' and '{second}' resolve to it. Remove one of them.", second.ProjectFile);
            }

            if (entries.TryGetValue(entry.Name, out clash))
            {
                throw new SkillsOciException(ErrorCodes.IncompatibleSkillRequests,
                    $"Two sources for the skill '{entry.Name}': {clash.Group.Display} (asked by {Projects(clash.Group)}) and {group.Display} (asked by {Projects(group)}) both resolve to it. Reference the skill from one repository only.",
                    group.Own?.ProjectFile ?? clash.Group.Own?.ProjectFile ?? projectFile);
            }

            if (!offline && entry.HasStandardPath)
            {
                entry = entry with { AdditionalPaths = materializer.LinkPathsFor(entry.Name).Order(StringComparer.Ordinal).ToList() };
            }

            entries[entry.Name] = (entry, group);
        }

        return previous with
        {
            Skills = entries.Values.Select(e => e.Entry).OrderBy(e => e.Name, StringComparer.Ordinal).ToList(),
            Collections = collections.OrderBy(c => c.Name, StringComparer.Ordinal).ToList(),
        };
    }

    /// <summary>A collection resolved now: its lock record, and one entry per member pinned by the digest the collection lists.</summary>
    private static CollectionLockEntry AddCollection(LockFile previous, SkillGroup group, ResolvedCollectionIndex fresh, Dictionary<string, (LockEntry Entry, SkillGroup Group)> entries, SkillMaterializer materializer, string now, string projectFile)
    {
        foreach (var member in fresh.Members)
        {
            var artifact = member.Artifact;
            var old = previous.Find(artifact.Name);
            var same = old is not null && old.Source is RegistryLockSource source && source.Digest == artifact.Digest;
            var entry = new LockEntry
            {
                Name = artifact.Name,
                Path = LockEntry.PrimaryPath(artifact.Name),
                Source = new RegistryLockSource(artifact.Repository.Registry, artifact.Repository.Repository, member.Tag, artifact.Digest),
                InstalledAt = same ? old!.InstalledAt : now,
                Requests = group.Requests,
                VerifiedBy = same ? old!.VerifiedBy : null,
                ContentDigest = same ? old!.ContentDigest : null,
                Scan = same ? old!.Scan : null,
                Collection = fresh.Name,
            };
            AddMember(entry, member.Origin(group.Display), group, entries, materializer, offline: false, projectFile);
        }

        return new CollectionLockEntry
        {
            Name = fresh.Name,
            Source = new RegistryLockSource(group.Repository.Registry, group.Repository.Repository, fresh.Tag, fresh.Digest),
            Requests = group.Requests,
            Members = fresh.Members.Select(m => m.Artifact.Name).Order(StringComparer.Ordinal).ToList(),
            Nested = fresh.Members.SelectMany(m => m.Through).Distinct().OrderBy(n => n.Name, StringComparer.Ordinal).ThenBy(n => n.Source.Digest.ToString(), StringComparer.Ordinal).ToList(),
        };
    }

    private static void AddMember(LockEntry entry, string origin, SkillGroup group, Dictionary<string, (LockEntry Entry, SkillGroup Group)> entries, SkillMaterializer materializer, bool offline, string projectFile)
    {
        if (entries.TryGetValue(entry.Name, out var clash))
        {
            var other = clash.Entry.Collection is { } collection && !ReferenceEquals(clash.Group, group)
                ? $"the collection '{collection}' ({clash.Group.Display})"
                : clash.Entry.Collection is not null ? $"another member of {group.Display} ({clash.Entry.Source.Ref})" : $"the SkillReference {clash.Group.Display}";
            throw Collision(entry.Name, other, origin, group.Own?.ProjectFile ?? clash.Group.Own?.ProjectFile ?? projectFile);
        }

        if (!offline && entry.HasStandardPath)
        {
            entry = entry with { AdditionalPaths = materializer.LinkPathsFor(entry.Name).Order(StringComparer.Ordinal).ToList() };
        }

        entries[entry.Name] = (entry, group);
    }

    private static SkillsOciException Collision(string name, string first, string second, string file) =>
        new(ErrorCodes.CollectionNameCollision,
            $"Two sources install the skill '{name}': {first} and {second}. Reference one of them only, or install a subset of the collection with Skills=\"...\".", file);

    /// <summary>One line per skill the lock adds, updates or removes, for the minimal-verbosity output.</summary>
    public static IReadOnlyList<string> Changes(LockFile before, LockFile after)
    {
        var lines = new List<string>();
        foreach (var name in before.Skills.Select(e => e.Name).Union(after.Skills.Select(e => e.Name)).Order(StringComparer.Ordinal))
        {
            var (old, now) = (before.Find(name), after.Find(name));
            if (old is null)
            {
                lines.Add($"added {name} {Version(now!)}{DigestSuffix(now!)}");
            }
            else if (now is null)
            {
                lines.Add($"removed {name} {Version(old)}");
            }
            else if (!old.Source.PinsSameContentAs(now.Source) || Version(old) != Version(now))
            {
                lines.Add($"updated {name} {Version(old)} -> {Version(now)}{DigestSuffix(now)}");
            }
        }

        return lines;
    }

    /// <summary>Locked mode's message: each entry that would change, with what is locked and what is asked now.</summary>
    public static IEnumerable<string> LockedModeChanges(LockFile before, RestorePlan plan)
    {
        foreach (var group in plan.Groups.Where(g => !g.IsLocked))
        {
            var name = group.Entry?.Name ?? group.Display;
            if (group.Entry is null)
            {
                yield return $"'{name}' is not locked ({RequestText(group.Requests)} asked)";
            }
            else if (group.IsUnreferenced)
            {
                yield return $"'{name}' would be removed (no project references it any more)";
            }
            else
            {
                yield return $"'{name}' is locked at {Version(group.Entry)} for {RequestText(group.Entry.Requests)}, and {RequestText(group.Requests)} is asked now";
            }
        }
    }

    private static string RequestText(IReadOnlyList<LockRequest> requests) =>
        requests.Count == 0 ? "nothing" : string.Join(", ", requests.Select(r => $"{r.Display} by '{r.Project}'"));

    private static string Version(LockEntry entry) => entry.Source is NuGetLockSource nuget ? $"{nuget.Package} {nuget.Version}" : entry.Source.VersionDisplay;

    private static string DigestSuffix(LockEntry entry) => entry.Source is RegistryLockSource registry ? $" ({registry.Digest.ToString()[..19]}…)" : " (from the package)";

    private static string Projects(SkillGroup group) => string.Join(", ", group.Requests.Select(r => $"'{r.Project}'"));
}
