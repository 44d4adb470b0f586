using System.Runtime.InteropServices;
using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Format;
using Skills.Oci.Build.Oci;

namespace Skills.Oci.Build.Restore;

/// <summary>
/// Stages the package skills of the new lock into the same transaction as the registry skills: each
/// layer (written from the package folder by <c>PackageSkillArchive</c>) is extracted with the
/// registry's extraction rules, its tree digest compared with the lock's <c>contentDigest</c> (a
/// package version's content never changes, so a difference is a tampered package folder), and the
/// folder installed when it is new, changed or missing. The global packages folder is only read.
/// </summary>
internal sealed class PackageSkillStager(InstallTransaction transaction, SkillMaterializer materializer, PackageSkillTrust trust, SkillRestoreOptions options, SkillRestoreRequest request, List<Diagnostic> diagnostics)
{
    /// <summary>The content scan each package skill this restore installs passes first; off unless the restore sets it.</summary>
    public SkillScanGate Scan { get; init; } = SkillScanGate.Off;

    /// <summary>Lines for detailed logs: accepted and info findings.</summary>
    public List<string> Messages { get; } = [];

    /// <returns>The lock with the content digests recorded, the names installed, or null when a skill was refused (nothing may be committed).</returns>
    public async Task<(LockFile Lock, IReadOnlySet<string> Installed)?> StageAsync(LockFile previous, LockFile desired, IReadOnlyList<PackageSkillInput>? packageSkills, CancellationToken cancellationToken)
    {
        var installed = new HashSet<string>(StringComparer.Ordinal);
        var records = new Dictionary<string, (string? VerifiedBy, Digest ContentDigest, Security.ScanRecord? Scan)>(StringComparer.Ordinal);
        var failed = false;
        foreach (var entry in desired.Skills.Where(e => e.HasStandardPath && e.Source is NuGetLockSource))
        {
            var source = (NuGetLockSource)entry.Source;
            var old = previous.Find(entry.Name);
            var changed = old is null || !old.Source.PinsSameContentAs(source);
            var input = packageSkills?.FirstOrDefault(s => s.Provides(source));
            if (input is null)
            {
                if (packageSkills is not null && (changed || !materializer.IsPresent(entry.Name)))
                {
                    // Another project of the root resolved this version; its package is not on this machine.
                    diagnostics.Add(Diagnostic.Warning(ErrorCodes.PackageFolderMissing,
                        $"The package skill '{entry.Name}' is locked from {source.Package} {source.Version}, which is not in the packages folder, so it was not installed (the other skills were). Restore a project that references that version.",
                        request.ProjectPath));
                }

                continue;
            }

            var ownFolder = Path.Combine(transaction.Folder, "nuget-" + entry.Name);
            string staged;
            await using (var layer = LayerStream(input.Layer))
            {
                staged = await SkillArchiveExtractor.ExtractAsync(layer, entry.Name, ownFolder, options.Limits, source.Ref, cancellationToken).ConfigureAwait(false);
            }

            var folder = Path.Combine(staged, entry.Name);
            var digest = (await SkillTree.FromFolderAsync(folder, cancellationToken).ConfigureAwait(false)).Digest;
            var expected = !changed ? old!.ContentDigest : null;
            if (expected is { } recorded && recorded != digest)
            {
                diagnostics.Add(Diagnostic.Error(ErrorCodes.PackageSkillContentChanged,
                    $"The package skill '{entry.Name}' is locked from {source.Package} {source.Version} with contentDigest {recorded}, but the package folder '{input.PackageFolder}' now holds content {digest}; nothing was installed. A package version's content never changes: delete that package folder and restore again to get the published package back.",
                    input.Skill.FullPath));
                failed = true;
                continue;
            }

            string? verifiedBy;
            try
            {
                verifiedBy = await trust.VerifyAsync(input, old, cancellationToken).ConfigureAwait(false);
            }
            catch (SkillsOciException refused)
            {
                // Every refused package is reported; none of this restore's changes is committed.
                diagnostics.Add(refused.Diagnostic);
                failed = true;
                continue;
            }

            Security.ScanRecord? scanned = null;
            if (changed || !materializer.IsPresent(entry.Name))
            {
                if (await Scan.ScanAsync(entry, desired, folder, cancellationToken).ConfigureAwait(false) is { } scan)
                {
                    diagnostics.AddRange(scan.Diagnostics);
                    Messages.AddRange(scan.Messages.Select(m => "Scan: " + m));
                    if (scan.Blocked)
                    {
                        failed = true;
                        continue;
                    }

                    scanned = scan.Record;
                }

                materializer.CheckDestination(entry.Name, managed: old is not null && old.HasStandardPath);
                transaction.Install(entry.Name, folder);
                installed.Add(entry.Name);
            }

            records[entry.Name] = (verifiedBy, digest, scanned);

            materializer.CheckLinks(entry.Name, (old?.AdditionalPaths ?? []).ToHashSet(StringComparer.Ordinal));
        }

        if (failed)
        {
            return null;
        }

        var result = desired with
        {
            Skills = desired.Skills.Select(e => records.TryGetValue(e.Name, out var record)
                ? e with { VerifiedBy = record.VerifiedBy, ContentDigest = record.ContentDigest, Scan = record.Scan ?? e.Scan }
                : e).ToList(),
        };
        return (result, installed);
    }

    /// <summary>A read-only stream over the layer's own bytes: no second copy of a skill held in memory.</summary>
    private static MemoryStream LayerStream(ReadOnlyMemory<byte> layer) =>
        MemoryMarshal.TryGetArray(layer, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(layer.ToArray(), writable: false);
}
