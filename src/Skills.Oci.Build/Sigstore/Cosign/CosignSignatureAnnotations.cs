namespace Skills.Oci.Build.Sigstore.Cosign;

/// <summary>The layer annotations of a cosign <c>.sig</c> manifest (cosign's specs/SIGNATURE_SPEC.md).</summary>
public static class CosignSignatureAnnotations
{
    public const string Signature = "dev.cosignproject.cosign/signature";
    public const string Certificate = "dev.sigstore.cosign/certificate";
    public const string Chain = "dev.sigstore.cosign/chain";
    public const string Bundle = "dev.sigstore.cosign/bundle";
    public const string Rfc3161Timestamp = "dev.sigstore.cosign/rfc3161timestamp";

    /// <summary>The media type of a simple-signing payload layer.</summary>
    public const string PayloadMediaType = "application/vnd.dev.cosign.simplesigning.v1+json";
}
