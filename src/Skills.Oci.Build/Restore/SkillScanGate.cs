using System.Collections.Concurrent;
using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Security;

namespace Skills.Oci.Build.Restore;

/// <summary>
/// The content scan at restore: scans each skill folder where it is staged, before anything is
/// committed, and applies <c>SkillsSecurityMode</c> and the allow list of the reference that brought
/// the skill (a collection's members take their collection reference's; a package skill its
/// <c>PackageReference</c>'s). Diagnostics name the file where it will be installed. Thread-safe:
/// skills are staged in parallel.
/// </summary>
public sealed class SkillScanGate
{
    private readonly IReadOnlyDictionary<string, FindingAllowList> _byRepository;
    private readonly IReadOnlyDictionary<string, FindingAllowList> _byPackage;
    private readonly string _root;
    private readonly ConcurrentDictionary<string, ScannedSkill> _scanned = new(StringComparer.Ordinal);

    private SkillScanGate(SecurityMode mode, string root, IReadOnlyDictionary<string, FindingAllowList> byRepository, IReadOnlyDictionary<string, FindingAllowList> byPackage)
    {
        Mode = mode;
        _root = root;
        _byRepository = byRepository;
        _byPackage = byPackage;
    }

    /// <summary>No scan (<c>SkillsSecurityMode=off</c>, and installs from the lock alone: <c>skills-oci sync</c>).</summary>
    public static SkillScanGate Off { get; } = new(SecurityMode.Off, string.Empty, new Dictionary<string, FindingAllowList>(), new Dictionary<string, FindingAllowList>());

    public SecurityMode Mode { get; }

    /// <summary>Every skill scanned so far, for the SARIF report.</summary>
    public IReadOnlyList<ScannedSkill> Scanned => _scanned.Values.OrderBy(s => s.Name, StringComparer.Ordinal).ToList();

    /// <summary>Reads the allow lists of this project's references and packages; an incomplete one is SKOCI5190 before anything is fetched.</summary>
    public static SkillScanGate Create(SkillRestoreRequest request, SkillRestoreOptions options, IReadOnlyList<SkillRequest> requests)
    {
        if (options.SecurityMode == SecurityMode.Off)
        {
            return Off;
        }

        var byRepository = new Dictionary<string, FindingAllowList>(StringComparer.Ordinal);
        foreach (var reference in requests)
        {
            var allow = FindingAllowList.FromMetadata(reference.Item.Metadata, $"The SkillReference '{reference.Item.Include}'", request.ProjectPath);
            if (allow.Entries.Count > 0)
            {
                byRepository[$"{reference.Repository.Registry}/{reference.Repository.Repository}"] = allow;
            }
        }

        return new SkillScanGate(options.SecurityMode, request.Root, byRepository, options.PackageAllowLists);
    }

    /// <summary>The allow list that applies to a lock entry.</summary>
    public FindingAllowList AllowListFor(LockEntry entry, LockFile desired)
    {
        switch (entry.Source)
        {
            case RegistryLockSource registry when _byRepository.TryGetValue(registry.RepositoryKey, out var own):
                return own;
            case RegistryLockSource when entry.Collection is { } name && desired.FindCollection(name) is { } collection &&
                                         _byRepository.TryGetValue(collection.Source.RepositoryKey, out var inherited):
                return inherited;
            case NuGetLockSource package when _byPackage.TryGetValue(package.Package, out var fromPackage):
                return fromPackage;
            default:
                return FindingAllowList.None;
        }
    }

    /// <summary>Scans a staged skill folder; null when the mode is off.</summary>
    public async Task<ScanVerdict?> ScanAsync(LockEntry entry, LockFile desired, string stagedFolder, CancellationToken cancellationToken)
    {
        if (Mode == SecurityMode.Off)
        {
            return null;
        }

        var result = await SkillContentScanner.ScanFolderAsync(stagedFolder, cancellationToken).ConfigureAwait(false);
        var allow = AllowListFor(entry, desired);
        _scanned[entry.Name] = new ScannedSkill(entry.Name, entry.Path, result, allow);
        var installed = Path.Combine(_root, entry.Path);
        return ScanEvaluator.Evaluate(entry.Name, result, Mode, allow, file => Path.Combine(installed, file.Replace('/', Path.DirectorySeparatorChar)));
    }

    /// <summary>Writes the SARIF report of what this restore scanned (paths relative to the skills root); nothing when no path is set.</summary>
    public Task WriteSarifAsync(string? path, CancellationToken cancellationToken) =>
        path is null || Mode == SecurityMode.Off ? Task.CompletedTask : SarifReport.WriteAsync(path, _root, Scanned, cancellationToken);
}
