using System.Text;
using System.Text.Json;
using Skills.Oci.Build.Sigstore;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Sigstore.Bundles;
using Skills.Oci.Build.Sigstore.Keys;
using Skills.Oci.Build.Sigstore.Signing;
using Skills.Oci.Build.Sigstore.TrustedRoots;
using Skills.Oci.Build.Sigstore.Verification;

namespace Skills.Oci.Build.Tests.Sigstore;

/// <summary>What we sign, our verifier accepts with the same key, and rejects once anything changes.</summary>
public sealed class SigningRoundTripTests
{
    private static readonly Digest Manifest = Digest.ComputeSha256("{\"schemaVersion\":2}"u8);

    private static VerificationResult Verify(byte[] bundle, Digest digest, VerificationKey key) =>
        new SigstoreVerifier(TrustedRoot.Production).Verify(bundle, SignedArtifact.FromDigest(digest), VerificationPolicy.ForKey(key));

    [Theory]
    [InlineData(KeyAlgorithm.EcdsaP256)]
    [InlineData(KeyAlgorithm.Ed25519)]
    [InlineData(KeyAlgorithm.EcdsaP384)]
    public void Signed_bundle_verifies_with_the_signing_key(KeyAlgorithm algorithm)
    {
        using var key = SigningKey.Generate(algorithm);

        var bundle = new SigstoreBundleSigner(key).SignStatement("ghcr.io/acme/skills/pdf", Manifest);
        var result = Verify(bundle, Manifest, key.PublicKey);

        Assert.True(result.IsVerified, result.ToString());
        Assert.Equal(key.PublicKey.Fingerprint, result.KeyFingerprint);
        Assert.Equal(SigstoreBundleSigner.CosignSignPredicateType, result.Statement!.PredicateType);
    }

    [Fact]
    public void Rsa_signed_bundle_verifies_with_the_signing_key()
    {
        // A 2048-bit key: generating the 3072-bit default would dominate the test run.
        using var rsa = System.Security.Cryptography.RSA.Create(2048);
        using var key = SigningKey.FromPkcs8(rsa.ExportPkcs8PrivateKey());

        var result = Verify(new SigstoreBundleSigner(key).SignStatement("skill", Manifest), Manifest, key.PublicKey);

        Assert.True(result.IsVerified, result.ToString());
    }

    [Fact]
    public void Signed_bundle_has_the_v03_shape_cosign_writes()
    {
        using var key = SigningKey.Generate(KeyAlgorithm.EcdsaP256);

        var json = new SigstoreBundleSigner(key).SignStatement("skill", Manifest);
        var bundle = SigstoreBundle.Parse(json);
        using var document = JsonDocument.Parse(bundle.DsseEnvelope!.Payload);
        var statement = document.RootElement;

        Assert.Equal(SigstoreBundle.MediaTypeV03, bundle.MediaType);
        Assert.Equal(SigstoreBundleSigner.PublicKeyHint(key.PublicKey), bundle.PublicKeyHint);
        Assert.Empty(bundle.TransparencyLogEntries);
        Assert.Equal("application/vnd.in-toto+json", bundle.DsseEnvelope.PayloadType);
        Assert.Equal("https://in-toto.io/Statement/v1", statement.GetProperty("_type").GetString());
        Assert.Equal(Manifest.Encoded, statement.GetProperty("subject")[0].GetProperty("digest").GetProperty("sha256").GetString());
        Assert.Equal(JsonValueKind.Object, statement.GetProperty("predicate").ValueKind);
    }

    [Fact]
    public void Tampered_payload_fails_the_signature_check()
    {
        using var key = SigningKey.Generate(KeyAlgorithm.EcdsaP256);
        var bundle = Encoding.UTF8.GetString(new SigstoreBundleSigner(key).SignStatement("skill", Manifest));
        var envelope = JsonDocument.Parse(bundle).RootElement.GetProperty("dsseEnvelope");
        var payload = envelope.GetProperty("payload").GetString()!;
        var tamperedStatement = Encoding.UTF8.GetString(Convert.FromBase64String(payload)).Replace("\"name\":\"skill\"", "\"name\":\"other\"", StringComparison.Ordinal);
        var tampered = bundle.Replace(payload, Convert.ToBase64String(Encoding.UTF8.GetBytes(tamperedStatement)), StringComparison.Ordinal);

        var result = Verify(Encoding.UTF8.GetBytes(tampered), Manifest, key.PublicKey);

        Assert.Equal(SigstoreFailureKind.SignatureInvalid, result.Failure?.Kind);
    }

    [Fact]
    public void Another_key_fails_the_signature_check()
    {
        using var key = SigningKey.Generate(KeyAlgorithm.Ed25519);
        using var other = SigningKey.Generate(KeyAlgorithm.Ed25519);

        var result = Verify(new SigstoreBundleSigner(key).SignStatement("skill", Manifest), Manifest, other.PublicKey);

        Assert.Equal(SigstoreFailureKind.SignatureInvalid, result.Failure?.Kind);
    }

    [Fact]
    public void Statement_for_another_digest_fails_the_subject_check()
    {
        using var key = SigningKey.Generate(KeyAlgorithm.EcdsaP256);
        var elsewhere = Digest.ComputeSha256("another manifest"u8);

        var result = Verify(new SigstoreBundleSigner(key).SignStatement("skill", elsewhere), Manifest, key.PublicKey);

        Assert.Equal(SigstoreFailureKind.ArtifactMismatch, result.Failure?.Kind);
        Assert.Contains(Manifest.ToString(), result.Failure!.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Key_signed_bundle_fails_a_keyless_policy()
    {
        using var key = SigningKey.Generate(KeyAlgorithm.EcdsaP256);
        var policy = VerificationPolicy.ForIdentity(CertificateIdentity.Exact("https://token.actions.githubusercontent.com", "https://github.com/acme/skills/.github/workflows/release.yml@refs/heads/main"));

        var result = new SigstoreVerifier(TrustedRoot.Production).Verify(new SigstoreBundleSigner(key).SignStatement("skill", Manifest), SignedArtifact.FromDigest(Manifest), policy);

        Assert.Equal(SigstoreFailureKind.SignerMismatch, result.Failure?.Kind);
    }

    [Fact]
    public void Key_signed_bundle_without_log_entry_fails_a_policy_that_requires_one()
    {
        using var key = SigningKey.Generate(KeyAlgorithm.EcdsaP256);

        var result = new SigstoreVerifier(TrustedRoot.Production).Verify(
            new SigstoreBundleSigner(key).SignStatement("skill", Manifest),
            SignedArtifact.FromDigest(Manifest),
            VerificationPolicy.ForKey(key.PublicKey, requireTransparencyLog: true));

        Assert.Equal(SigstoreFailureKind.TransparencyLogInvalid, result.Failure?.Kind);
    }

    [Fact]
    public void A_failed_result_throws_the_failed_check_as_a_sigstore_exception()
    {
        using var key = SigningKey.Generate(KeyAlgorithm.EcdsaP256);
        using var other = SigningKey.Generate(KeyAlgorithm.EcdsaP256);

        var result = Verify(new SigstoreBundleSigner(key).SignStatement("skill", Manifest), Manifest, other.PublicKey);

        var error = Assert.Throws<SigstoreException>(result.ThrowIfFailed);
        Assert.Equal(SigstoreFailureKind.SignatureInvalid, error.Kind);
        Assert.Equal(result.Failure!.Reason, error.Message);
    }
}
