using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.NuGet;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Packaging;
using Skills.Oci.Build.Restore;

namespace Skills.Oci.Build.Hosting;

/// <summary>The package skills of one project, checked, or every refusal.</summary>
public sealed record CollectedPackageSkills(IReadOnlyList<PackageSkillInput> Skills, IReadOnlyList<Diagnostic> Diagnostics);

/// <summary>
/// From a project's project.assets.json to the package skills restore installs: every package of every
/// target framework's graph (direct or transitive) but the excluded ones, each <c>skills/&lt;name&gt;/</c>
/// folder checked and written as a layer by <see cref="PackageSkillArchive"/>. Reads the packages
/// folders only.
/// </summary>
public static class PackageSkillCollector
{
    /// <param name="excludes">Package id patterns (<c>*</c> any run of characters), case-insensitive like NuGet ids.</param>
    public static async Task<CollectedPackageSkills> CollectAsync(string assetsPath, bool enabled, IReadOnlyList<string> excludes, OciLimits limits, CancellationToken cancellationToken)
    {
        if (!enabled)
        {
            return new CollectedPackageSkills([], []);
        }

        var assets = await ProjectAssetsFile.ReadAsync(assetsPath, cancellationToken).ConfigureAwait(false);
        var patterns = excludes.Select(e => e.Trim()).Where(e => e.Length > 0).Select(e => new PackageIdPattern(e)).ToList();
        var skills = new List<PackageSkillInput>();
        var diagnostics = new List<Diagnostic>();
        foreach (var package in assets.Packages.Where(p => !patterns.Any(r => r.Matches(p.Identity.Id))))
        {
            if (PackageSkillFolders.Locate(package, assets.PackageFolders) is not { } folder)
            {
                continue;
            }

            foreach (var skill in PackageSkillFolders.Find(package.Identity, folder))
            {
                var layer = await PackageSkillArchive.CreateAsync(skill, limits, diagnostics, cancellationToken).ConfigureAwait(false);
                if (layer is not null)
                {
                    skills.Add(new PackageSkillInput(skill, folder, layer));
                }
            }
        }

        return new CollectedPackageSkills(skills, diagnostics);
    }

    /// <summary>
    /// The package skills a lock records, from a packages folder (the global packages folder for
    /// <c>skills-oci sync</c>, which has no project graph): each entry's package folder, when present,
    /// checked as on restore. An absent package is simply not returned (sync warns and skips it).
    /// </summary>
    public static async Task<CollectedPackageSkills> ForLockAsync(LockFile lockFile, string packagesFolder, OciLimits limits, CancellationToken cancellationToken)
    {
        var skills = new List<PackageSkillInput>();
        var diagnostics = new List<Diagnostic>();
        foreach (var entry in lockFile.Skills.Where(e => e.HasStandardPath))
        {
            if (entry.Source is not NuGetLockSource source || !PackageIdentity.TryCreate(source.Package, source.Version, out var identity) ||
                PackageSkillFolders.Locate(new ResolvedPackage(identity!, identity!.FolderPath), [packagesFolder]) is not { } folder ||
                PackageSkillFolders.Find(identity, folder).FirstOrDefault(f => f.Name == entry.Name) is not { } skill)
            {
                continue;
            }

            var layer = await PackageSkillArchive.CreateAsync(skill, limits, diagnostics, cancellationToken).ConfigureAwait(false);
            if (layer is not null)
            {
                skills.Add(new PackageSkillInput(skill, folder, layer));
            }
        }

        return new CollectedPackageSkills(skills, diagnostics);
    }
}
