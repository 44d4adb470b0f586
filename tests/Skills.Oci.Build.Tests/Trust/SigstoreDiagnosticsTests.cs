using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Sigstore;
using Skills.Oci.Build.Sigstore.Keys;
using Skills.Oci.Build.Sigstore.Signing;
using Skills.Oci.Build.Sigstore.TrustedRoots;
using Skills.Oci.Build.Sigstore.Verification;
using Skills.Oci.Build.Tests.Sigstore;
using Skills.Oci.Build.Trust;

namespace Skills.Oci.Build.Tests.Trust;

/// <summary>Sigstore failures reach users as SKOCI4001-4012 errors, one code per kind of failed check.</summary>
public sealed class SigstoreDiagnosticsTests
{
    [Fact]
    public void Each_failure_kind_has_its_own_documented_trust_code()
    {
        var codes = Enum.GetValues<SigstoreFailureKind>().Select(SigstoreDiagnostics.CodeOf).ToList();

        Assert.Equal(codes.Count, codes.Distinct(StringComparer.Ordinal).Count());
        Assert.All(codes, code => Assert.Matches("^SKOCI40(0[1-9]|1[0-2])$", code));
        Assert.Equal(ErrorCodes.SignerMismatch, SigstoreDiagnostics.CodeOf(SigstoreFailureKind.SignerMismatch));
        Assert.Equal(ErrorCodes.KeyDecryptionFailed, SigstoreDiagnostics.CodeOf(SigstoreFailureKind.KeyDecryptionFailed));
    }

    [Fact]
    public void Failed_verification_becomes_a_coded_error_about_the_given_file()
    {
        using var key = SigningKey.Generate(KeyAlgorithm.EcdsaP256);
        using var other = SigningKey.Generate(KeyAlgorithm.EcdsaP256);
        var manifest = Digest.ComputeSha256("{\"schemaVersion\":2}"u8);
        var bundle = new SigstoreBundleSigner(key).SignStatement("skill", manifest);
        var result = new SigstoreVerifier(TrustedRoot.Production).Verify(bundle, SignedArtifact.FromDigest(manifest), VerificationPolicy.ForKey(other.PublicKey));

        var diagnostic = SigstoreDiagnostics.ToDiagnostic(result.Failure!, "skills.lock.json");

        Assert.Equal(ErrorCodes.SignatureInvalid, diagnostic.Code);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Equal("skills.lock.json", diagnostic.File);
        Assert.Equal($"{ErrorCodes.SignatureInvalid}: {result.Failure!.Reason}", SigstoreDiagnostics.Describe(result.Failure));
    }

    [Fact]
    public async Task A_signing_key_with_a_wrong_password_is_a_coded_error()
    {
        var error = await Assert.ThrowsAsync<SkillsOciException>(() =>
            SigstoreDiagnostics.LoadSigningKeyAsync(SigstoreTestData.PathOf("cosign-keys", "k1.key"), "not-the-password", CancellationToken.None));

        Assert.Equal(ErrorCodes.KeyDecryptionFailed, error.Code);
        Assert.IsType<SigstoreException>(error.InnerException);
    }

    [Fact]
    public async Task A_malformed_trusted_root_is_a_coded_error()
    {
        using var temp = new TempFolder("root");
        var path = temp.Write("trusted_root.json", "{\"mediaType\":\"application/json\"}");

        var error = await Assert.ThrowsAsync<SkillsOciException>(() => SigstoreDiagnostics.LoadTrustedRootAsync(path, CancellationToken.None));

        Assert.Equal(ErrorCodes.TrustedRootInvalid, error.Code);
        Assert.Contains("not a Sigstore trusted root", error.Message, StringComparison.Ordinal);
    }
}
