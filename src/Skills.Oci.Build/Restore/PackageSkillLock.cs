using NuGet.Versioning;
using Skills.Oci.Build.Diagnostics;

namespace Skills.Oci.Build.Restore;

/// <summary>
/// The package skills of the lock after this restore, beside the registry skills <see cref="LockBuilder"/>
/// built. One entry per skill name across the root: its requests are every live project that brings it
/// (each with the package version it resolved), its version the highest of them, so the result never
/// depends on which project restored last. Pure, like <see cref="LockBuilder"/>.
/// </summary>
internal static class PackageSkillLock
{
    /// <param name="packageSkills">This project's package skills; null when this run does not know them (before NuGet wrote the assets): its entries are carried as they are.</param>
    public static LockFile Merge(LockFile previous, LockFile registry, IReadOnlyList<PackageSkillInput>? packageSkills, string project, Func<string, bool> projectExists,
        SkillMaterializer materializer, string now, bool lockedMode, string projectFile, string lockPath)
    {
        var own = new Dictionary<string, PackageSkillInput>(StringComparer.Ordinal);
        foreach (var skill in packageSkills ?? [])
        {
            if (own.TryGetValue(skill.Name, out var first) && !SameId(first.Package.Id, skill.Package.Id))
            {
                throw Conflict(skill.Name, $"the package {first.Package}", $"the package {skill.Package}", projectFile);
            }

            // Two target frameworks may resolve two versions of one package: the highest wins, as in the root.
            if (first is null || skill.Package.SemanticVersion > first.Package.SemanticVersion)
            {
                own[skill.Name] = skill;
            }
        }

        var entries = registry.Skills.ToDictionary(e => e.Name, StringComparer.Ordinal);
        var locked = previous.Skills.Where(e => e.Source is NuGetLockSource).ToDictionary(e => e.Name, StringComparer.Ordinal);
        foreach (var name in locked.Keys.Union(own.Keys).Order(StringComparer.Ordinal))
        {
            var entry = locked.GetValueOrDefault(name);
            var lockedSource = entry?.Source as NuGetLockSource;
            var mine = own.GetValueOrDefault(name);
            var requests = (entry?.Requests ?? []).Where(r => r.Project != project && projectExists(r.Project)).ToList();
            if (mine is not null)
            {
                if (lockedSource is not null && requests.Count > 0 && !SameId(lockedSource.Package, mine.Package.Id))
                {
                    throw Conflict(name, $"the package {lockedSource.Package} (brought by {string.Join(", ", requests.Select(r => $"'{r.Project}'"))})", $"the package {mine.Package} (brought by '{project}')", projectFile);
                }

                requests.Add(new LockRequest(project, mine.Package.Version));
            }
            else if (packageSkills is null && entry?.Requests.FirstOrDefault(r => r.Project == project) is { } carried)
            {
                requests.Add(carried);
            }

            if (lockedMode)
            {
                CheckLocked(name, entry, mine, packageSkills is not null, project, lockPath);
            }

            if (requests.Count == 0)
            {
                // The last project that brought it no longer does: the entry (and its folder) goes.
                continue;
            }

            requests.Sort(LockRequest.CompareByProject);
            var version = requests.Select(r => NuGetVersion.TryParse(r.Version, out var v) ? v : null).OfType<NuGetVersion>().Max()!;
            var source = new NuGetLockSource(mine?.Package.Id ?? lockedSource!.Package, version.ToNormalizedString(), NuGet.NupkgSkillFolder.PathOf(name));
            if (entries.TryGetValue(name, out var reference))
            {
                if (reference.Requests.Any(r => r.Override))
                {
                    // The user chose the SkillReference explicitly: the package's skill is not installed.
                    continue;
                }

                throw new SkillsOciException(ErrorCodes.PackageSkillReferenceConflict,
                    $"Two sources for the skill '{name}': the SkillReference {reference.Source.Ref} (asked by {string.Join(", ", reference.Projects.Select(p => $"'{p}'"))}) and the package {source.Package} {source.Version} ({source.Path}). Set Override=\"true\" on the SkillReference to use it instead of the package's skill, or exclude the package's skills with IncludeSkills=\"false\" or a SkillPackageExclude item.",
                    projectFile);
            }

            var same = entry is not null && lockedSource!.PinsSameContentAs(source);
            entries[name] = new LockEntry
            {
                Name = name,
                Path = LockEntry.PrimaryPath(name),
                Source = source,
                InstalledAt = same ? entry!.InstalledAt : now,
                Requests = requests,
                VerifiedBy = same ? entry!.VerifiedBy : null,
                ContentDigest = same ? entry!.ContentDigest : null,
                Scan = same ? entry!.Scan : null,
                AdditionalPaths = materializer.LinkPathsFor(name).Order(StringComparer.Ordinal).ToList(),
            };
        }

        return registry with { Skills = entries.Values.OrderBy(e => e.Name, StringComparer.Ordinal).ToList() };
    }

