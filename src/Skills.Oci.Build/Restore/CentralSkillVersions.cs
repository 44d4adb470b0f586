using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Oci;

namespace Skills.Oci.Build.Restore;

/// <summary>One <c>SkillVersion</c> item as MSBuild hands it over: the repository, its Version, and the file that declares it.</summary>
public sealed record SkillVersionItem(string Include, string? Version, string? DeclaringFile = null);

/// <summary>
/// Central skill versions, as NuGet's central package management does it for packages: with
/// <c>ManageSkillVersionsCentrally</c>, <c>SkillVersion</c> items (usually in Directory.Packages.props)
/// set the version of each repository, and a <c>SkillReference</c> names only the repository. A
/// reference that sets <c>Version</c> is refused (<see cref="ErrorCodes.CentralVersionNotAllowed"/>)
/// unless it says <c>VersionOverride</c>; one with no central version is refused naming the file to
/// add it to (<see cref="ErrorCodes.CentralVersionMissing"/>). Repositories match by their canonical
/// name (<see cref="ImageReference"/>: <c>docker.io/library</c>, the registry host's case), so
/// <c>pdf</c>, <c>docker.io/pdf</c> and <c>docker.io/library/pdf</c> are one repository.
/// Applied at the edge, per project: each project's references come out with their Version filled
/// in, so the root's lock records, unions and compares them as if they had been written there.
/// </summary>
public sealed class CentralSkillVersions
{
    /// <summary>Where NuGet looks for central versions, and where we tell users to add theirs.</summary>
    public const string PropsFileName = "Directory.Packages.props";

    /// <summary>The metadata that sets a project's own version despite central management, as NuGet's.</summary>
    public const string OverrideMetadata = "VersionOverride";

    private readonly Dictionary<string, string> _versions;

    private CentralSkillVersions(Dictionary<string, string> versions, string propsPath)
    {
        _versions = versions;
        PropsPath = propsPath;
    }

    /// <summary>The Directory.Packages.props the project uses, or the one it would use: where a missing version goes.</summary>
    public string PropsPath { get; }

    /// <summary>The repositories with a central version, canonical <c>registry/repository</c>, sorted.</summary>
    public IReadOnlyList<string> Repositories => _versions.Keys.Order(StringComparer.Ordinal).ToList();

    /// <summary>
    /// <c>ManageSkillVersionsCentrally</c> when set, else <c>ManagePackageVersionsCentrally</c>: a repository
    /// that manages package versions centrally manages skill versions the same way unless it says otherwise.
    /// </summary>
    public static bool IsEnabled(string? manageSkillVersionsCentrally, string? managePackageVersionsCentrally) =>
        string.IsNullOrWhiteSpace(manageSkillVersionsCentrally)
            ? IsTrue(managePackageVersionsCentrally)
            : IsTrue(manageSkillVersionsCentrally);

    /// <summary>
    /// The central file as NuGet finds it: <c>$(DirectoryPackagesPropsPath)</c> when set, else the nearest
    /// Directory.Packages.props above the project; with none, the one to create at <paramref name="fallbackFolder"/>
    /// (the repository root).
    /// </summary>
    public static string LocatePropsFile(string? directoryPackagesPropsPath, string projectDirectory, string fallbackFolder)
    {
        if (!string.IsNullOrWhiteSpace(directoryPackagesPropsPath))
        {
            return Path.GetFullPath(directoryPackagesPropsPath.Trim(), projectDirectory);
        }

        for (var folder = new DirectoryInfo(Path.GetFullPath(projectDirectory)); folder is not null; folder = folder.Parent)
        {
            var candidate = Path.Combine(folder.FullName, PropsFileName);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return Path.Combine(Path.GetFullPath(fallbackFolder), PropsFileName);
    }

    /// <summary>
    /// Reads the <c>SkillVersion</c> items. Each malformed or repeated item is a diagnostic at the file that
    /// declares it; the valid ones still apply, so one bad line does not hide every other problem.
    /// </summary>
    public static CentralSkillVersions Create(IEnumerable<SkillVersionItem> items, string propsPath, ICollection<Diagnostic> diagnostics)
    {
        var versions = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            var file = item.DeclaringFile ?? propsPath;
            var include = item.Include.Trim();
            if (!ImageReference.TryParse(include, out var reference, out var error))
            {
                diagnostics.Add(Diagnostic.Error(ErrorCodes.SkillVersionInvalid,
                    $"The SkillVersion '{item.Include}' is not a repository reference: {error.TrimEnd('.')}. Write it as REGISTRY/REPOSITORY, as in the SkillReference items.", file));
                continue;
            }

            if (reference!.Tag is not null || reference.Digest is not null)
            {
                diagnostics.Add(Diagnostic.Error(ErrorCodes.SkillVersionInvalid,
                    $"The SkillVersion '{item.Include}' names a tag or digest in its Include. Write the repository alone and put the version in Version=\"...\".", file));
                continue;
            }

            var version = item.Version?.Trim();
            if (string.IsNullOrEmpty(version))
            {
                diagnostics.Add(Diagnostic.Error(ErrorCodes.SkillVersionInvalid,
                    $"The SkillVersion '{item.Include}' has no Version. Add Version=\"1.0.0\" (a minimum, a range or a tag, as on a SkillReference).", file));
                continue;
            }

            if (!VersionSpec.TryParse(version, out _, out var specError))
            {
                diagnostics.Add(Diagnostic.Error(ErrorCodes.SkillVersionInvalid,
                    $"The SkillVersion '{item.Include}' has an invalid Version '{version}': {specError.TrimEnd('.')}.", file));
                continue;
            }

            var key = Key(reference);
            if (versions.TryGetValue(key, out var first))
            {
                diagnostics.Add(Diagnostic.Error(ErrorCodes.SkillVersionDuplicate,
                    $"The SkillVersion '{item.Include}' (Version {version}) names {key}, which an earlier SkillVersion already sets to {first}. Keep one of them.", file));
                continue;
            }

            versions.Add(key, version);
        }

        return new CentralSkillVersions(versions, propsPath);
    }

