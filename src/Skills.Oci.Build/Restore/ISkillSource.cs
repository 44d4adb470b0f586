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
}
