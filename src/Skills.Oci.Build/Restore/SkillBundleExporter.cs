using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.FileSystem;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Trust.Signatures;

namespace Skills.Oci.Build.Restore;

/// <summary>What <c>ExportSkills</c> and <c>skills-oci export</c> ask for.</summary>
public sealed record SkillExportRequest
{
    /// <summary>The lock whose registry skills are exported (every project's).</summary>
    public required string LockFilePath { get; init; }

    /// <summary>The bundle folder; replaced as a whole, so a failed export leaves the previous one.</summary>
    public required string ExportPath { get; init; }

    /// <summary>The per-user cache read first (null: the default), so a warm machine exports without the network.</summary>
    public string? CachePath { get; init; }

    public OciLimits Limits { get; init; } = OciLimits.Default;
}

public sealed record SkillExportResult(string Path, int Skills, int WithSignatures)
{
    public string Summary => $"Exported {Skills} skill{(Skills == 1 ? string.Empty : "s")} ({WithSignatures} with signatures) to '{Path}'.";
}

/// <summary>
/// Writes every registry skill of a lock (manifest, config, layer, and the signatures and attestations
/// found for it) into one OCI image layout that <see cref="SkillBundleSource"/> restores from with no
/// network. Content comes through <see cref="SkillContentReader"/> (cache first, every byte verified
/// against the lock's digest); the bundle is staged beside its destination and swapped in whole.
/// Package skills are not exported: they travel in their NuGet packages.
/// </summary>
public static class SkillBundleExporter
{
    public static async Task<SkillExportResult> ExportAsync(SkillExportRequest request, ISkillSource source, CancellationToken cancellationToken)
    {
        var lockFile = await LockFile.ReadAsync(request.LockFilePath, cancellationToken).ConfigureAwait(false);
        var entries = lockFile?.Skills.Where(s => s.IsFromRegistry).Select(s => s.RegistrySource)
            .DistinctBy(s => s.PinnedReference.ToString()).ToList() ?? [];
        if (entries.Count == 0)
        {
            throw new SkillsOciException(ErrorCodes.ExportNothingLocked, lockFile is null
                ? $"There is no lock file at '{request.LockFilePath}' to export. Run 'dotnet restore' (or 'skills-oci install') first."
                : $"The lock '{request.LockFilePath}' pins no registry skill, so there is nothing to export.", request.LockFilePath);
        }

        var destination = Path.GetFullPath(request.ExportPath);
        Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
        var staged = TempName.Beside(destination);
        try
        {
            var bundle = new OciImageLayout(staged);
            await bundle.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
            var cache = new SkillCache(request.CachePath is { Length: > 0 } cachePath ? Path.GetFullPath(cachePath) : SkillCache.DefaultPath());
            var reader = new SkillContentReader(cache, source, request.Limits);
            var signed = 0;
            foreach (var entry in entries)
            {
                signed += await ExportOneAsync(entry, bundle, reader, source as ISkillSignatureSource, cancellationToken).ConfigureAwait(false) ? 1 : 0;
            }

            AtomicDirectory.Replace(staged, destination);
            return new SkillExportResult(destination, entries.Count, signed);
        }
        finally
        {
            if (Directory.Exists(staged))
            {
                DirectoryTree.Delete(staged);
            }
        }
    }

    private static async Task<bool> ExportOneAsync(RegistryLockSource entry, OciImageLayout bundle, SkillContentReader reader, ISkillSignatureSource? signatures, CancellationToken cancellationToken)
    {
        var pinned = entry.PinnedReference;
        var artifact = await reader.ReadArtifactAsync(entry.RepositoryReference, entry.Digest, null, pinned.ToString(), cancellationToken).ConfigureAwait(false)
            ?? throw new SkillsOciException(ErrorCodes.BundleMissingSkill, $"'{pinned}' could not be read for export.");
        await reader.ReadLayerAsync(artifact, async (stream, ct) =>
        {
            await bundle.WriteBlobAsync(artifact.Skill.Layer, stream, ct).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);
        await bundle.WriteBlobAsync(artifact.Skill.Config with { Data = null }, new MemoryStream(artifact.ConfigBytes, writable: false), cancellationToken).ConfigureAwait(false);
        await bundle.WriteBlobAsync(artifact.ManifestDescriptor, new MemoryStream(artifact.ManifestBytes, writable: false), cancellationToken).ConfigureAwait(false);

        var listed = artifact.ManifestDescriptor with { Annotations = null };
        await bundle.AddToIndexAsync(listed, SkillBundleSource.RefName(pinned), cancellationToken).ConfigureAwait(false);
        if (entry.Tag.Length > 0)
        {
            await bundle.AddToIndexAsync(listed, SkillBundleSource.RefName(entry.RepositoryReference.WithTag(entry.Tag)), cancellationToken).ConfigureAwait(false);
        }

        if (signatures is null)
        {
            return false;
        }

        // Saved even when empty: the bundle then says "checked: unsigned", as the cache does.
        var found = await signatures.FindSignaturesAsync(entry.RepositoryReference, entry.Digest, cancellationToken).ConfigureAwait(false);
        await SignatureSnapshot.SaveAsync(bundle, found, cancellationToken).ConfigureAwait(false);
        return !found.IsEmpty;
    }
}