    /// <summary>
    /// The no-op test for package skills: the lock already records exactly this project's package skills,
    /// at the versions it resolved, and each is installed. Not used in locked mode, which always compares
    /// the package folders with the recorded content.
    /// </summary>
    public static bool IsCurrent(LockFile? lockFile, IReadOnlyList<PackageSkillInput> packageSkills, string project, SkillMaterializer materializer)
    {
        var own = packageSkills.GroupBy(s => s.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.MaxBy(s => s.Package.SemanticVersion)!, StringComparer.Ordinal);
        if (lockFile is null)
        {
            return own.Count == 0;
        }

        var brought = lockFile.Skills.Where(e => e.Source is NuGetLockSource && e.Projects.Contains(project, StringComparer.Ordinal)).Select(e => e.Name);
        return !brought.Except(own.Keys, StringComparer.Ordinal).Any() && own.Values.All(skill => lockFile.Find(skill.Name) switch
        {
            { Source: NuGetLockSource source } entry => SameId(source.Package, skill.Package.Id) &&
                entry.Requests.Contains(new LockRequest(project, skill.Package.Version)) && materializer.IsMaterialized(entry.Name),
            { Source: RegistryLockSource } reference => reference.Requests.Any(r => r.Override),
            _ => false,
        });
    }

    /// <summary>Locked mode: this project brings exactly the package skills, at the versions, the lock records for it.</summary>
    private static void CheckLocked(string name, LockEntry? entry, PackageSkillInput? mine, bool known, string project, string lockPath)
    {
        if (!known)
        {
            return;
        }

        var lockedRequest = entry?.Requests.FirstOrDefault(r => r.Project == project);
        if (mine is not null && lockedRequest is not null && lockedRequest.Version != mine.Package.Version)
        {
            throw new SkillsOciException(ErrorCodes.PackageSkillVersionChanged,
                $"Locked mode is on and the skill '{name}' is locked from {((NuGetLockSource)entry!.Source).Package} {lockedRequest.Version} for '{project}', but NuGet resolved {mine.Package}. Restore without locked mode and commit {LockFile.FileName}, or reference the locked version.",
                lockPath);
        }

        if ((mine is null) != (lockedRequest is null))
        {
            var change = mine is null ? "would be removed (no package of this project brings it any more)" : $"is not locked (the package {mine.Package} brings it)";
            throw new SkillsOciException(ErrorCodes.LockedModeChange,
                $"Locked mode is on (SkillsLockedMode or RestoreLockedMode) and the lock would change: the package skill '{name}' {change}. Restore without locked mode and commit {LockFile.FileName}.",
                lockPath);
        }
    }

    private static bool SameId(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    private static SkillsOciException Conflict(string name, string first, string second, string projectFile) =>
        new(ErrorCodes.PackageSkillConflict,
            $"Two packages provide the skill '{name}': {first} and {second}. Exclude one package's skills with IncludeSkills=\"false\" on its PackageReference or a SkillPackageExclude item.",
            projectFile);
}
