using Skills.Oci.Build.Sigstore;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Sigstore.Keys;
using Skills.Oci.Build.Sigstore.TrustedRoots;
using Skills.Oci.Build.Sigstore.Verification;

namespace Skills.Oci.Build.Tests.Sigstore;

/// <summary>Real bundles made by cosign and sigstore-go, verified with the signer their sources name.</summary>
public sealed class SigstoreFixtureTests
{
    private static async Task<TrustedRoot> RootOfAsync(string fixture) =>
        await TrustedRoot.LoadAsync(SigstoreTestData.PathOf(fixture, "trusted_root.json"), CancellationToken.None);

    private static async Task<VerificationResult> VerifyAsync(string fixture, SignedArtifact artifact, VerificationPolicy policy) =>
        await new SigstoreVerifier(await RootOfAsync(fixture))
            .VerifyFileAsync(SigstoreTestData.PathOf(fixture, "bundle.sigstore.json"), artifact, policy, CancellationToken.None);

    [Fact]
    public async Task Cosign_attestation_for_an_OCI_image_verifies_with_its_identity_and_subject()
    {
        var identity = (await File.ReadAllTextAsync(SigstoreTestData.PathOf("cosign-oci-att", "identity"))).Trim();
        var issuer = (await File.ReadAllTextAsync(SigstoreTestData.PathOf("cosign-oci-att", "issuer"))).Trim();
        var image = Digest.Parse("sha256:732112270d7e59418a8c080b134b24cabd67d250d0d0147a97ed95ba5c280aa4");

        var result = await VerifyAsync("cosign-oci-att", SignedArtifact.FromDigest(image), VerificationPolicy.ForIdentity(CertificateIdentity.Exact(issuer, identity)));

        Assert.True(result.IsVerified, result.ToString());
        Assert.Equal(identity, result.CertificateSubject);
        Assert.Equal(issuer, result.CertificateIssuer);
        Assert.Equal("https://cosign.sigstore.dev/attestation/v1", result.Statement!.PredicateType);
        Assert.NotEmpty(result.VerifiedTimes);
    }

    [Fact]
    public async Task Cosign_attestation_for_another_image_fails_the_subject_check()
    {
        var identity = (await File.ReadAllTextAsync(SigstoreTestData.PathOf("cosign-oci-att", "identity"))).Trim();
        var issuer = (await File.ReadAllTextAsync(SigstoreTestData.PathOf("cosign-oci-att", "issuer"))).Trim();
        var other = Digest.ComputeSha256("another manifest"u8);

        var result = await VerifyAsync("cosign-oci-att", SignedArtifact.FromDigest(other), VerificationPolicy.ForIdentity(CertificateIdentity.Exact(issuer, identity)));

        Assert.Equal(SigstoreFailureKind.ArtifactMismatch, result.Failure?.Kind);
    }

    [Fact]
    public async Task Cosign_attestation_signed_by_someone_else_fails_the_identity_check()
    {
        var issuer = (await File.ReadAllTextAsync(SigstoreTestData.PathOf("cosign-oci-att", "issuer"))).Trim();
        var image = Digest.Parse("sha256:732112270d7e59418a8c080b134b24cabd67d250d0d0147a97ed95ba5c280aa4");

        var result = await VerifyAsync("cosign-oci-att", SignedArtifact.FromDigest(image), VerificationPolicy.ForIdentity(CertificateIdentity.Exact(issuer, "mallory@example.com")));

        Assert.Equal(SigstoreFailureKind.SignerMismatch, result.Failure?.Kind);
    }

    [Fact]
    public async Task Key_signed_bundle_with_timestamp_verifies_with_its_key()
    {
        var key = await VerificationKey.FromPemFileAsync(SigstoreTestData.PathOf("sg-pkv", "key.pub"), CancellationToken.None);
        // The fixture ships no artifact: the digest is the one the bundle records.
        var digest = Digest.FromSha256Hash(Convert.FromBase64String("auinVVUgn9bEQVfArtgBbnY/9DWhnPGG92hjFAFD/3I="));

        var result = await VerifyAsync("sg-pkv", SignedArtifact.FromDigest(digest), VerificationPolicy.ForKey(key));

        Assert.True(result.IsVerified, result.ToString());
        Assert.Equal(key.Fingerprint, result.KeyFingerprint);
        Assert.Single(result.VerifiedTimes);
    }

