using Skills.Oci.Build.Oci;

namespace Skills.Oci.Build.Trust.Signatures;

/// <summary>
/// Keeps what <see cref="SignatureStore.FindAsync"/> found for a manifest in an OCI image layout (the
/// per-user cache), so a locked restore verifies again with no network.
/// </summary>
/// <remarks>
/// The snapshot is itself an OCI artifact in the layout: a manifest with artifact type
/// <see cref="ArtifactType"/>, the empty config, and one layer per discovered item whose blob is the
/// item's exact bytes (bundle JSON, simple-signing payload or DSSE envelope), whose media type is the
/// item's, and whose annotations are the item's own plus <see cref="FormatAnnotation"/> and
/// <see cref="SourceAnnotation"/>. The manifest names the subject digest in <see cref="SubjectAnnotation"/>
/// and is listed in <c>index.json</c> under the ref name <c>sha256-&lt;hex&gt;.signatures</c>, so layout
/// tools keep its blobs and a later save for the same digest replaces it. Nothing found is recorded
/// too (a single empty layer, as image-spec asks of artifacts without content), so "checked: unsigned"
/// differs from "never checked" (<see cref="LoadAsync"/> returns null). Blobs are content-addressed and
/// verified on read, so a tampered cache fails to load rather than verifying something else; the
/// signatures themselves are verified afterwards exactly as if fetched.
/// </remarks>
public static class SignatureSnapshot
{
    public const string ArtifactType = "application/vnd.agentskills.signatures.v1";
    public const string SubjectAnnotation = "io.agentskills.signatures.subject";
    public const string FormatAnnotation = "io.agentskills.signature.format";
    public const string SourceAnnotation = "io.agentskills.signature.source";

    private const long MaxManifestBytes = 4 * 1024 * 1024;

    public static string RefName(Digest subject) => subject.ToTagSchema() + ".signatures";

    public static async Task<Descriptor> SaveAsync(OciImageLayout layout, DiscoveredSignatures signatures, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(signatures);
        await layout.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        await layout.WriteBlobAsync(MediaTypes.OciEmpty, CosignRegistryFormat.EmptyJson, cancellationToken).ConfigureAwait(false);

        var layers = new List<Descriptor>();
        foreach (var item in signatures.Items)
        {
            var stored = await layout.WriteBlobAsync(item.MediaType, item.Content, cancellationToken).ConfigureAwait(false);
            var annotations = new SortedDictionary<string, string>(StringComparer.Ordinal);
            foreach (var (key, value) in item.Annotations)
            {
                annotations[key] = value;
            }

            annotations[FormatAnnotation] = item.Format.ToString();
            annotations[SourceAnnotation] = item.Source;
            layers.Add(stored with { Annotations = annotations });
        }

        if (layers.Count == 0)
        {
            layers.Add(CosignRegistryFormat.EmptyConfig);
        }

        var manifest = OciJsonWriter.WriteManifest(
            CosignRegistryFormat.EmptyConfig,
            layers,
            ArtifactType,
            annotations: new SortedDictionary<string, string>(StringComparer.Ordinal) { [SubjectAnnotation] = signatures.Subject.ToString() });
        var descriptor = await layout.WriteBlobAsync(MediaTypes.OciManifest, manifest, cancellationToken).ConfigureAwait(false);
        await layout.AddToIndexAsync(descriptor with { ArtifactType = ArtifactType }, RefName(signatures.Subject), cancellationToken).ConfigureAwait(false);
        return descriptor;
    }

    /// <summary>What was saved for <paramref name="subject"/>, or null when nothing was ever saved.</summary>
    /// <exception cref="RegistryException">A blob is missing, too large or does not match its digest.</exception>
    public static async Task<DiscoveredSignatures?> LoadAsync(OciImageLayout layout, Digest subject, long maxSignatureBytes = 1024 * 1024, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(layout);
        if (!layout.Exists || await layout.ResolveAsync(RefName(subject), cancellationToken).ConfigureAwait(false) is not { } entry)
        {
            return null;
        }

        var manifest = OciManifest.Parse(await layout.ReadBlobAsync(entry, MaxManifestBytes, cancellationToken).ConfigureAwait(false));
        if (manifest.ArtifactType != ArtifactType || manifest.GetAnnotation(SubjectAnnotation) != subject.ToString())
        {
            throw new RegistryException(RegistryErrorKind.Protocol, $"The signature snapshot listed as '{RefName(subject)}' in '{layout.Root}' is not a snapshot for {subject}.");
        }

        var items = new List<DiscoveredSignature>();
        foreach (var layer in manifest.Layers ?? [])
        {
            if (layer.MediaType == MediaTypes.OciEmpty)
            {
                continue;
            }

            var annotations = new Dictionary<string, string>(layer.Annotations ?? new Dictionary<string, string>(), StringComparer.Ordinal);
            if (!annotations.Remove(FormatAnnotation, out var formatName) || !Enum.TryParse<SignatureFormat>(formatName, out var format) ||
                !annotations.Remove(SourceAnnotation, out var source))
            {
                throw new RegistryException(RegistryErrorKind.Protocol, $"A layer of the signature snapshot for {subject} in '{layout.Root}' lacks its format or source.");
            }

            var content = await layout.ReadBlobAsync(layer, maxSignatureBytes, cancellationToken).ConfigureAwait(false);
            items.Add(new DiscoveredSignature(format, layer.MediaType, content, annotations, source));
        }

        return new DiscoveredSignatures(subject, items, []);
    }
}
