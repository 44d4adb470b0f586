using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Sigstore.Bundles;

namespace Skills.Oci.Build.Trust.Signatures;

/// <summary>The three places cosign keeps what it signs, each with its own verification.</summary>
public enum SignatureFormat
{
    /// <summary>A Sigstore bundle (any version) attached as an OCI referrer.</summary>
    SigstoreBundle,

    /// <summary>A layer of the legacy <c>sha256-&lt;hex&gt;.sig</c> manifest: a simple-signing payload.</summary>
    SimpleSigning,

    /// <summary>A layer of the legacy <c>sha256-&lt;hex&gt;.att</c> manifest: a DSSE envelope.</summary>
    DsseAttestation,
}

/// <summary>
/// One signature or attestation found for a manifest, unverified: its exact bytes (bundle JSON,
/// simple-signing payload or DSSE envelope), their media type, the annotations that go with them
/// (the referrer manifest's for a bundle, the layer's for the legacy tags) and where it was found.
/// </summary>
public sealed record DiscoveredSignature
{
    public DiscoveredSignature(SignatureFormat format, string mediaType, byte[] content, IReadOnlyDictionary<string, string> annotations, string source)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(annotations);
        ArgumentException.ThrowIfNullOrEmpty(mediaType);
        ArgumentException.ThrowIfNullOrEmpty(source);
        Format = format;
        MediaType = mediaType;
        Content = content;
        Annotations = annotations;
        Source = source;
        ContentDigest = Digest.ComputeSha256(content);
    }

    public SignatureFormat Format { get; }

    public string MediaType { get; }

    /// <summary>The exact bytes; signatures cover them, so they are never re-serialized.</summary>
    public byte[] Content { get; }

    public IReadOnlyDictionary<string, string> Annotations { get; }

    /// <summary>Where it was found, for messages: <c>referrer sha256:…</c> or <c>sha256-….sig layer 2</c>.</summary>
    public string Source { get; }

    public Digest ContentDigest { get; }

    /// <summary>The predicate type the annotations claim (unverified; the signed statement is what counts).</summary>
    public string? ClaimedPredicateType =>
        Annotations.TryGetValue(CosignRegistryFormat.BundlePredicateTypeAnnotation, out var bundleType) ? bundleType :
        Annotations.TryGetValue(CosignRegistryFormat.AttestationPredicateTypeAnnotation, out var attType) ? attType : null;

    public override string ToString() => $"{Format} from {Source}";
}

/// <summary>
/// Everything found for one manifest digest, plus notes on what was skipped (too large, beyond the
/// examined count, unreadable) so that "unsigned" is never claimed silently when something was
/// there.
/// </summary>
public sealed record DiscoveredSignatures(Digest Subject, IReadOnlyList<DiscoveredSignature> Items, IReadOnlyList<string> Notes)
{
    public static DiscoveredSignatures None(Digest subject) => new(subject, [], []);

    public bool IsEmpty => Items.Count == 0;

    public IEnumerable<DiscoveredSignature> OfFormat(SignatureFormat format) => Items.Where(i => i.Format == format);
}