    [Fact]
    public async Task Key_signed_npm_publish_attestation_verifies_with_its_key_and_sha512_subject()
    {
        var key = await VerificationKey.FromPemFileAsync(SigstoreTestData.PathOf("sg-publish", "key.pub"), CancellationToken.None);
        var package = Digest.Parse("sha512:76176ffa33808b54602c7c35de5c6e9a4deb96066dba6533f50ac234f4f1f4c6b3527515dc17c06fbe2860030f410eee69ea20079bd3a2c6f3dcf3b329b10751");

        var result = await VerifyAsync("sg-publish", SignedArtifact.FromDigest(package), VerificationPolicy.ForKey(key, requireTransparencyLog: true));

        Assert.True(result.IsVerified, result.ToString());
        Assert.Equal(1, result.TransparencyLogEntries);
    }

    [Fact]
    public async Task Key_signed_bundle_fails_with_another_key()
    {
        var wrong = await VerificationKey.FromPemFileAsync(SigstoreTestData.PathOf("sg-publish", "key.pub"), CancellationToken.None);
        var digest = Digest.FromSha256Hash(Convert.FromBase64String("auinVVUgn9bEQVfArtgBbnY/9DWhnPGG92hjFAFD/3I="));

        var result = await VerifyAsync("sg-pkv", SignedArtifact.FromDigest(digest), VerificationPolicy.ForKey(wrong));

        Assert.Equal(SigstoreFailureKind.SignatureInvalid, result.Failure?.Kind);
    }

    [Fact]
    public async Task Certificate_with_an_otherName_SAN_verifies_with_that_username()
    {
        // The fixture ships no artifact: the digest is the one the bundle records.
        var digest = Digest.FromSha256Hash(Convert.FromBase64String("vBA7SoSXHvZFmylKK5hWiiv7cs3tCdSs0eFjZqQB+Vs="));
        var policy = VerificationPolicy.ForIdentity(CertificateIdentity.Exact("http://oidc.local:8080", "foo!oidc.local"));

        var result = await VerifyAsync("sg-othername", SignedArtifact.FromDigest(digest), policy);

        Assert.True(result.IsVerified, result.ToString());
        Assert.Equal("foo!oidc.local", result.CertificateSubject);
    }

    [Fact]
    public async Task Identity_patterns_are_anchored()
    {
        var digest = Digest.FromSha256Hash(Convert.FromBase64String("vBA7SoSXHvZFmylKK5hWiiv7cs3tCdSs0eFjZqQB+Vs="));

        var matching = await VerifyAsync("sg-othername", SignedArtifact.FromDigest(digest), VerificationPolicy.ForIdentity(CertificateIdentity.Pattern(@"http://oidc\.local:\d+", @"foo!.*")));
        var prefixOnly = await VerifyAsync("sg-othername", SignedArtifact.FromDigest(digest), VerificationPolicy.ForIdentity(CertificateIdentity.SubjectPattern("http://oidc.local:8080", "foo")));

        Assert.True(matching.IsVerified, matching.ToString());
        Assert.Equal(SigstoreFailureKind.SignerMismatch, prefixOnly.Failure?.Kind);
    }

    [Fact]
    public void Production_trusted_root_is_embedded()
    {
        var root = TrustedRoot.Production;

        Assert.Contains(root.TransparencyLogs, l => l.BaseUrl == "https://rekor.sigstore.dev");
        Assert.NotEmpty(root.CertificateAuthorities);
        Assert.NotEmpty(root.CtLogs);
        Assert.NotEmpty(root.TimestampAuthorities);
    }
}
