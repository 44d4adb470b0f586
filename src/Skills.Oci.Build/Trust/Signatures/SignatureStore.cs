using System.Globalization;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Registry;
using Skills.Oci.Build.Sigstore.Cosign;

namespace Skills.Oci.Build.Trust.Signatures;

/// <summary>
/// Where a skill's signatures live. In a registry: Sigstore bundles attached as referrers of the
/// manifest (the referrers API, or the <c>sha256-&lt;hex&gt;</c> tag-schema index where the registry
/// lacks it) and cosign's legacy <c>sha256-&lt;hex&gt;.sig</c> / <c>.att</c> tags, found with the
/// client (and so the credentials) of the pull, and written in exactly cosign's layout on publish.
/// In an OCI image layout (the per-user cache): a snapshot of what was found, so a locked restore
/// can verify again with no network (<see cref="SignatureSnapshot"/>).
/// </summary>
public sealed class SignatureStore
{
    private readonly SignatureStoreOptions _options;

    public SignatureStore(SignatureStoreOptions? options = null)
    {
        _options = options ?? new SignatureStoreOptions();
    }

    public SignatureStoreOptions Options => _options;

    /// <summary>
    /// Collects every signature and attestation attached to <paramref name="subject"/>. Missing tags,
    /// manifests or blobs mean "none"; any other registry failure propagates, because "could not
    /// look" must never read as "unsigned".
    /// </summary>
    public async Task<DiscoveredSignatures> FindAsync(RegistryClient client, ImageReference repository, Digest subject, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(repository);
        var items = new List<DiscoveredSignature>();
        var notes = new List<string>();
        var bare = repository.WithTag(null).WithDigest(null);

        await FindBundlesAsync(client, bare, subject, items, notes, cancellationToken).ConfigureAwait(false);
        await FindLegacyLayersAsync(client, bare, CosignRegistryFormat.SignatureTag(subject), CosignSignatureAnnotations.PayloadMediaType, SignatureFormat.SimpleSigning, items, notes, cancellationToken).ConfigureAwait(false);
        await FindLegacyLayersAsync(client, bare, CosignRegistryFormat.AttestationTag(subject), CosignRegistryFormat.DsseEnvelopeMediaType, SignatureFormat.DsseAttestation, items, notes, cancellationToken).ConfigureAwait(false);
        return new DiscoveredSignatures(subject, items, notes);
    }

