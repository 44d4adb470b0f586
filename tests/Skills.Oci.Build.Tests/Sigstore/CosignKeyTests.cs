using Skills.Oci.Build.Sigstore;
using Skills.Oci.Build.Sigstore.Keys;

namespace Skills.Oci.Build.Tests.Sigstore;

/// <summary>cosign's encrypted private keys and plain PKCS#8 keys load, sign, and keep their secrets.</summary>
public sealed class CosignKeyTests
{
    [Theory]
    [InlineData("k1.key", "123")]
    [InlineData("k2.key", "")]
    [InlineData("k3.key", "hello")]
    public async Task Encrypted_cosign_key_decrypts_with_its_password(string file, string password)
    {
        using var key = await SigningKey.FromPemFileAsync(SigstoreTestData.PathOf("cosign-keys", file), password, CancellationToken.None);

        Assert.Equal(KeyAlgorithm.EcdsaP256, key.Algorithm);
        var signature = key.Sign("payload"u8);
        Assert.True(key.PublicKey.VerifyMessage("payload"u8, signature));
    }

    [Theory]
    [InlineData("k1.key")]
    [InlineData("k2.key")]
    [InlineData("k3.key")]
    public async Task Encrypted_cosign_key_with_a_wrong_password_fails_clearly(string file)
    {
        const string wrong = "not-the-password";

        var error = await Assert.ThrowsAsync<SigstoreException>(() => SigningKey.FromPemFileAsync(SigstoreTestData.PathOf("cosign-keys", file), wrong, CancellationToken.None));

        Assert.Equal(SigstoreFailureKind.KeyDecryptionFailed, error.Kind);
        Assert.Contains("password is wrong", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(wrong, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(KeyAlgorithm.EcdsaP256)]
    [InlineData(KeyAlgorithm.EcdsaP384)]
    [InlineData(KeyAlgorithm.Ed25519)]
    public void Encrypted_key_written_by_us_reads_back(KeyAlgorithm algorithm)
    {
        using var original = SigningKey.Generate(algorithm);

        var pem = original.ToEncryptedPem("s3cret");
        using var read = SigningKey.FromPem(pem, "s3cret");

        Assert.StartsWith("-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----", pem, StringComparison.Ordinal);
        Assert.Equal(original.PublicKey, read.PublicKey);
    }

    [Fact]
    public void Plain_pkcs8_keys_load_for_every_supported_algorithm()
    {
        using var ec256 = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        using var ec384 = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP384);
        using var rsa = System.Security.Cryptography.RSA.Create(2048);
        using var ed = SigningKey.Generate(KeyAlgorithm.Ed25519);

        using var p256 = SigningKey.FromPem(ec256.ExportPkcs8PrivateKeyPem());
        using var p384 = SigningKey.FromPem(ec384.ExportPkcs8PrivateKeyPem());
        using var rsaKey = SigningKey.FromPem(rsa.ExportPkcs8PrivateKeyPem());
        using var sec1 = SigningKey.FromPem(ec256.ExportECPrivateKeyPem());

        Assert.Equal(KeyAlgorithm.EcdsaP256, p256.Algorithm);
        Assert.Equal(KeyAlgorithm.EcdsaP384, p384.Algorithm);
        Assert.Equal(KeyAlgorithm.Rsa, rsaKey.Algorithm);
        Assert.Equal(p256.PublicKey, sec1.PublicKey);
        foreach (var key in new[] { p256, p384, rsaKey, ed })
        {
            Assert.True(key.PublicKey.VerifyMessage("m"u8, key.Sign("m"u8)), key.ToString());
            Assert.Equal(key.PublicKey, VerificationKey.FromPem(key.PublicKey.ToPem()));
        }
    }

    [Fact]
    public void Public_key_fingerprint_is_the_sha256_of_the_SubjectPublicKeyInfo()
    {
        using var key = SigningKey.Generate(KeyAlgorithm.EcdsaP256);

        var expected = "sha256:" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(key.PublicKey.SubjectPublicKeyInfo.Span)).ToLowerInvariant();

        Assert.Equal(expected, key.PublicKey.Fingerprint);
    }

    [Fact]
    public void Text_that_is_not_a_key_fails_with_a_key_error()
    {
        var error = Assert.Throws<SigstoreException>(() => SigningKey.FromPem("hello"));

        Assert.Equal(SigstoreFailureKind.KeyInvalid, error.Kind);
    }
}
