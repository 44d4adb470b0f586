using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.FileSystem;
using Skills.Oci.Build.Format;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Security;

namespace Skills.Oci.Build.Restore;

/// <summary>One skill scanned without installing it: its name, what was scanned (a reference with its digest, or a folder) and the findings.</summary>
public sealed record ScannedReference(string Name, string Display, SkillScanResult Result);

/// <summary>
/// <c>skills-oci scan REFERENCE</c>: pulls one skill as restore does (manifest, config and layer
/// checked against their digests and the artifact rules, through the cache), extracts it into a
/// temporary folder with restore's archive rules, scans it and deletes the folder. No lock, no skill
/// folder, no link is touched.
/// </summary>
public static class SkillReferenceScan
{
    public static async Task<ScannedReference> ScanAsync(string reference, ISkillSource source, string? cachePath, OciLimits limits, CancellationToken cancellationToken)
    {
        if (!ImageReference.TryParse(reference.Trim(), out var parsed, out var problem))
        {
            throw new SkillsOciException(ErrorCodes.InvalidSkillReference, $"'{reference}' is neither a folder nor a valid OCI reference: {problem.TrimEnd('.')}. Give a skill folder, or REGISTRY/REPOSITORY:TAG or @sha256:DIGEST.");
        }

        var target = parsed!.Digest is null && parsed.Tag is null ? ImageReference.Create(parsed.Registry, parsed.Repository, tag: "latest") : parsed;
        var repository = ImageReference.Create(target.Registry, target.Repository);
        var descriptor = await source.ResolveAsync(target, cancellationToken).ConfigureAwait(false);
        var reader = new SkillContentReader(new SkillCache(cachePath is { Length: > 0 } ? Path.GetFullPath(cachePath) : SkillCache.DefaultPath()), source, limits);
        var display = $"{repository}@{descriptor.Digest}";
        var artifact = await reader.ReadArtifactAsync(repository, descriptor.Digest, descriptor, display, cancellationToken).ConfigureAwait(false)
            ?? throw new SkillsOciException(ErrorCodes.InvalidSkillReference, $"{display} could not be read.");
        var staging = Path.Combine(Path.GetTempPath(), "skills-oci-scan-" + TempName.NewId());
        try
        {
            var layer = await reader.ReadLayerAsync(artifact, (stream, ct) => SkillArchiveExtractor.ExtractAsync(stream, artifact.Name, staging, limits, display, ct), cancellationToken).ConfigureAwait(false)
                ?? throw new SkillsOciException(ErrorCodes.InvalidSkillReference, $"The content of {display} could not be read.");
            var result = await SkillContentScanner.ScanFolderAsync(Path.Combine(layer.Result, artifact.Name), cancellationToken).ConfigureAwait(false);
            return new ScannedReference(artifact.Name, display, result);
        }
        finally
        {
            DirectoryTree.Delete(staging);
        }
    }
}