    /// <summary>The central version of a repository (any tag or digest ignored); null when it has none.</summary>
    public string? Find(ImageReference repository) => _versions.GetValueOrDefault(Key(repository));

    /// <summary>The canonical <c>registry/repository</c>: a host name has no case, the repository is lower case already.</summary>
    private static string Key(ImageReference reference) =>
        $"{RegistryNames.CanonicalRegistry(reference.Registry.ToLowerInvariant())}/{reference.Repository}";

    /// <summary>
    /// Each reference with its version as the restore should see it: the central one, or its
    /// <c>VersionOverride</c>. A reference that pins a tag or digest in its Include is its own version and
    /// passes as written; one that is not a valid reference passes too, for the restore's own error
    /// (<see cref="SkillRequest.Parse"/>). Problems are diagnostics at <paramref name="projectFile"/> that
    /// quote the Include, so the task can point them at the declaring line.
    /// </summary>
    public IReadOnlyList<SkillReferenceItem> Apply(IReadOnlyList<SkillReferenceItem> references, string projectFile, ICollection<Diagnostic> diagnostics)
    {
        var result = new List<SkillReferenceItem>(references.Count);
        foreach (var item in references)
        {
            var overridden = item.Metadata?.FirstOrDefault(p => string.Equals(p.Key, OverrideMetadata, StringComparison.OrdinalIgnoreCase)).Value?.Trim();
            if (!ImageReference.TryParse(item.Include?.Trim(), out var reference, out _) || reference!.Tag is not null || reference.Digest is not null)
            {
                result.Add(item);
                continue;
            }

            if (!string.IsNullOrWhiteSpace(item.Version))
            {
                diagnostics.Add(Diagnostic.Error(ErrorCodes.CentralVersionNotAllowed,
                    $"The SkillReference '{item.Include}' sets Version=\"{item.Version.Trim()}\", but skill versions are managed centrally (ManageSkillVersionsCentrally) in {PropsPath}. " +
                    $"Remove Version and set it there with <SkillVersion Include=\"{reference.RepositoryName}\" Version=\"{item.Version.Trim()}\" />, or write VersionOverride=\"{item.Version.Trim()}\" to keep this project's own version.",
                    projectFile));
                continue;
            }

            if (!string.IsNullOrEmpty(overridden))
            {
                result.Add(item with { Version = overridden });
                continue;
            }

            if (Find(reference) is { } central)
            {
                result.Add(item with { Version = central });
                continue;
            }

            diagnostics.Add(Diagnostic.Error(ErrorCodes.CentralVersionMissing,
                $"The SkillReference '{item.Include}' has no central version: skill versions are managed centrally (ManageSkillVersionsCentrally). " +
                $"Add <SkillVersion Include=\"{reference.RepositoryName}\" Version=\"1.0.0\" /> to {PropsPath}, or write VersionOverride=\"...\" on the reference.",
                projectFile));
        }

        return result;
    }

    private static bool IsTrue(string? value) => string.Equals(value?.Trim(), "true", StringComparison.OrdinalIgnoreCase);
}
