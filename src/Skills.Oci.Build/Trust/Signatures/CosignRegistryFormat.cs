using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Sigstore.Attestations;
using Skills.Oci.Build.Sigstore.Bundles;

namespace Skills.Oci.Build.Trust.Signatures;

/// <summary>
/// The names cosign uses for signatures stored in an OCI registry: the Sigstore bundle referrer
/// (cosign <c>specs/BUNDLE_SPEC.md</c>) and the legacy <c>.sig</c> / <c>.att</c> tags
/// (cosign <c>specs/SIGNATURE_SPEC.md</c>). Kept in one place so that what we write and what we read agree.
/// </summary>
public static class CosignRegistryFormat
{
    /// <summary>Manifest annotation: <c>message-signature</c> or <c>dsse-envelope</c>.</summary>
    public const string BundleContentAnnotation = "dev.sigstore.bundle.content";

    /// <summary>Manifest annotation: the in-toto predicate type of a DSSE bundle.</summary>
    public const string BundlePredicateTypeAnnotation = "dev.sigstore.bundle.predicateType";

    /// <summary>Layer annotation of a legacy <c>.att</c> layer: the in-toto predicate type.</summary>
    public const string AttestationPredicateTypeAnnotation = "predicateType";

    /// <summary>The layer media type of a legacy <c>.att</c> attestation (a DSSE envelope JSON).</summary>
    public const string DsseEnvelopeMediaType = "application/vnd.dsse.envelope.v1+json";

    public const string MessageSignatureContent = "message-signature";
    public const string DsseEnvelopeContent = "dsse-envelope";

    /// <summary>The OCI empty JSON blob (<c>{}</c>) cosign uses as the config of a bundle referrer.</summary>
    public static ReadOnlyMemory<byte> EmptyJson { get; } = "{}"u8.ToArray();

    public static Descriptor EmptyConfig { get; } = Descriptor.FromContent(MediaTypes.OciEmpty, EmptyJson.Span);

    /// <summary>Every spelling of a Sigstore bundle media type (v0.1 to v0.3).</summary>
    public static IReadOnlyList<string> BundleMediaTypes { get; } =
    [
        SigstoreBundle.MediaTypeV03,
        SigstoreBundle.MediaTypeV03Legacy,
        SigstoreBundle.MediaTypeV02,
        SigstoreBundle.MediaTypeV01,
    ];

    public static bool IsBundleMediaType(string? mediaType) =>
        mediaType is not null && BundleMediaTypes.Contains(mediaType, StringComparer.Ordinal);

    /// <summary>The legacy signature tag of a manifest: <c>sha256-&lt;hex&gt;.sig</c>.</summary>
    public static string SignatureTag(Digest subject) => subject.ToTagSchema() + ".sig";

    /// <summary>The legacy attestation tag of a manifest: <c>sha256-&lt;hex&gt;.att</c>.</summary>
    public static string AttestationTag(Digest subject) => subject.ToTagSchema() + ".att";

    /// <summary>The title cosign gives a bundle layer: <c>sha256-&lt;hex&gt;.sigstore.json</c> of the bundle blob.</summary>
    public static string BundleLayerTitle(Digest bundleDigest) => bundleDigest.ToTagSchema() + ".sigstore.json";

    public static string ToAnnotationValue(BundleContent content) => content switch
    {
        BundleContent.MessageSignature => MessageSignatureContent,
        BundleContent.DsseEnvelope => DsseEnvelopeContent,
        _ => throw new ArgumentOutOfRangeException(nameof(content), content, "Unknown bundle content."),
    };
}

/// <summary>What a Sigstore bundle carries: a plain message signature or a DSSE envelope.</summary>
public enum BundleContent
{
    MessageSignature,
    DsseEnvelope,
}
