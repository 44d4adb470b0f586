using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Trust.Packages;
using Skills.Oci.Build.Trust.Policy;

namespace Skills.Oci.Build.Tests.Trust;

public sealed class PackageTrustGateTests(SignedPackagesFixture packages) : IClassFixture<SignedPackagesFixture>
{
    private const string Project = "/src/App/App.csproj";

    private static Task<SkillTrustPolicySet> PoliciesAsync(params (string Include, string Fingerprint)[] policies) =>
        SkillTrustPolicySet.LoadAsync(
            policies.Select(p => new SkillTrustPolicyItem(p.Include, new Dictionary<string, string> { ["CertificateFingerprint"] = p.Fingerprint, ["AllowUntrustedRoot"] = "true" })).ToArray(),
            null, CancellationToken.None);

    [Fact]
    public async Task A_package_no_policy_covers_is_not_verified_unless_signatures_are_required()
    {
        var policies = await PoliciesAsync(("nuget:Fabrikam.*", packages.Signer.Fingerprint));
        var verifier = SignedPackagesFixture.NewVerifier();

        var optional = await new PackageTrustGate(policies, requireSignatures: false, verifier, Project).CheckAsync(packages.SignedPackage, CancellationToken.None);
        var required = await Assert.ThrowsAsync<SkillsOciException>(() => new PackageTrustGate(policies, requireSignatures: true, verifier, Project).CheckAsync(packages.SignedPackage, CancellationToken.None));

        Assert.Null(optional);
        Assert.Equal(0, verifier.NuGetRuns);
        Assert.Equal(ErrorCodes.TrustPolicyRequired, required.Code);
        Assert.Contains("'Contoso.Json 1.2.0'", required.Message, StringComparison.Ordinal);
        Assert.Contains("nuget:Contoso.%2A", required.Message, StringComparison.Ordinal);
        Assert.Equal(Project, required.Diagnostic.File);
    }

    [Fact]
    public async Task A_covered_package_is_verified_and_a_refused_one_throws_its_coded_error_at_the_project()
    {
        var gate = new PackageTrustGate(await PoliciesAsync(("nuget:Contoso.*", packages.Signer.Fingerprint)), requireSignatures: true, SignedPackagesFixture.NewVerifier(), Project);

        var verified = await gate.CheckAsync(packages.SignedPackage, CancellationToken.None);
        var refused = await Assert.ThrowsAsync<SkillsOciException>(() => gate.CheckAsync(packages.UnsignedPackage, CancellationToken.None));

        Assert.Equal("nuget:author:sha256:" + packages.Signer.Fingerprint.ToLowerInvariant(), verified!.VerifiedBy);
        Assert.Equal(ErrorCodes.PackageUnsigned, refused.Code);
        Assert.Equal(Project, refused.Diagnostic.File);
        Assert.False(gate.IsInactive);
        Assert.True(new PackageTrustGate(SkillTrustPolicySet.Empty, false, SignedPackagesFixture.NewVerifier(), Project).IsInactive);
    }
}
