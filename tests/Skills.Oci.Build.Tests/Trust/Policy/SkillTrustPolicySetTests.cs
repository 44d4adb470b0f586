using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Sigstore.Keys;
using Skills.Oci.Build.Trust.Policy;

namespace Skills.Oci.Build.Tests.Trust.Policy;

public sealed class SkillTrustPolicySetTests : IDisposable
{
    private const string Issuer = "https://token.actions.githubusercontent.com";
    private readonly TempFolder _folder = new("policy");

    public void Dispose() => _folder.Dispose();

    private static SkillTrustPolicyItem Keyless(string include, string identity = "https://github.com/acme/skills/.github/workflows/release.yml@refs/heads/main") =>
        new(include, new Dictionary<string, string> { ["Issuer"] = Issuer, ["Identity"] = identity });

    private static Task<SkillTrustPolicySet> LoadAsync(params SkillTrustPolicyItem[] items) =>
        SkillTrustPolicySet.LoadAsync(items, null, CancellationToken.None);

    [Theory]
    [InlineData("ghcr.io/acme/skills/*", "ghcr.io", "acme/skills/pdf", true)]
    [InlineData("ghcr.io/acme/skills/*", "ghcr.io", "acme/skills/team/pdf", false)]
    [InlineData("ghcr.io/acme/**", "ghcr.io", "acme/skills/team/pdf", true)]
    [InlineData("ghcr.io/acme/skills/pdf", "ghcr.io", "acme/skills/pdf", true)]
    [InlineData("ghcr.io/acme/skills/pdf", "ghcr.io", "acme/skills/pdf2", false)]
    [InlineData("salaboy/*", "docker.io", "salaboy/review", true)]
    [InlineData("index.docker.io/salaboy/*", "docker.io", "salaboy/review", true)]
    [InlineData("docker.io/ubuntu", "docker.io", "library/ubuntu", true)]
    [InlineData("127.0.0.1:5000/x/*", "127.0.0.1:5000", "x/pdf", true)]
    [InlineData("ghcr.io/acme/*", "quay.io", "acme/pdf", false)]
    public async Task Include_patterns_match_normalised_repositories(string include, string registry, string repository, bool matches)
    {
        var set = await LoadAsync(Keyless(include));

        Assert.Equal(matches, set.Match(registry, repository) is not null);
    }

    [Fact]
    public async Task The_most_specific_matching_policy_wins_and_ties_go_to_the_first_declared()
    {
        var set = await LoadAsync(Keyless("ghcr.io/**", "broad"), Keyless("ghcr.io/acme/*", "team"), Keyless("ghcr.io/acme/pdf", "exact"), Keyless("ghcr.io/acme/p*", "later"));

        Assert.Contains("exact", set.Match("ghcr.io", "acme/pdf")!.Requirement.ToString(), StringComparison.Ordinal);
        Assert.Contains("later", set.Match("ghcr.io", "acme/pull")!.Requirement.ToString(), StringComparison.Ordinal);
        Assert.Contains("team", set.Match("ghcr.io", "acme/lint")!.Requirement.ToString(), StringComparison.Ordinal);
        Assert.Contains("broad", set.Match("ghcr.io", "other/lint")!.Requirement.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_relative_key_is_read_from_the_folder_of_the_declaring_file()
    {
        using var key = SigningKey.Generate(KeyAlgorithm.EcdsaP256);
        Directory.CreateDirectory(Path.Combine(_folder.Path, "eng"));
        await File.WriteAllTextAsync(Path.Combine(_folder.Path, "eng", "k.pub"), key.PublicKey.ToPem());
        var project = Path.Combine(_folder.Path, "App.csproj");

        var set = await LoadAsync(new SkillTrustPolicyItem("ghcr.io/acme/*", new Dictionary<string, string> { ["Key"] = "eng/k.pub" }, project));

        Assert.Equal(key.PublicKey, set.Match("ghcr.io", "acme/pdf")!.Requirement.Policy.Key);
    }

    public static TheoryData<string, string> Invalid => new()
    {
        { "none", "neither a Key nor a keyless identity" },
        { "both", "both a Key and a keyless identity" },
        { "missing-key", "does not exist" },
        { "bad-pem", "not a usable PEM public key" },
        { "issuer-only", "needs both an issuer" },
        { "provenance-without-source", "without a SourceRepository" },
        { "bad-predicate", "is not a SLSA provenance predicate type" },
        { "bad-pattern", "not a valid regular expression" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public async Task Invalid_policies_are_coded_errors_at_the_declaring_line(string variant, string reason)
    {
        var project = Path.Combine(_folder.Path, "App.csproj");
        await File.WriteAllTextAsync(Path.Combine(_folder.Path, "bad.pub"), "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n");
        await File.WriteAllTextAsync(project, "<Project>\n  <ItemGroup>\n    <SkillTrustPolicy Include=\"ghcr.io/acme/%2A\" />\n  </ItemGroup>\n</Project>\n");
        var metadata = variant switch
        {
            "none" => new Dictionary<string, string>(),
            "both" => new Dictionary<string, string> { ["Key"] = "bad.pub", ["Issuer"] = Issuer, ["Identity"] = "x" },
            "missing-key" => new Dictionary<string, string> { ["Key"] = "missing.pub" },
            "bad-pem" => new Dictionary<string, string> { ["Key"] = "bad.pub" },
            "issuer-only" => new Dictionary<string, string> { ["Issuer"] = Issuer },
            "provenance-without-source" => new Dictionary<string, string> { ["Issuer"] = Issuer, ["Identity"] = "x", ["Provenance"] = "https://slsa.dev/provenance/v1" },
            "bad-predicate" => new Dictionary<string, string> { ["Issuer"] = Issuer, ["Identity"] = "x", ["Provenance"] = "https://example.com/other", ["SourceRepository"] = "https://github.com/acme/skills" },
            _ => new Dictionary<string, string> { ["Issuer"] = Issuer, ["IdentityPattern"] = "([unclosed" },
        };

        var error = await Assert.ThrowsAsync<SkillsOciException>(() => LoadAsync(new SkillTrustPolicyItem("ghcr.io/acme/*", metadata, project)));

        Assert.Equal(ErrorCodes.TrustPolicyInvalid, error.Code);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.Equal(project, error.Diagnostic.File);
        Assert.Equal(3, error.Diagnostic.Line);
    }
}
