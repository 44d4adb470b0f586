using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.NuGet;
using Skills.Oci.Build.Trust.Packages;
using Skills.Oci.Build.Trust.Policy;

namespace Skills.Oci.Build.Tests.Trust;

public sealed class PackageSignatureVerifierTests(SignedPackagesFixture packages) : IClassFixture<SignedPackagesFixture>, IDisposable
{
    private readonly TempFolder _cache = new("nuget-verify-cache");

    public void Dispose() => _cache.Dispose();

    private static async Task<PackageTrustPolicy> PolicyAsync(string include, string fingerprints, string? signatureType = null, string allowUntrustedRoot = "true")
    {
        var metadata = new Dictionary<string, string> { ["CertificateFingerprint"] = fingerprints, ["AllowUntrustedRoot"] = allowUntrustedRoot };
        if (signatureType is not null)
        {
            metadata["SignatureType"] = signatureType;
        }

        var set = await SkillTrustPolicySet.LoadAsync([new SkillTrustPolicyItem(include, metadata)], null, CancellationToken.None);
        return set.PackagePolicies.Single();
    }

    [Theory]
    [InlineData(null)]
    [InlineData("author")]
    [InlineData("any")]
    public async Task A_package_signed_by_a_listed_certificate_is_verified_and_names_its_signer_for_the_lock(string? signatureType)
    {
        var policy = await PolicyAsync("nuget:Contoso.*", $"{packages.Other.Fingerprint};{packages.Signer.Fingerprint.ToLowerInvariant()}", signatureType);

        var result = await SignedPackagesFixture.NewVerifier().VerifyAsync(packages.SignedPackage, policy, CancellationToken.None);

        Assert.True(result.IsVerified, result.Failure?.ToString());
        Assert.Equal(PackageSignatureKind.Author, result.SignatureType);
        Assert.Equal(packages.Signer.Fingerprint, result.SignerFingerprint);
        Assert.Equal("nuget:author:sha256:" + packages.Signer.Fingerprint.ToLowerInvariant(), result.VerifiedBy);
    }

