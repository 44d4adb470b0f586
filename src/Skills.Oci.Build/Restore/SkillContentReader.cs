using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Format;
using Skills.Oci.Build.Oci;

namespace Skills.Oci.Build.Restore;

/// <summary>A skill artifact whose manifest and config have been fetched, verified and checked.</summary>
public sealed record SkillArtifact(ImageReference Repository, Descriptor ManifestDescriptor, byte[] ManifestBytes, SkillManifest Skill, byte[] ConfigBytes, SkillConfig Config)
{
    public string Name => Config.Name.Value;

    public Digest Digest => ManifestDescriptor.Digest;
}

/// <summary>What reading a layer gave, and whether its bytes came from the source (false: from the cache).</summary>
public sealed record LayerRead<T>(T Result, bool Downloaded);

/// <summary>
/// Reads skill content cache first, then from the source, verifying every byte against its digest and
/// applying the limits before fetching. Nothing enters the cache unverified.
/// </summary>
public sealed class SkillContentReader(SkillCache cache, ISkillSource? source, OciLimits limits)
{
    /// <summary>True when no source may be used (offline), so a cache miss means "unavailable".</summary>
    public bool IsOffline => source is null;

    /// <summary>Where the per-skill reads' time goes (logged at detailed verbosity); null to not measure.</summary>
    public RestoreTimings? Timings { get; init; }

    internal RestoreTimings.Measurement Measure(string step) => Timings?.Measure(step) ?? default;

