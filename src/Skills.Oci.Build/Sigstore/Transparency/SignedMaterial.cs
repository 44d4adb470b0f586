using Skills.Oci.Build.Sigstore.Attestations;
using Skills.Oci.Build.Sigstore.Keys;

namespace Skills.Oci.Build.Sigstore.Transparency;

/// <summary>
/// What a log entry must describe for it to be about this signature: the signer (certificate or key)
/// and either a signature over an artifact digest or a DSSE envelope.
/// </summary>
internal sealed record SignedMaterial(
    byte[]? Certificate,
    VerificationKey Key,
    byte[]? ArtifactSha256,
    byte[]? Signature,
    DsseEnvelope? Envelope);
