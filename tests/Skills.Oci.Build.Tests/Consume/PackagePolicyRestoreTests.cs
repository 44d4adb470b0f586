using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Restore;
using Skills.Oci.Build.Sigstore.Keys;
using Skills.Oci.Build.Tests.Oci.Registry;

namespace Skills.Oci.Build.Tests.Consume;

/// <summary>
/// <c>nuget:</c> SkillTrustPolicy items through the real SDK: MSBuild hands them to the restore task
/// (with <c>%2A</c>), an invalid one fails at its line, and a valid one leaves registry skills to the
/// registry policies, SkillsRequireSignatures included.
/// </summary>
[Collection(RegistryCollectionDefinition.Name)]
public sealed class PackagePolicyRestoreTests(RegistryFixture fixture)
{
    private const string Fingerprint = "389B7A74D1C62C0FE035D6A96CA4C1E3198AEA38FDCE891D6946D527470D641D";

    [Fact]
    public async Task A_package_policy_is_parsed_by_restore_and_does_not_cover_registry_skills()
    {
        using var publisher = new RegistrySkillPublisher(fixture.Registry, "trust-nuget");
        await publisher.PublishAsync("pdf", "1.0.0");
        using var key = SigningKey.Generate(KeyAlgorithm.EcdsaP256);
        await TrustTests.SignAsync(fixture.Registry, publisher, "pdf", "1.0.0", key);
        using var repo = await ConsumerWorkspace.CreateAsync();
        TrustTests.WriteKey(repo, "skills.pub", key);
        var registryPolicy = TrustTests.KeyPolicy(publisher.Repo("pdf"), "skills.pub");
        var requireSignatures = "  <PropertyGroup><SkillsRequireSignatures>true</SkillsRequireSignatures></PropertyGroup>\n";

        repo.WriteProject("App.csproj", [(publisher.Repo("pdf"), "1.0.0")], registryPolicy + requireSignatures + """
              <ItemGroup>
                <SkillTrustPolicy Include="nuget:Contoso.%2A" CertificateFingerprint="not-a-fingerprint" />
              </ItemGroup>

            """);
        var line = Array.FindIndex(File.ReadAllLines(repo.File("App.csproj")), l => l.Contains("nuget:Contoso.%2A", StringComparison.Ordinal)) + 1;
        var invalid = await repo.Cli().RunAsync("restore");

        Assert.False(invalid.Succeeded, invalid.ToString());
        Assert.Equal([ErrorCodes.TrustPolicyInvalid], invalid.ErrorCodes());
        Assert.Contains($"App.csproj({line},", invalid.Output, StringComparison.Ordinal);
        Assert.Contains("The SkillTrustPolicy 'nuget:Contoso.*' is invalid: its CertificateFingerprint 'not-a-fingerprint'", invalid.Output, StringComparison.Ordinal);

        repo.WriteProject("App.csproj", [(publisher.Repo("pdf"), "1.0.0")], registryPolicy + requireSignatures + $"""
              <ItemGroup>
                <SkillTrustPolicy Include="nuget:%2A" CertificateFingerprint="{Fingerprint}" AllowUntrustedRoot="true" />
              </ItemGroup>

            """);
        var restore = await repo.Cli().RunAsync("restore");

        Assert.True(restore.Succeeded, restore.ToString());
        var entry = Assert.Single(LockFile.Parse(File.ReadAllBytes(repo.LockPath), repo.LockPath).Skills);
        Assert.Equal($"key:{key.PublicKey.Fingerprint}", entry.VerifiedBy);
    }
}
