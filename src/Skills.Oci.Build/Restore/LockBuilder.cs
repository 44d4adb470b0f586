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
    public static LockFile Build(LockFile previous, RestorePlan plan, IReadOnlyDictionary<SkillGroup, ResolvedSkill> resolved, SkillMaterializer materializer, string now, string projectFile, bool offline)
    {
        var entries = new Dictionary<string, (LockEntry Entry, SkillGroup Group)>(StringComparer.Ordinal);
        foreach (var group in plan.Groups)
        {
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

            if (entries.TryGetValue(entry.Name, out var clash) && clash.Group.Own is { } first && group.Own is { } second)
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

        return previous with { Skills = entries.Values.Select(e => e.Entry).OrderBy(e => e.Name, StringComparer.Ordinal).ToList() };
    }

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
