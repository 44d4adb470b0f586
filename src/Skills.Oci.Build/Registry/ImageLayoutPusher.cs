using Skills.Oci.Build.Oci;

namespace Skills.Oci.Build.Registry;

/// <summary>What one push did, for the summary line and the task's output item.</summary>
public sealed record LayoutPushResult(ImageReference Reference, Descriptor Manifest, IReadOnlyList<string> Tags, int BlobsUploaded, int BlobsSkipped, long BytesUploaded);

/// <summary>
/// Pushes a manifest from an OCI image layout to a repository: blobs first (those the registry
/// already has are skipped), the manifest last, so a failure never leaves a tag pointing at
/// incomplete content. Every tag receives the same manifest bytes, so all resolve to one digest.
/// </summary>
public sealed class ImageLayoutPusher(RegistryClient client)
{
    public async Task<LayoutPushResult> PushAsync(
        OciImageLayout layout,
        string layoutTag,
        ImageReference repository,
        IReadOnlyList<string> tags,
        IProgress<string>? progress = null,
        CancellationToken cancellationToken = default)
    {
        if (tags.Count == 0)
        {
            throw new ArgumentException("At least one tag is needed.", nameof(tags));
        }

        var manifestDescriptor = await layout.ResolveAsync(layoutTag, cancellationToken).ConfigureAwait(false)
            ?? throw new RegistryException(RegistryErrorKind.NotFound, $"The image layout '{layout.Root}' has no manifest tagged '{layoutTag}'.");
        var manifestBytes = await layout.ReadBlobAsync(manifestDescriptor, client.Options.Limits.MaxManifestBytes, cancellationToken).ConfigureAwait(false);
        var manifest = OciManifest.Parse(manifestBytes);

        var uploaded = 0;
        var skipped = 0;
        long bytes = 0;
        foreach (var blob in new[] { manifest.Config! }.Concat(manifest.Layers ?? []))
        {
            var result = await client.PushBlobAsync(
                repository,
                blob,
                _ => Task.FromResult(layout.OpenBlob(blob)),
                cancellationToken: cancellationToken).ConfigureAwait(false);
            if (result == BlobPushResult.Uploaded)
            {
                uploaded++;
                bytes += blob.Size;
                progress?.Report($"uploaded {blob.Digest} ({blob.Size} bytes)");
            }
            else
            {
                skipped++;
                progress?.Report($"{blob.Digest} already in {repository.RepositoryName} ({result})");
            }
        }

        foreach (var tag in tags)
        {
            await client.PushManifestAsync(repository, tag, manifestBytes, manifestDescriptor.MediaType, cancellationToken).ConfigureAwait(false);
            progress?.Report($"tagged {repository.RepositoryName}:{tag}");
        }

        return new LayoutPushResult(
            repository.WithTag(tags[0]).WithDigest(manifestDescriptor.Digest),
            manifestDescriptor,
            tags,
            uploaded,
            skipped,
            bytes);
    }
}