    /// <summary>Reads and checks manifest and config by digest; null when offline and not cached.</summary>
    /// <param name="knownManifest">The manifest bytes already fetched with <paramref name="knownDescriptor"/> (verified here again).</param>
    public async Task<SkillArtifact?> ReadArtifactAsync(ImageReference repository, Digest digest, Descriptor? knownDescriptor, string display, CancellationToken cancellationToken, byte[]? knownManifest = null)
    {
        var manifest = await ReadManifestAsync(repository, digest, knownDescriptor, display, cancellationToken, knownManifest).ConfigureAwait(false);
        return manifest is null ? null : await ReadConfigAsync(repository, manifest.Value, display, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// For a skill no trust policy covers: the manifest, then its config and its layer at the same time
    /// (one round trip less; the layer is a verified blob by digest, so reading it before the config's
    /// checks puts nothing unverified in the cache). The layer goes to <paramref name="readLayer"/> as in
    /// <see cref="ReadLayerAsync"/> and may still be running when this returns, so the caller can check the
    /// artifact first; await it in every case. The layer is null when the manifest is not available.
    /// </summary>
    public async Task<(SkillArtifact? Artifact, Task<LayerRead<T>?> Layer)> ReadArtifactAndLayerAsync<T>(ImageReference repository, Digest digest, string display, Func<Stream, CancellationToken, Task<T>> readLayer, CancellationToken cancellationToken)
    {
        if (await ReadManifestAsync(repository, digest, null, display, cancellationToken).ConfigureAwait(false) is not { } manifest)
        {
            return (null, Task.FromResult<LayerRead<T>?>(null));
        }

        var layer = ReadLayerAsync(repository, manifest.Skill.Layer, readLayer, cancellationToken);
        try
        {
            return (await ReadConfigAsync(repository, manifest, display, cancellationToken).ConfigureAwait(false), layer);
        }
        catch
        {
            // Never leave the download running behind a failure; its own error is secondary.
            await ObserveAsync(layer, cancellationToken).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Waits for work whose outcome no longer matters (a secondary failure is dropped); its result is returned when it had one.</summary>
    internal static async Task<TResult?> ObserveAsync<TResult>(Task<TResult?> work, CancellationToken cancellationToken)
    {
        try
        {
            return await work.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return default;
        }
    }

    private async Task<(Descriptor Descriptor, byte[] Bytes, SkillManifest Skill)?> ReadManifestAsync(ImageReference repository, Digest digest, Descriptor? knownDescriptor, string display, CancellationToken cancellationToken, byte[]? knownManifest = null)
    {
        using var measured = Measure("manifest");
        Descriptor descriptor;
        byte[] manifestBytes;
        (Descriptor, byte[])? cached;
        using (Measure("manifest cache read"))
        {
            cached = await cache.TryReadManifestAsync(digest, limits.MaxManifestBytes, cancellationToken).ConfigureAwait(false);
        }

        if (cached is { } hit)
        {
            (descriptor, manifestBytes) = hit;
        }
        else if (source is null)
        {
            return null;
        }
        else
        {
            byte[]? fetched = knownManifest is { Length: > 0 } && knownDescriptor is not null ? knownManifest : null;
            if (knownDescriptor is not null)
            {
                descriptor = knownDescriptor;
            }
            else
            {
                // A locked digest: one GET gives descriptor and body (a HEAD first would only add a round trip).
                using var request = Measure("manifest request");
                (descriptor, fetched) = await source.FetchTaggedManifestAsync(repository.WithDigest(digest), limits, cancellationToken).ConfigureAwait(false);
            }

            if (descriptor.Digest != digest)
            {
                throw new RegistryException(RegistryErrorKind.DigestMismatch, $"Digest mismatch for '{display}': asked for {digest}, the source answered {descriptor.Digest}.");
            }

            SkillArtifactReader.CheckManifestDescriptor(descriptor, display, limits);
            var stream = fetched is { Length: > 0 }
                ? new MemoryStream(fetched, writable: false)
                : await source.FetchManifestAsync(repository, descriptor, cancellationToken).ConfigureAwait(false);
            manifestBytes = await ReadVerifiedAsync(stream, descriptor, display, cancellationToken).ConfigureAwait(false);
        }

        return (descriptor, manifestBytes, SkillArtifactReader.ReadManifest(manifestBytes, display, limits));
    }

    private async Task<SkillArtifact?> ReadConfigAsync(ImageReference repository, (Descriptor Descriptor, byte[] Bytes, SkillManifest Skill) manifest, string display, CancellationToken cancellationToken)
    {
        using var measured = Measure("config");
        var (descriptor, manifestBytes, skill) = manifest;
        var configBytes = SkillArtifactReader.ReadInlineConfig(skill, display)
                          ?? await cache.TryReadBlobAsync(skill.Config, limits.MaxConfigBytes, cancellationToken).ConfigureAwait(false);
        if (configBytes is null)
        {
            if (source is null)
            {
                return null;
            }

            var stream = await source.FetchBlobAsync(repository, skill.Config, cancellationToken).ConfigureAwait(false);
            configBytes = await ReadVerifiedAsync(stream, skill.Config, display, cancellationToken).ConfigureAwait(false);
        }

        var config = SkillArtifactReader.ReadConfig(configBytes, skill, display);
        return new SkillArtifact(repository, descriptor with { MediaType = skill.Manifest.MediaType ?? MediaTypes.OciManifest, Annotations = null, Data = null }, manifestBytes, skill, configBytes, config);
    }

    /// <summary>
    /// Reads the layer with <paramref name="read"/>: from the cache when it is there, else straight from
    /// the source while the same bytes go into the cache, so a download is read once (not written, then
    /// read back). Either way <paramref name="read"/> sees a verifying stream; a downloaded layer is
    /// cached only when <paramref name="read"/> succeeded and every byte verified. Null when offline and absent.
    /// </summary>
    public Task<LayerRead<T>?> ReadLayerAsync<T>(SkillArtifact artifact, Func<Stream, CancellationToken, Task<T>> read, CancellationToken cancellationToken) =>
        ReadLayerAsync(artifact.Repository, artifact.Skill.Layer, read, cancellationToken);

    private async Task<LayerRead<T>?> ReadLayerAsync<T>(ImageReference repository, Descriptor layer, Func<Stream, CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        if (cache.HasBlob(layer))
        {
            await using var cached = cache.OpenBlob(layer);
            return new LayerRead<T>(await read(cached, cancellationToken).ConfigureAwait(false), Downloaded: false);
        }

        if (source is null)
        {
            return null;
        }

        using var measured = Measure("layer download");
        await using var stream = await source.FetchBlobAsync(repository, layer, cancellationToken).ConfigureAwait(false);
        if (!cache.HasDamagedBlob(layer))
        {
            return new LayerRead<T>(await cache.StoreWhileReadingAsync(layer, stream, read, cancellationToken).ConfigureAwait(false), Downloaded: true);
        }

        // A damaged cache file is not replaced by a download (blob files are never overwritten): it is
        // read, fails its digest and is dropped, so the error is reported and the next restore fetches it again.
        await cache.StoreAsync(layer, stream, cancellationToken).ConfigureAwait(false);
        try
        {
            await using var stored = cache.OpenBlob(layer);
            return new LayerRead<T>(await read(stored, cancellationToken).ConfigureAwait(false), Downloaded: true);
        }
        catch
        {
            cache.Forget(layer);
            throw;
        }
    }

    /// <summary>Opens the cached layer; reading verifies it.</summary>
    public Stream OpenLayer(SkillArtifact artifact) => cache.OpenBlob(artifact.Skill.Layer);

    /// <summary>Stores a staged artifact's manifest and config in the cache, beside its layer; thread-safe.</summary>
    public async Task KeepAsync(SkillArtifact artifact, CancellationToken cancellationToken)
    {
        using var measured = Measure("cache record");
        await cache.StoreAsync(artifact.ManifestDescriptor, artifact.ManifestBytes, cancellationToken).ConfigureAwait(false);
        await cache.StoreAsync(artifact.Skill.Config, artifact.ConfigBytes, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Lists successfully installed artifacts in the cache's index, in one write for all of them: each
    /// write rewrites the whole index, which holds every skill the cache ever kept.
    /// </summary>
    public async Task ListAsync(IReadOnlyList<SkillArtifact> artifacts, CancellationToken cancellationToken)
    {
        using var measured = Measure("cache index");
        await cache.RecordManifestsAsync(artifacts.Select(a => (a.ManifestDescriptor, a.Repository)), cancellationToken).ConfigureAwait(false);
    }

    private static async Task<byte[]> ReadVerifiedAsync(Stream raw, Descriptor descriptor, string display, CancellationToken cancellationToken)
    {
        await using var verifying = new VerifyingReadStream(raw, descriptor.Digest, descriptor.Size) { Source = display };
        return await verifying.ReadAllAsync(cancellationToken).ConfigureAwait(false);
    }
}
