using Skills.Oci.Build.Oci;

namespace Skills.Oci.Build.Restore;

/// <summary>
/// Where restore gets skills from: the few read operations it needs from a registry. The registry
/// client implements it through an adapter; an OCI image layout folder implements it for offline
/// mirrors and tests. Implementations return raw, unverified bytes: restore checks every digest,
/// size and limit itself, so a source needs no trust.
/// </summary>
public interface ISkillSource
{
    /// <summary>The tags of <paramref name="repository"/> (registry and repository; tag and digest ignored).</summary>
    Task<IReadOnlyList<string>> ListTagsAsync(ImageReference repository, CancellationToken cancellationToken);

    /// <summary>
    /// The manifest descriptor (media type, digest, size) a tag or digest reference points at, without
    /// its body, so limits apply before anything large is read.
    /// </summary>
    Task<Descriptor> ResolveAsync(ImageReference reference, CancellationToken cancellationToken);

    /// <summary>Opens the manifest body; the caller verifies it against <paramref name="manifest"/>.</summary>
    Task<Stream> FetchManifestAsync(ImageReference repository, Descriptor manifest, CancellationToken cancellationToken);

    /// <summary>Opens a blob (config or layer); the caller verifies it against <paramref name="blob"/>.</summary>
    Task<Stream> FetchBlobAsync(ImageReference repository, Descriptor blob, CancellationToken cancellationToken);

    /// <summary>
    /// The manifest a tag points at, its descriptor and its bytes. A registry answers both with one GET
    /// (a HEAD first would only add a round trip, since the body is needed anyway); the default asks for
    /// the descriptor first, then the body, each within the limits.
    /// </summary>
    async Task<(Descriptor Descriptor, byte[] Bytes)> FetchTaggedManifestAsync(ImageReference reference, OciLimits limits, CancellationToken cancellationToken)
    {
        var descriptor = await ResolveAsync(reference, cancellationToken).ConfigureAwait(false);
        if (descriptor.Size > limits.MaxManifestBytes)
        {
            return (descriptor, []);
        }

        await using var verifying = new VerifyingReadStream(await FetchManifestAsync(reference, descriptor, cancellationToken).ConfigureAwait(false), descriptor.Digest, descriptor.Size) { Source = reference.ToString() };
        return (descriptor, await verifying.ReadAllAsync(cancellationToken).ConfigureAwait(false));
    }
}