    [Fact]
    public async Task An_unsigned_package_is_refused()
    {
        var policy = await PolicyAsync("nuget:Contoso.*", packages.Signer.Fingerprint);

        var result = await SignedPackagesFixture.NewVerifier().VerifyAsync(packages.UnsignedPackage, policy, CancellationToken.None);

        Assert.False(result.IsVerified);
        Assert.Null(result.VerifiedBy);
        Assert.Equal(PackageSignatureKind.None, result.SignatureType);
        Assert.Equal(ErrorCodes.PackageUnsigned, result.Failure!.Code);
        Assert.Contains("'Contoso.Plain 1.0.0' is not signed", result.Failure.Message, StringComparison.Ordinal);
        Assert.Contains("nuget:Contoso.*", result.Failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_package_signed_by_another_certificate_is_refused_naming_the_found_and_the_expected_fingerprint()
    {
        var policy = await PolicyAsync("nuget:Contoso.Json", packages.Other.Fingerprint);

        var result = await SignedPackagesFixture.NewVerifier().VerifyAsync(packages.SignedPackage, policy, CancellationToken.None);

        Assert.Equal(ErrorCodes.PackageSignerNotTrusted, result.Failure!.Code);
        Assert.Contains($"found author signature by {packages.Signer.Fingerprint} (CN=Contoso Signer)", result.Failure.Message, StringComparison.Ordinal);
        Assert.Contains($"expected {packages.Other.Fingerprint}", result.Failure.Message, StringComparison.Ordinal);
        Assert.Equal(packages.Signer.Fingerprint, result.SignerFingerprint);
        Assert.False(result.IsVerified);
    }

    [Fact]
    public async Task A_policy_requiring_a_repository_signature_refuses_an_author_signature_by_the_listed_certificate()
    {
        var policy = await PolicyAsync("nuget:Contoso.Json", packages.Signer.Fingerprint, "repository");

        var result = await SignedPackagesFixture.NewVerifier().VerifyAsync(packages.SignedPackage, policy, CancellationToken.None);

        Assert.Equal(ErrorCodes.PackageSignatureTypeMismatch, result.Failure!.Code);
        Assert.Contains("with an author signature, but", result.Failure.Message, StringComparison.Ordinal);
        Assert.Contains("requires a repository signature", result.Failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_self_signed_signer_is_refused_unless_the_policy_allows_an_untrusted_root()
    {
        var policy = await PolicyAsync("nuget:Contoso.Json", packages.Signer.Fingerprint, allowUntrustedRoot: "false");

        var result = await SignedPackagesFixture.NewVerifier().VerifyAsync(packages.SignedPackage, policy, CancellationToken.None);

        Assert.Equal(ErrorCodes.PackageSignerUntrustedRoot, result.Failure!.Code);
        Assert.Contains("NU3018", result.Failure.Message, StringComparison.Ordinal);
        Assert.Contains("AllowUntrustedRoot", result.Failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_package_modified_after_signing_is_refused()
    {
        var policy = await PolicyAsync("nuget:Contoso.*", packages.Signer.Fingerprint);

        var result = await SignedPackagesFixture.NewVerifier().VerifyAsync(packages.TamperedPackage, policy, CancellationToken.None);

        Assert.Equal(ErrorCodes.PackageSignatureInvalid, result.Failure!.Code);
        Assert.Contains("'Contoso.Changed 2.0.0-beta.1'", result.Failure.Message, StringComparison.Ordinal);
        Assert.Contains("modified after it was signed", result.Failure.Message, StringComparison.Ordinal);
        Assert.Matches("NU30(03|05|07|08|09)", result.Failure.Message);
    }

    [Fact]
    public async Task A_verified_package_is_not_verified_again_by_the_same_verifier_nor_by_the_next_restore_sharing_the_cache()
    {
        var policy = await PolicyAsync("nuget:Contoso.*", packages.Signer.Fingerprint);
        var first = SignedPackagesFixture.NewVerifier(_cache.Path);

        var verified = await first.VerifyAsync(packages.SignedPackage, policy, CancellationToken.None);
        var again = await first.VerifyAsync(packages.SignedPackage, policy, CancellationToken.None);
        var next = SignedPackagesFixture.NewVerifier(_cache.Path);
        var fromDisk = await next.VerifyAsync(packages.SignedPackage, policy, CancellationToken.None);

        Assert.Equal(1, first.NuGetRuns);
        Assert.Equal(0, next.NuGetRuns);
        Assert.False(verified.FromCache);
        Assert.True(again.FromCache);
        Assert.True(fromDisk.FromCache);
        Assert.Equal(verified.VerifiedBy, fromDisk.VerifiedBy);
    }

    [Fact]
    public async Task A_nupkg_replaced_after_its_verification_is_verified_again()
    {
        var policy = await PolicyAsync("nuget:Contoso.*", packages.Signer.Fingerprint);
        var folder = Path.Combine(_cache.CreateFolder("packages"), "contoso.json", "1.2.0");
        Directory.CreateDirectory(folder);
        foreach (var file in Directory.GetFiles(Path.GetDirectoryName(packages.SignedPackage.NupkgPath)!))
        {
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        }

        var copy = VerifiablePackage.InGlobalPackagesFolder(_cache.Combine("packages"), "Contoso.Json", "1.2.0");
        var verifier = SignedPackagesFixture.NewVerifier(_cache.CreateFolder("verified"));
        File.SetLastWriteTimeUtc(copy.NupkgPath, new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        await verifier.VerifyAsync(copy, policy, CancellationToken.None);
        File.SetLastWriteTimeUtc(copy.NupkgPath, new DateTime(2025, 1, 2, 0, 0, 0, DateTimeKind.Utc));
        var again = await verifier.VerifyAsync(copy, policy, CancellationToken.None);

        Assert.Equal(2, verifier.NuGetRuns);
        Assert.False(again.FromCache);
        Assert.True(again.IsVerified);
    }

    [Fact]
    public async Task The_cache_does_not_carry_a_verification_over_to_another_policy_or_a_refusal_to_the_next_check()
    {
        var verifier = SignedPackagesFixture.NewVerifier(_cache.Path);
        var any = await PolicyAsync("nuget:Contoso.*", packages.Signer.Fingerprint);
        var repositoryOnly = await PolicyAsync("nuget:Contoso.*", packages.Signer.Fingerprint, "repository");

        Assert.True((await verifier.VerifyAsync(packages.SignedPackage, any, CancellationToken.None)).IsVerified);
        Assert.False((await verifier.VerifyAsync(packages.SignedPackage, repositoryOnly, CancellationToken.None)).IsVerified);
        Assert.False((await verifier.VerifyAsync(packages.UnsignedPackage, any, CancellationToken.None)).IsVerified);
        Assert.False((await verifier.VerifyAsync(packages.UnsignedPackage, any, CancellationToken.None)).IsVerified);

        Assert.Equal(4, verifier.NuGetRuns);
    }

    [Fact]
    public async Task A_nupkg_missing_from_the_packages_folder_is_a_coded_error_without_running_NuGet()
    {
        var policy = await PolicyAsync("nuget:Contoso.*", packages.Signer.Fingerprint);
        var verifier = SignedPackagesFixture.NewVerifier();

        var result = await verifier.VerifyAsync(VerifiablePackage.InGlobalPackagesFolder(packages.Folder.Path, "Contoso.Gone", "1.0.0"), policy, CancellationToken.None);

        Assert.Equal(ErrorCodes.PackageFileMissing, result.Failure!.Code);
        Assert.Equal(0, verifier.NuGetRuns);
    }
}
