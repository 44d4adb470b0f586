using Xunit.Abstractions;
using Skills.Oci.Build.Sigstore;
using Skills.Oci.Build.Sigstore.Keys;
using Skills.Oci.Build.Sigstore.TrustedRoots;
using Skills.Oci.Build.Sigstore.Verification;

namespace Skills.Oci.Build.Tests.Sigstore;

/// <summary>
/// Every case of sigstore-conformance's bundle-verify suite: a <c>_fail</c> case must fail, any other
/// must verify. Keyless cases use the identity the conformance harness passes
/// (<c>--certificate-identity</c> / <c>--certificate-oidc-issuer</c>): the conformance beacon workflow
/// from GitHub Actions, unless the case folder has its own <c>identity</c> and <c>issuer</c> files.
/// </summary>
public sealed class SigstoreConformanceTests(ITestOutputHelper output)
{
    private const string ConformanceIdentity =
        "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main";

    private const string ConformanceIssuer = "https://token.actions.githubusercontent.com";

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var directory in Directory.GetDirectories(SigstoreTestData.ConformanceRoot).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(directory));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Conformance_case_gives_its_expected_result(string name)
    {
        var result = await VerifyCaseAsync(name);
        output.WriteLine(result.ToString());

        if (name.EndsWith("_fail", StringComparison.Ordinal))
        {
            Assert.False(result.IsVerified, $"{name} must fail but verified: {result}");
        }
        else
        {
            Assert.True(result.IsVerified, $"{name} must verify but failed: {result.Failure}");
        }
    }

    [Fact]
    public void Suite_is_complete()
    {
        Assert.True(Cases().Count >= 70, "the conformance test data is missing");
    }

    internal static async Task<VerificationResult> VerifyCaseAsync(string name)
    {
        var folder = Path.Combine(SigstoreTestData.ConformanceRoot, name);
        var cancellationToken = CancellationToken.None;
        try
        {
            return await VerifyCaseCoreAsync(folder, cancellationToken);
        }
        catch (SigstoreException e)
        {
            // A trusted root or key.pub that cannot be read fails the case, as it would fail a user.
            return VerificationResult.Failed(e.Kind, e.Message);
        }
    }

    private static async Task<VerificationResult> VerifyCaseCoreAsync(string folder, CancellationToken cancellationToken)
    {
        var root = File.Exists(Path.Combine(folder, "trusted_root.json"))
            ? await TrustedRoot.LoadAsync(Path.Combine(folder, "trusted_root.json"), cancellationToken)
            : TrustedRoot.Production;

        var artifactPath = File.Exists(Path.Combine(folder, "artifact"))
            ? Path.Combine(folder, "artifact")
            : Path.Combine(SigstoreTestData.ConformanceRoot, "a.txt");
        var artifact = await SignedArtifact.FromFileAsync(artifactPath, cancellationToken);

        VerificationPolicy policy;
        if (File.Exists(Path.Combine(folder, "key.pub")))
        {
            policy = VerificationPolicy.ForKey(await VerificationKey.FromPemFileAsync(Path.Combine(folder, "key.pub"), cancellationToken));
        }
        else
        {
            var identity = File.Exists(Path.Combine(folder, "identity"))
                ? (await File.ReadAllTextAsync(Path.Combine(folder, "identity"), cancellationToken)).Trim()
                : ConformanceIdentity;
            var issuer = File.Exists(Path.Combine(folder, "issuer"))
                ? (await File.ReadAllTextAsync(Path.Combine(folder, "issuer"), cancellationToken)).Trim()
                : ConformanceIssuer;
            policy = VerificationPolicy.ForIdentity(CertificateIdentity.Exact(issuer, identity));
        }

        return await new SigstoreVerifier(root).VerifyFileAsync(Path.Combine(folder, "bundle.sigstore.json"), artifact, policy, cancellationToken);
    }
}
