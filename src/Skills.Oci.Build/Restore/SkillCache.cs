using Skills.Oci.Build.Oci;

namespace Skills.Oci.Build.Restore;

/// <summary>
/// The per-user content cache: an OCI image layout holding verified manifests, configs and layers, so
/// a second project or a locked restore with a warm cache needs no source. Blobs are written through
/// a verifying stream into temporary files and moved into place (<see cref="OciImageLayout"/>), so
/// concurrent processes never see a partial blob; reads verify again.
/// </summary>
public sealed class SkillCache
{
    /// <summary>The environment variable that moves the cache (the MSBuild property SkillsCachePath wins over it).</summary>
    public const string EnvironmentVariable = "SKILLS_OCI_CACHE";

    public SkillCache(string root)
    {
        Layout = new OciImageLayout(root);
    }

    public OciImageLayout Layout { get; }

    public string Root => Layout.Root;

    /// <summary>Where blobs and their temporary files live.</summary>
    public string BlobFolder => Path.Combine(Root, "blobs", Digest.Sha256);

    /// <summary>
    /// <c>SKILLS_OCI_CACHE</c>, else <c>%LOCALAPPDATA%\skills-oci</c> on Windows, else
    /// <c>$XDG_CACHE_HOME/skills-oci</c> or <c>~/.cache/skills-oci</c>.
    /// </summary>
    public static string DefaultPath(Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        if (environment(EnvironmentVariable) is { Length: > 0 } configured)
        {
            return Path.GetFullPath(configured);
        }

        if (OperatingSystem.IsWindows())
        {
            return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "skills-oci");
        }

        if (environment("XDG_CACHE_HOME") is { Length: > 0 } xdg && Path.IsPathRooted(xdg))
        {
            return Path.Combine(xdg, "skills-oci");
        }

        return Path.Combine(environment("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "skills-oci");
    }

    public bool HasBlob(Descriptor descriptor) => Layout.HasBlob(descriptor);

    /// <summary>A file holds this digest but not with the descriptor's size: a damaged (or tampered) entry.</summary>
    public bool HasDamagedBlob(Descriptor descriptor) => !Layout.HasBlob(descriptor) && File.Exists(Layout.BlobPath(descriptor.Digest));

    /// <summary>
    /// A cached manifest by digest alone (the lock records no size): the file length is its size, and
    /// the read verifies the digest. Null when absent or over the limit.
    /// </summary>
    public async Task<(Descriptor Descriptor, byte[] Bytes)?> TryReadManifestAsync(Digest digest, long maxBytes, CancellationToken cancellationToken)
    {
        var file = new FileInfo(Layout.BlobPath(digest));
        if (!file.Exists || file.Length > maxBytes)
        {
            return null;
        }

        var descriptor = new Descriptor { MediaType = MediaTypes.OciManifest, Digest = digest, Size = file.Length };
        try
        {
            return (descriptor, await Layout.ReadBlobAsync(descriptor, maxBytes, cancellationToken).ConfigureAwait(false));
        }
        catch (RegistryException)
        {
            // A damaged or vanished cache entry is a miss: fetch again rather than fail.
            return null;
        }
    }

    public async Task<byte[]?> TryReadBlobAsync(Descriptor descriptor, long maxBytes, CancellationToken cancellationToken)
    {
        if (!Layout.HasBlob(descriptor))
        {
            return null;
        }

        try
        {
            return await Layout.ReadBlobAsync(descriptor, maxBytes, cancellationToken).ConfigureAwait(false);
        }
        catch (RegistryException)
        {
            return null;
        }
    }

    /// <summary>Stores a small verified blob (manifest, config).</summary>
    public async Task StoreAsync(Descriptor descriptor, byte[] content, CancellationToken cancellationToken)
    {
        await Layout.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        using var stream = new MemoryStream(content, writable: false);
        await Layout.WriteBlobAsync(descriptor, stream, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Streams a blob from an untrusted source into the cache; nothing is kept unless it verifies.</summary>
    public async Task StoreAsync(Descriptor descriptor, Stream content, CancellationToken cancellationToken)
    {
        await Layout.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        await Layout.WriteBlobAsync(descriptor, content, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Streams a blob from an untrusted source into the cache while <paramref name="consume"/> reads the
    /// same bytes; the blob is kept only when both succeeded and it verified (<see cref="OciImageLayout.WriteBlobWhileReadingAsync"/>).
    /// </summary>
    public async Task<T> StoreWhileReadingAsync<T>(Descriptor descriptor, Stream content, Func<Stream, CancellationToken, Task<T>> consume, CancellationToken cancellationToken)
    {
        await Layout.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        return await Layout.WriteBlobWhileReadingAsync(descriptor, content, consume, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Lists manifests in the cache's index.json (one write for all), so layout tools do not treat them as garbage.</summary>
    public Task RecordManifestsAsync(IEnumerable<(Descriptor Manifest, ImageReference Repository)> manifests, CancellationToken cancellationToken) =>
        Layout.AddToIndexAsync(
            manifests.Select(m => (m.Manifest with { Annotations = null, Data = null }, (string?)$"{m.Repository.RepositoryName}@{m.Manifest.Digest}")).ToList(),
            cancellationToken);

    /// <summary>Opens a cached blob; reading verifies it.</summary>
    public Stream OpenBlob(Descriptor descriptor) => Layout.OpenBlob(descriptor);

    /// <summary>Drops a blob whose content turned out unusable (damaged, or an unsafe archive).</summary>
    public void Forget(Descriptor descriptor) => FileSystem.AtomicFile.TryDelete(Layout.BlobPath(descriptor.Digest));

}