    /// <summary>
    /// Attaches a Sigstore bundle as cosign does: a manifest with the bundle's artifact type, the
    /// empty config, one bundle layer titled <c>sha256-&lt;hex&gt;.sigstore.json</c>, the content,
    /// predicate type and creation annotations, and the skill manifest as subject. Blobs go first,
    /// the manifest last; where the registry has no referrers API the tag-schema index lists it,
    /// with its artifact type and annotations.
    /// </summary>
    public async Task<Descriptor> AttachBundleAsync(
        RegistryClient client,
        ImageReference repository,
        Descriptor subject,
        ReadOnlyMemory<byte> bundleJson,
        BundleContent content,
        string? predicateType,
        DateTimeOffset created,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(subject);
        RequireReadable(bundleJson.Length, "bundle");
        var bare = repository.WithTag(null).WithDigest(null);
        var referrer = BundleReferrer.Create(subject, bundleJson, content, predicateType, created);

        await client.PushBlobAsync(bare, CosignRegistryFormat.EmptyConfig, CosignRegistryFormat.EmptyJson, cancellationToken).ConfigureAwait(false);
        await client.PushBlobAsync(bare, referrer.Layer, bundleJson, cancellationToken).ConfigureAwait(false);
        return await client.PushReferrerAsync(bare, subject, referrer.Manifest, MediaTypes.OciManifest, BundleReferrer.ArtifactType, referrer.Annotations, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Adds a simple-signing signature to the <c>sha256-&lt;hex&gt;.sig</c> manifest, keeping the
    /// layers already there (cosign appends one layer per signature). Returns false when an identical
    /// payload and signature is already present, in which case nothing is written.
    /// </summary>
    /// <remarks>
    /// Two signers extending the same tag at the same moment can lose one layer, as with cosign: the
    /// registry API has no compare-and-swap on tags.
    /// </remarks>
    public async Task<bool> AttachLegacySignatureAsync(
        RegistryClient client,
        ImageReference repository,
        Digest subject,
        ReadOnlyMemory<byte> payload,
        string signatureBase64,
        IReadOnlyDictionary<string, string>? extraAnnotations = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentException.ThrowIfNullOrEmpty(signatureBase64);
        RequireReadable(payload.Length, "signature payload");
        var bare = repository.WithTag(null).WithDigest(null);
        var tag = CosignRegistryFormat.SignatureTag(subject);

        IReadOnlyList<Descriptor> existing = [];
        try
        {
            var current = await client.FetchManifestAsync(bare.WithTag(tag), cancellationToken).ConfigureAwait(false);
            existing = current.ParseManifest().Layers ?? [];
        }
        catch (RegistryException ex) when (ex.Kind == RegistryErrorKind.NotFound)
        {
        }

        var layer = LegacySignatureManifest.Layer(payload.Span, signatureBase64, extraAnnotations);
        if (existing.Any(l => LegacySignatureManifest.IsSameSignature(l, layer)))
        {
            return false;
        }

        var layers = existing.Append(layer).ToList();
        var (config, configBytes) = LegacySignatureManifest.Config(layers);
        await client.PushBlobAsync(bare, layer, payload, cancellationToken).ConfigureAwait(false);
        await client.PushBlobAsync(bare, config, configBytes, cancellationToken).ConfigureAwait(false);
        await client.PushManifestAsync(bare, tag, OciJsonWriter.WriteManifest(config, layers), MediaTypes.OciManifest, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>What we attach must be something <see cref="FindAsync"/> would read back.</summary>
    private void RequireReadable(long size, string what)
    {
        if (size > _options.MaxSignatureBytes)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The {what} is {size} bytes; readers skip anything over {_options.MaxSignatureBytes} bytes."));
        }
    }

    private async Task FindBundlesAsync(RegistryClient client, ImageReference repository, Digest subject, List<DiscoveredSignature> items, List<string> notes, CancellationToken cancellationToken)
    {
        IReadOnlyList<Descriptor> referrers;
        try
        {
            // All referrers, unfiltered: the tag-schema index may list a bundle without its artifact type.
            referrers = await client.ListReferrersAsync(repository, subject, null, cancellationToken).ConfigureAwait(false);
        }
        catch (RegistryException ex) when (ex.Kind == RegistryErrorKind.NotFound)
        {
            return;
        }

        var distinct = referrers.Where(r => !MediaTypes.IsIndex(r.MediaType)).DistinctBy(r => r.Digest).ToList();
        if (distinct.Count > _options.MaxReferrers)
        {
            notes.Add(string.Create(CultureInfo.InvariantCulture, $"{subject} has {distinct.Count} referrers; only the first {_options.MaxReferrers} were examined."));
            distinct = distinct.Take(_options.MaxReferrers).ToList();
        }

        foreach (var descriptor in distinct)
        {
            var source = "referrer " + descriptor.Digest;
            ManifestContent content;
            try
            {
                content = await client.FetchManifestAsync(repository, descriptor, cancellationToken).ConfigureAwait(false);
            }
            catch (RegistryException ex) when (ex.Kind is RegistryErrorKind.NotFound or RegistryErrorKind.TooLarge)
            {
                notes.Add($"{source} was skipped: {ex.Message}");
                continue;
            }

            if (TryParse(content, source, notes) is not { } manifest)
            {
                continue;
            }

            if (manifest.Subject is { } named && named.Digest != subject)
            {
                notes.Add($"{source} was skipped: it is a referrer of {named.Digest}, not {subject}.");
                continue;
            }

            var layers = manifest.Layers ?? [];
            var bundleLayers = layers.Where(l => CosignRegistryFormat.IsBundleMediaType(l.MediaType)).ToList();
            if (bundleLayers.Count == 0 && CosignRegistryFormat.IsBundleMediaType(manifest.ArtifactType) && layers.Count == 1)
            {
                bundleLayers.Add(layers[0]);
            }

            foreach (var layer in bundleLayers)
            {
                var bytes = await TryFetchAsync(client, repository, layer, source, notes, cancellationToken).ConfigureAwait(false);
                if (bytes is not null)
                {
                    items.Add(new DiscoveredSignature(SignatureFormat.SigstoreBundle, layer.MediaType, bytes, Copy(manifest.Annotations), source));
                }
            }
        }
    }

    private async Task FindLegacyLayersAsync(
        RegistryClient client,
        ImageReference repository,
        string tag,
        string layerMediaType,
        SignatureFormat format,
        List<DiscoveredSignature> items,
        List<string> notes,
        CancellationToken cancellationToken)
    {
        ManifestContent content;
        try
        {
            content = await client.FetchManifestAsync(repository.WithTag(tag), cancellationToken).ConfigureAwait(false);
        }
        catch (RegistryException ex) when (ex.Kind == RegistryErrorKind.NotFound)
        {
            return;
        }
        catch (RegistryException ex) when (ex.Kind == RegistryErrorKind.TooLarge)
        {
            notes.Add($"The tag {tag} was skipped: {ex.Message}");
            return;
        }

        if (TryParse(content, "The tag " + tag, notes) is not { } manifest)
        {
            return;
        }

        var layers = (manifest.Layers ?? []).Where(l => l.MediaType == layerMediaType).ToList();
        if (layers.Count > _options.MaxLegacyLayers)
        {
            notes.Add(string.Create(CultureInfo.InvariantCulture, $"The tag {tag} has {layers.Count} layers; only the first {_options.MaxLegacyLayers} were examined."));
            layers = layers.Take(_options.MaxLegacyLayers).ToList();
        }

        for (var i = 0; i < layers.Count; i++)
        {
            var source = string.Create(CultureInfo.InvariantCulture, $"{tag} layer {i + 1}");
            var bytes = await TryFetchAsync(client, repository, layers[i], source, notes, cancellationToken).ConfigureAwait(false);
            if (bytes is not null)
            {
                items.Add(new DiscoveredSignature(format, layers[i].MediaType, bytes, Copy(layers[i].Annotations), source));
            }
        }
    }

    private async Task<byte[]?> TryFetchAsync(RegistryClient client, ImageReference repository, Descriptor layer, string source, List<string> notes, CancellationToken cancellationToken)
    {
        try
        {
            return await client.FetchBlobBytesAsync(repository, layer, _options.MaxSignatureBytes, cancellationToken).ConfigureAwait(false);
        }
        catch (RegistryException ex) when (ex.Kind is RegistryErrorKind.NotFound or RegistryErrorKind.TooLarge)
        {
            notes.Add($"{source} was skipped: {ex.Message}");
            return null;
        }
    }

    /// <summary>
    /// Anyone who can push can list junk as a referrer: content that is not an image manifest is
    /// noted and passed over. (Registry failures are not caught here: they propagate.)
    /// </summary>
    private static OciManifest? TryParse(ManifestContent content, string source, List<string> notes)
    {
        try
        {
            return content.ParseManifest();
        }
        catch (RegistryException ex)
        {
            notes.Add($"{source} was skipped: {ex.Message}");
            return null;
        }
    }

    private static Dictionary<string, string> Copy(IReadOnlyDictionary<string, string>? annotations) =>
        annotations is null ? new(StringComparer.Ordinal) : new(annotations, StringComparer.Ordinal);
}
