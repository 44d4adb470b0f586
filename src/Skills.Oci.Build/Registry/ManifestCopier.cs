using Skills.Oci.Build.Oci;

namespace Skills.Oci.Build.Registry;

/// <summary>What one copy did: the manifest copied, and how each of its blobs got there.</summary>
public sealed record ManifestCopyResult(Descriptor Manifest, int BlobsMounted, int BlobsUploaded, int BlobsPresent);

/// <summary>
/// Copies an image manifest and its blobs from one repository to another, by digest (no tag is
/// written): each blob is mounted when both repositories are on one registry, else streamed from the
/// source into the target (verified as it flows); the manifest goes last, so the target never holds
/// a manifest whose blobs are missing. An index whose children must live in its own repository
/// (distribution validates them) can then be pushed there.
/// </summary>
public sealed class ManifestCopier(RegistryClient client)
{
    public async Task<ManifestCopyResult> CopyAsync(ImageReference source, Descriptor manifest, ImageReference target, CancellationToken cancellationToken = default)
    {
        var content = await client.FetchManifestAsync(source, manifest, cancellationToken).ConfigureAwait(false);
        if (!MediaTypes.IsManifest(content.Descriptor.MediaType))
        {
            throw new RegistryException(RegistryErrorKind.Protocol, $"{source.RepositoryName}@{manifest.Digest} is a '{content.Descriptor.MediaType}', not an image manifest; only image manifests are copied.");
        }

        var parsed = OciManifest.Parse(content.Bytes);
        int mounted = 0, uploaded = 0, present = 0;
        foreach (var blob in new[] { parsed.Config! }.Concat(parsed.Layers ?? []).DistinctBy(b => b.Digest))
        {
            var result = await client.PushBlobAsync(
                target,
                blob,
                ct => client.FetchBlobAsync(source, blob, long.MaxValue, ct),
                mountFrom: source,
                cancellationToken: cancellationToken).ConfigureAwait(false);
            switch (result)
            {
                case BlobPushResult.Mounted: mounted++; break;
                case BlobPushResult.Uploaded: uploaded++; break;
                default: present++; break;
            }
        }

        await client.PushManifestAsync(target, manifest.Digest.ToString(), content.Bytes, content.Descriptor.MediaType, cancellationToken).ConfigureAwait(false);
        return new ManifestCopyResult(content.Descriptor, mounted, uploaded, present);
    }
}
