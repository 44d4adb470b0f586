using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Restore;
using Skills.Oci.Build.Trust.Policy;

namespace Skills.Oci.Build.Tests.Trust.Policy;

public sealed class PackageTrustPolicyTests : IDisposable
{
    private const string Fingerprint = "389B7A74D1C62C0FE035D6A96CA4C1E3198AEA38FDCE891D6946D527470D641D";
    private const string Other = "0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF";
    private readonly TempFolder _folder = new("package-policy");

    public void Dispose() => _folder.Dispose();

    private static SkillTrustPolicyItem Package(string include, string fingerprint = Fingerprint, string? definingFile = null, params (string Name, string Value)[] more)
    {
        var metadata = new Dictionary<string, string> { ["CertificateFingerprint"] = fingerprint };
        foreach (var (name, value) in more)
        {
            metadata[name] = value;
        }

        return new SkillTrustPolicyItem(include, metadata, definingFile);
    }

    private static SkillTrustPolicyItem Keyless(string include) =>
        new(include, new Dictionary<string, string> { ["Issuer"] = "https://token.actions.githubusercontent.com", ["Identity"] = "https://github.com/acme/skills/.github/workflows/release.yml@refs/heads/main" });

    private static Task<SkillTrustPolicySet> LoadAsync(params SkillTrustPolicyItem[] items) =>
        SkillTrustPolicySet.LoadAsync(items, null, CancellationToken.None);

    [Theory]
    [InlineData("nuget:Contoso.*", "Contoso.Json", true)]
    [InlineData("nuget:Contoso.*", "contoso.json", true)]
    [InlineData("NuGet:contoso.*", "Contoso.Json.Extensions", true)]
    [InlineData("nuget:Contoso.*", "Contoso", false)]
    [InlineData("nuget:Contoso.*", "Fabrikam.Contoso.Json", false)]
    [InlineData("nuget:Contoso.Json", "Contoso.Json", true)]
    [InlineData("nuget:Contoso.Json", "Contoso.Json2", false)]
    [InlineData("nuget:*.Skills", "Fabrikam.Skills", true)]
    [InlineData("nuget:*", "Anything", true)]
    public async Task Package_id_patterns_match_case_insensitively_with_star_as_any_run(string include, string packageId, bool matches)
    {
        var set = await LoadAsync(Package(include));

        Assert.Equal(matches, set.MatchPackage(packageId) is not null);
    }

    [Fact]
    public async Task Package_and_registry_policies_never_match_each_other()
    {
        var set = await LoadAsync(Package("nuget:*"), Keyless("ghcr.io/**"));

        Assert.Single(set.Policies);
        Assert.Single(set.PackagePolicies);
        Assert.Null(set.Match("docker.io", "library/nuget"));
        Assert.NotNull(set.Match("ghcr.io", "acme/pdf"));
        Assert.Equal("*", set.MatchPackage("ghcr.io")!.Pattern);
    }

    [Fact]
    public async Task The_most_specific_package_policy_wins_and_ties_go_to_the_first_declared()
    {
        var set = await LoadAsync(Package("nuget:*", Other), Package("nuget:Contoso.*"), Package("nuget:Contoso.Json", Other), Package("nuget:Contoso.J*"));

        Assert.Equal("Contoso.Json", set.MatchPackage("Contoso.Json")!.Pattern);
        Assert.Equal("Contoso.J*", set.MatchPackage("Contoso.Jwt")!.Pattern);
        Assert.Equal("Contoso.*", set.MatchPackage("Contoso.Xml")!.Pattern);
        Assert.Equal("*", set.MatchPackage("Fabrikam.Xml")!.Pattern);
    }

    [Fact]
    public async Task Metadata_is_read_with_defaults_any_signature_and_a_trusted_root_required()
    {
        var defaults = (await LoadAsync(Package("nuget:Contoso.*"))).PackagePolicies.Single();
        var explicitly = (await LoadAsync(Package("nuget:Contoso.*", $" {Fingerprint.ToLowerInvariant()} ; {string.Join(':', Other.Chunk(2).Select(c => new string(c)))} ;", null, ("SignatureType", "Repository"), ("AllowUntrustedRoot", "TRUE")))).PackagePolicies.Single();

        Assert.Equal(PackageSignatureRequirement.Any, defaults.SignatureType);
        Assert.False(defaults.AllowUntrustedRoot);
        Assert.Equal([Fingerprint], defaults.CertificateFingerprints);
        Assert.Equal(PackageSignatureRequirement.Repository, explicitly.SignatureType);
        Assert.True(explicitly.AllowUntrustedRoot);
        Assert.Equal([Fingerprint, Other], explicitly.CertificateFingerprints);
        Assert.NotEqual(defaults.CacheKey, explicitly.CacheKey);
    }

