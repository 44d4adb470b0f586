using Skills.Oci.Build.Restore;
using Skills.Oci.Build.Tests.Infrastructure;
using static Skills.Oci.Build.Tests.Consume.PackageSkillTests;

namespace Skills.Oci.Build.Tests.Consume;

/// <summary>
/// <c>nuget:</c> SkillTrustPolicy items on a real <c>dotnet restore</c>: packages packed and author-signed
/// with the real CLI, verified by NuGet itself, the signer recorded in the lock, refusals coded with
/// nothing installed.
/// </summary>
public sealed class PackageSkillTrustTests
{
    private const string App = "src/App/App.csproj";

    [Fact]
    public async Task A_signed_package_that_satisfies_its_policy_is_installed_and_the_lock_records_its_signer()
    {
        using var feed = new TestNuGetPackages();
        using var work = new TempFolder("signed-packages");
        var certificate = CodeSigningCertificate.Create(work.Path, "Contoso Signing");
        await SignedSkillPackages.SignAsync(SignedSkillPackages.Write(feed.FeedPath, "Contoso.Signed", "1.0.0", "contoso-signed"), certificate);
        using var repo = await Consumer(feed);
        repo.WriteProject(App, [], PackageReference("Contoso.Signed", "1.0.0") + Policy("Contoso.%2A", certificate.Fingerprint));

        var result = await repo.Cli("src/App").RunAsync("restore");

        Assert.True(result.Succeeded, result.ToString());
        Assert.True(File.Exists(repo.SkillFile("contoso-signed")));
        var entry = Assert.Single(ReadLock(repo).Skills);
        Assert.Equal($"nuget:author:sha256:{certificate.Fingerprint.ToLowerInvariant()}", entry.VerifiedBy);

        // VerifySkills checks the signature again in the package NuGet keeps, against the current policy.
        var verify = await repo.Cli("src/App").RunAsync("msbuild", "-t:VerifySkills", "-v:n");
        Assert.True(verify.Succeeded, verify.ToString());
        Assert.Contains(entry.VerifiedBy!, verify.Output, StringComparison.Ordinal);

        var other = CodeSigningCertificate.Create(work.Path, "Other Signing");
        repo.WriteProject(App, [], PackageReference("Contoso.Signed", "1.0.0") + Policy("Contoso.%2A", other.Fingerprint));
        var refused = await repo.Cli("src/App").RunAsync("msbuild", "-t:VerifySkills");
        Assert.False(refused.Succeeded, refused.ToString());
        Assert.Contains("SKOCI5061", refused.ErrorCodes());
    }

    [Fact]
    public async Task A_package_signed_by_another_certificate_or_not_signed_is_refused_with_its_code_and_nothing_is_installed()
    {
        using var feed = new TestNuGetPackages();
        using var work = new TempFolder("signed-packages");
        var signer = CodeSigningCertificate.Create(work.Path, "Contoso Signing");
        var expected = CodeSigningCertificate.Create(work.Path, "Expected Signing");
        await SignedSkillPackages.SignAsync(SignedSkillPackages.Write(feed.FeedPath, "Contoso.Other", "1.0.0", "contoso-other"), signer);
        SignedSkillPackages.Write(feed.FeedPath, "Contoso.Unsigned", "1.0.0", "contoso-unsigned");
        using var repo = await Consumer(feed);
        repo.WriteProject(App, [], PackageReference("Contoso.Other", "1.0.0") + PackageReference("Contoso.Unsigned", "1.0.0") + Policy("Contoso.%2A", expected.Fingerprint));

        var result = await repo.Cli("src/App").RunAsync("restore");

        Assert.False(result.Succeeded, result.ToString());
        // Both refusals are reported, not only the first.
        Assert.Contains("SKOCI5061", result.ErrorCodes());
        Assert.Contains("SKOCI5060", result.ErrorCodes());
        Assert.Contains(signer.Fingerprint, result.Output, StringComparison.OrdinalIgnoreCase);
        Assert.False(Directory.Exists(Path.GetDirectoryName(repo.SkillFile("contoso-other"))));
        Assert.False(Directory.Exists(Path.GetDirectoryName(repo.SkillFile("contoso-unsigned"))));
        Assert.False(File.Exists(repo.LockPath));
    }

    [Fact]
    public async Task With_SkillsRequireSignatures_a_package_no_policy_covers_is_refused()
    {
        using var feed = new TestNuGetPackages();
        feed.Add(TestPackage.WithSkill("Fabrikam.Tools", "1.0.0", "fabrikam-tools"));
        using var repo = await Consumer(feed);
        repo.WriteProject(App, [], PackageReference("Fabrikam.Tools", "1.0.0") + """
              <PropertyGroup>
                <SkillsRequireSignatures>true</SkillsRequireSignatures>
              </PropertyGroup>

            """);

        var result = await repo.Cli("src/App").RunAsync("restore");

        Assert.False(result.Succeeded, result.ToString());
        Assert.Contains("SKOCI4018", result.ErrorCodes());
        Assert.Contains("Fabrikam.Tools", result.Output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.GetDirectoryName(repo.SkillFile("fabrikam-tools"))));
    }

    private static string Policy(string pattern, string fingerprint) => $"""
          <ItemGroup>
            <SkillTrustPolicy Include="nuget:{pattern}" CertificateFingerprint="{fingerprint}" AllowUntrustedRoot="true" />
          </ItemGroup>

        """;
}
