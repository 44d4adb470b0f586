using System.Security.Cryptography;
using System.Text;
using Skills.Oci.Build.Sigstore;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Sigstore.Cosign;
using Skills.Oci.Build.Sigstore.Keys;
using Skills.Oci.Build.Sigstore.TrustedRoots;
using Skills.Oci.Build.Sigstore.Verification;

namespace Skills.Oci.Build.Tests.Sigstore;

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

        Assert.Equal(SigstoreFailureKind.ArtifactMismatch, result.Failure?.Kind);
    }

    [Fact]
    public void Payload_of_another_type_fails()
    {
        using var key = SigningKey.Generate(KeyAlgorithm.EcdsaP256);
        var (payload, annotations) = Sign(key, Manifest, "atomic container signature");

        var result = Verify(payload, annotations, Manifest, key.PublicKey);

        Assert.Equal(SigstoreFailureKind.CosignPayloadInvalid, result.Failure?.Kind);
    }

    [Fact]
    public void Tampered_payload_fails_the_signature_check()
    {
        using var key = SigningKey.Generate(KeyAlgorithm.EcdsaP256);
        var (payload, annotations) = Sign(key, Manifest);
        payload[^2] ^= 1;

        var result = Verify(payload, annotations, Manifest, key.PublicKey);

        Assert.Equal(SigstoreFailureKind.SignatureInvalid, result.Failure?.Kind);
    }

    [Fact]
    public void Missing_signature_annotation_fails()
    {
        using var key = SigningKey.Generate(KeyAlgorithm.EcdsaP256);
        var (payload, _) = Sign(key, Manifest);

        var result = Verify(payload, [], Manifest, key.PublicKey);

        Assert.Equal(SigstoreFailureKind.CosignPayloadInvalid, result.Failure?.Kind);
    }

    [Fact]
    public void Keyless_policy_without_a_certificate_annotation_fails()
    {
        using var key = SigningKey.Generate(KeyAlgorithm.EcdsaP256);
        var (payload, annotations) = Sign(key, Manifest);
        var policy = VerificationPolicy.ForIdentity(CertificateIdentity.Exact("https://token.actions.githubusercontent.com", "https://github.com/acme/x/.github/workflows/r.yml@refs/heads/main"));

        var result = new SimpleSigningVerifier(TrustedRoot.Production).Verify(payload, annotations, Manifest, policy);

        Assert.Equal(SigstoreFailureKind.SignerMismatch, result.Failure?.Kind);
    }

    [Fact]
    public void Rekor_bundle_annotation_is_verified_against_the_log_key_and_the_signature()
    {
        using var key = SigningKey.Generate(KeyAlgorithm.EcdsaP256);
        using var log = SigningKey.Generate(KeyAlgorithm.EcdsaP256);
        var (payload, annotations) = Sign(key, Manifest);
        var root = TestLog.TrustedRootFor(log);
        annotations[CosignSignatureAnnotations.Bundle] = TestLog.RekorBundle(log, payload, annotations[CosignSignatureAnnotations.Signature], key.PublicKey);

        var result = new SimpleSigningVerifier(root).Verify(payload, annotations, Manifest, VerificationPolicy.ForKey(key.PublicKey, requireTransparencyLog: true));

        Assert.True(result.IsVerified, result.ToString());
        Assert.Equal(1, result.TransparencyLogEntries);
        Assert.Single(result.VerifiedTimes);
    }

    [Fact]
    public void Rekor_bundle_for_another_signature_fails()
    {
        using var key = SigningKey.Generate(KeyAlgorithm.EcdsaP256);
        using var log = SigningKey.Generate(KeyAlgorithm.EcdsaP256);
        var (payload, annotations) = Sign(key, Manifest);
        var (otherPayload, otherAnnotations) = Sign(key, Digest.ComputeSha256("other"u8));
        annotations[CosignSignatureAnnotations.Bundle] = TestLog.RekorBundle(log, otherPayload, otherAnnotations[CosignSignatureAnnotations.Signature], key.PublicKey);

        var result = new SimpleSigningVerifier(TestLog.TrustedRootFor(log)).Verify(payload, annotations, Manifest, VerificationPolicy.ForKey(key.PublicKey));

        Assert.Equal(SigstoreFailureKind.TransparencyLogInvalid, result.Failure?.Kind);
    }

    [Fact]
    public void Rekor_bundle_signed_by_an_untrusted_log_fails()
    {
        using var key = SigningKey.Generate(KeyAlgorithm.EcdsaP256);
        using var log = SigningKey.Generate(KeyAlgorithm.EcdsaP256);
        using var trusted = SigningKey.Generate(KeyAlgorithm.EcdsaP256);
        var (payload, annotations) = Sign(key, Manifest);
        annotations[CosignSignatureAnnotations.Bundle] = TestLog.RekorBundle(log, payload, annotations[CosignSignatureAnnotations.Signature], key.PublicKey);

        var result = new SimpleSigningVerifier(TestLog.TrustedRootFor(trusted)).Verify(payload, annotations, Manifest, VerificationPolicy.ForKey(key.PublicKey));

        Assert.Equal(SigstoreFailureKind.TransparencyLogInvalid, result.Failure?.Kind);
    }

    /// <summary>A stand-in Rekor v1 log: a trusted root naming its key, and the SETs it would sign.</summary>
    private static class TestLog
    {
        public static TrustedRoot TrustedRootFor(SigningKey log)
        {
            var spki = log.PublicKey.SubjectPublicKeyInfo.ToArray();
            var json = $$$"""
                {"mediaType":"application/vnd.dev.sigstore.trustedroot+json;version=0.1","tlogs":[{"baseUrl":"https://rekor.test","hashAlgorithm":"SHA2_256",
                "publicKey":{"rawBytes":"{{{Convert.ToBase64String(spki)}}}","keyDetails":"PKIX_ECDSA_P256_SHA_256","validFor":{"start":"2020-01-01T00:00:00Z"}},
                "logId":{"keyId":"{{{Convert.ToBase64String(SHA256.HashData(spki))}}}"}}]}
                """;
            return TrustedRoot.Parse(Encoding.UTF8.GetBytes(json));
        }

        public static string RekorBundle(SigningKey log, byte[] payload, string signatureBase64, VerificationKey signer)
        {
            var publicKeyPem = Convert.ToBase64String(Encoding.UTF8.GetBytes(signer.ToPem()));
            var body = Convert.ToBase64String(Encoding.UTF8.GetBytes(
                "{\"apiVersion\":\"0.0.1\",\"kind\":\"hashedrekord\",\"spec\":{\"data\":{\"hash\":{\"algorithm\":\"sha256\",\"value\":\"" + Convert.ToHexString(SHA256.HashData(payload)).ToLowerInvariant() +
                "\"}},\"signature\":{\"content\":\"" + signatureBase64 + "\",\"publicKey\":{\"content\":\"" + publicKeyPem + "\"}}}}"));
            var logId = Convert.ToHexString(SHA256.HashData(log.PublicKey.SubjectPublicKeyInfo.Span)).ToLowerInvariant();
            var integratedTime = DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds();
            var set = log.Sign(Encoding.UTF8.GetBytes($$$"""{"body":"{{{body}}}","integratedTime":{{{integratedTime}}},"logID":"{{{logId}}}","logIndex":42}"""));
            return $$$"""{"SignedEntryTimestamp":"{{{Convert.ToBase64String(set)}}}","Payload":{"body":"{{{body}}}","integratedTime":{{{integratedTime}}},"logIndex":42,"logID":"{{{logId}}}"}}""";
        }
    }
}