    [Theory]
    [InlineData("nuget:", Fingerprint, null, null, "package id pattern is empty")]
    [InlineData("nuget:Contoso/Json", Fingerprint, null, null, "cannot contain")]
    [InlineData("nuget:Contoso.*", "", null, null, "names no CertificateFingerprint")]
    [InlineData("nuget:Contoso.*", "abc123", null, null, "CertificateFingerprint 'abc123' is not a SHA-256 certificate fingerprint")]
    [InlineData("nuget:Contoso.*", Fingerprint + ";" + Fingerprint + "00", null, null, "is not a SHA-256")]
    [InlineData("nuget:Contoso.*", Fingerprint, "SignatureType", "timestamp", "SignatureType 'timestamp' is not 'author', 'repository' or 'any'")]
    [InlineData("nuget:Contoso.*", Fingerprint, "AllowUntrustedRoot", "yes", "AllowUntrustedRoot 'yes' is not 'true' or 'false'")]
    [InlineData("nuget:Contoso.*", Fingerprint, "Key", "eng/k.pub", "'Key' applies to registry skills")]
    [InlineData("nuget:Contoso.*", Fingerprint, "Issuer", "https://token.actions.githubusercontent.com", "'Issuer' applies to registry skills")]
    public async Task Invalid_package_policies_are_coded_errors_at_their_declaration(string include, string fingerprint, string? name, string? value, string why)
    {
        var project = _folder.Write("App.csproj", $"""
            <Project>
              <ItemGroup>
                <SkillTrustPolicy Include="{include.Replace("*", "%2A", StringComparison.Ordinal)}" />
              </ItemGroup>
            </Project>
            """);
        var item = name is null ? Package(include, fingerprint, project) : Package(include, fingerprint, project, (name, value!));

        var error = await Assert.ThrowsAsync<SkillsOciException>(() => LoadAsync(item));

        Assert.Equal(ErrorCodes.TrustPolicyInvalid, error.Code);
        Assert.Contains($"The SkillTrustPolicy '{include}' is invalid: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(why, error.Message, StringComparison.Ordinal);
        Assert.Equal(project, error.Diagnostic.File);
        Assert.Equal(3, error.Diagnostic.Line);
    }

    [Fact]
    public void The_policy_digest_of_a_registry_only_set_is_unchanged_by_package_policies_support()
    {
        // The value the released digest (format skills-oci-policy-1) gives these items: existing up-to-date stamps stay valid.
        var items = new[] { Keyless("ghcr.io/acme/skills/*"), new SkillTrustPolicyItem("ghcr.io/other/*", new Dictionary<string, string> { ["Issuer"] = "https://accounts.google.com", ["Identity"] = "me@example.com", ["Provenance"] = "https://slsa.dev/provenance/v1", ["SourceRepository"] = "https://github.com/other/skills" }) };

        Assert.Equal("sha256:4d949f1d87c413c13324e57f0c21e45e0fdb1d58dd59d96ee3309db6d7c8619e", TrustPolicyDigest.Compute(items, requireSignatures: true, trustedRootPath: null, baseDirectory: null));
        Assert.Null(TrustPolicyDigest.Compute([], requireSignatures: false, trustedRootPath: null, baseDirectory: null));
    }

    [Fact]
    public void Adding_or_changing_a_package_policy_changes_the_policy_digest()
    {
        var registry = Keyless("ghcr.io/acme/skills/*");
        var before = TrustPolicyDigest.Compute([registry], false, null, null);
        var withPackage = TrustPolicyDigest.Compute([registry, Package("nuget:Contoso.*")], false, null, null);
        var otherSigner = TrustPolicyDigest.Compute([registry, Package("nuget:Contoso.*", Other)], false, null, null);

        Assert.NotEqual(before, withPackage);
        Assert.NotEqual(withPackage, otherSigner);
        Assert.NotNull(TrustPolicyDigest.Compute([Package("nuget:Contoso.*")], false, null, null));
    }
}
