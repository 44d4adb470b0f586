using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Trust;
using Skills.Oci.Build.Trust.Cosign;
using Skills.Oci.Build.Trust.Keys;

namespace Skills.Oci.Build.Tests.Trust;

/// <summary>cosign legacy (.sig) signatures: a simple-signing payload and its layer annotations.</summary>
public sealed class SimpleSigningTests
{
    private static readonly Digest Manifest = Digest.ComputeSha256("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\"}"u8);

    private static (byte[] Payload, Dictionary<string, string> Annotations) Sign(SigningKey key, Digest digest, string type = SimpleSigningPayload.SignatureType)
    {
        var payload = SimpleSigningPayload.Create("ghcr.io/acme/skills/pdf", digest);
        if (type != SimpleSigningPayload.SignatureType)
        {
            payload = System.Text.Encoding.UTF8.GetBytes(System.Text.Encoding.UTF8.GetString(payload).Replace(SimpleSigningPayload.SignatureType, type, StringComparison.Ordinal));
        }

        return (payload, new Dictionary<string, string> { [CosignSignatureAnnotations.Signature] = Convert.ToBase64String(key.Sign(payload)) });
    }

    private static VerificationResult Verify(byte[] payload, Dictionary<string, string> annotations, Digest expected, VerificationKey key) =>
        new SimpleSigningVerifier(TrustedRoot.Production).Verify(payload, annotations, expected, VerificationPolicy.ForKey(key));

    [Fact]
    public void Payload_has_cosigns_shape()
    {
        var payload = SimpleSigningPayload.Parse(SimpleSigningPayload.Create("ghcr.io/acme/skills/pdf", Manifest));

        Assert.Equal(Manifest, payload.ManifestDigest);
        Assert.Equal("ghcr.io/acme/skills/pdf", payload.DockerReference);
    }

    [Theory]
    [InlineData(KeyAlgorithm.EcdsaP256)]
    [InlineData(KeyAlgorithm.Ed25519)]
    public void Signature_verifies_with_the_key_for_the_expected_manifest(KeyAlgorithm algorithm)
    {
        using var key = SigningKey.Generate(algorithm);
        var (payload, annotations) = Sign(key, Manifest);

        var result = Verify(payload, annotations, Manifest, key.PublicKey);

        Assert.True(result.IsVerified, result.ToString());
    }

    [Fact]
    public void Signature_for_another_manifest_fails()
    {
        using var key = SigningKey.Generate(KeyAlgorithm.EcdsaP256);
        var (payload, annotations) = Sign(key, Digest.ComputeSha256("other"u8));

        var result = Verify(payload, annotations, Manifest, key.PublicKey);

        Assert.Equal(TrustErrorCodes.ArtifactMismatch, result.Failure?.Code);
    }

    [Fact]
    public void Payload_of_another_type_fails()
    {
        using var key = SigningKey.Generate(KeyAlgorithm.EcdsaP256);
        var (payload, annotations) = Sign(key, Manifest, "atomic container signature");

        var result = Verify(payload, annotations, Manifest, key.PublicKey);

        Assert.Equal(TrustErrorCodes.CosignPayloadInvalid, result.Failure?.Code);
    }

    [Fact]
    public void Tampered_payload_fails_the_signature_check()
    {
        using var key = SigningKey.Generate(KeyAlgorithm.EcdsaP256);
        var (payload, annotations) = Sign(key, Manifest);
        payload[^2] ^= 1;

        var result = Verify(payload, annotations, Manifest, key.PublicKey);

        Assert.Equal(TrustErrorCodes.SignatureInvalid, result.Failure?.Code);
    }

    [Fact]
    public void Missing_signature_annotation_fails()
    {
        using var key = SigningKey.Generate(KeyAlgorithm.EcdsaP256);
        var (payload, _) = Sign(key, Manifest);

        var result = Verify(payload, [], Manifest, key.PublicKey);

        Assert.Equal(TrustErrorCodes.CosignPayloadInvalid, result.Failure?.Code);
    }

    [Fact]
    public void Keyless_policy_without_a_certificate_annotation_fails()
    {
        using var key = SigningKey.Generate(KeyAlgorithm.EcdsaP256);
        var (payload, annotations) = Sign(key, Manifest);
        var policy = VerificationPolicy.ForIdentity(CertificateIdentity.Exact("https://token.actions.githubusercontent.com", "https://github.com/acme/x/.github/workflows/r.yml@refs/heads/main"));

        var result = new SimpleSigningVerifier(TrustedRoot.Production).Verify(payload, annotations, Manifest, policy);

        Assert.Equal(TrustErrorCodes.SignerMismatch, result.Failure?.Code);
    }
}
