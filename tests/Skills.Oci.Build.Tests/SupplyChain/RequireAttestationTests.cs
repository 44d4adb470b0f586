using System.Text.Json;
using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Sigstore.Keys;
using Skills.Oci.Build.Sigstore.Signing;
using Skills.Oci.Build.Sigstore.TrustedRoots;
using Skills.Oci.Build.Sigstore.Verification;
using Skills.Oci.Build.Trust;
using Skills.Oci.Build.Trust.Policy;
using Skills.Oci.Build.Trust.Signatures;

namespace Skills.Oci.Build.Tests.SupplyChain;

/// <summary><c>RequireAttestation</c>: a policy that demands a verified in-toto attestation of a predicate type (a SCAI scan report) by its signer.</summary>
public sealed class RequireAttestationTests
{
    private const string Scai = Build.Sigstore.Attestations.ScaiAttributeReport.PredicateTypeV03;
    private static readonly Digest Manifest = Digest.ComputeSha256("skill manifest"u8);

    private static DiscoveredSignature Bundle(SigningKey key, string predicateType, Digest subject, Action<Utf8JsonWriter>? predicate = null) =>
        new(SignatureFormat.SigstoreBundle, MediaTypes.SigstoreBundleV03, new SigstoreBundleSigner(key).SignStatement("pdf", subject, predicateType, predicate),
            new Dictionary<string, string>(StringComparer.Ordinal) { [CosignRegistryFormat.BundlePredicateTypeAnnotation] = predicateType }, "referrer " + predicateType);

    private static void ScanReport(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteStartArray("attributes");
        writer.WriteStartObject();
        writer.WriteString("attribute", "SKOCI5xxx findings");
        writer.WriteString("conditions", "none");
        writer.WriteEndObject();
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static SkillTrustRequirement Requirement(SigningKey key) =>
        new(VerificationPolicy.ForKey(key.PublicKey)) { RequiredAttestations = [Scai] };

    [Fact]
    public void A_signed_skill_with_a_verified_scan_attestation_by_the_same_key_satisfies_the_policy_and_the_verdict_lists_it()
    {
        using var key = SigningKey.Generate(KeyAlgorithm.EcdsaP256);
        var found = new DiscoveredSignatures(Manifest, [Bundle(key, SigstoreBundleSigner.CosignSignPredicateType, Manifest), Bundle(key, Scai, Manifest, ScanReport)], []);

        var verdict = new SkillTrustEvaluator(TrustedRoot.Production).Evaluate(found, Manifest, Requirement(key));

        Assert.True(verdict.IsVerified, verdict.ToString());
        var attestation = Assert.Single(verdict.Attestations);
        Assert.Equal(Scai, attestation.PredicateType);
        Assert.Equal(["SKOCI5xxx findings when none"], attestation.Attributes);
    }

    public static TheoryData<string> Missing => new() { "none", "other-key", "other-digest", "other-type" };

    [Theory]
    [MemberData(nameof(Missing))]
    public void Without_a_verified_attestation_of_the_type_by_the_signer_about_this_digest_it_is_SKOCI5240(string how)
    {
        using var key = SigningKey.Generate(KeyAlgorithm.EcdsaP256);
        using var other = SigningKey.Generate(KeyAlgorithm.EcdsaP256);
        var items = new List<DiscoveredSignature> { Bundle(key, SigstoreBundleSigner.CosignSignPredicateType, Manifest) };
        switch (how)
        {
            case "other-key":
                items.Add(Bundle(other, Scai, Manifest, ScanReport));
                break;
            case "other-digest":
                items.Add(Bundle(key, Scai, Digest.ComputeSha256("another"u8), ScanReport));
                break;
            case "other-type":
                items.Add(Bundle(key, "https://in-toto.io/attestation/vulns/v0.2", Manifest));
                break;
        }

        var verdict = new SkillTrustEvaluator(TrustedRoot.Production).Evaluate(new DiscoveredSignatures(Manifest, items, []), Manifest, Requirement(key));

        Assert.False(verdict.IsVerified);
        Assert.Equal(ErrorCodes.AttestationMissing, verdict.Diagnostic!.Code);
        Assert.Contains(Scai, verdict.Diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_policy_item_reads_RequireAttestation_and_refuses_a_value_that_is_not_a_URI()
    {
        using var temp = new TempFolder("attest-policy");
        using var key = SigningKey.Generate(KeyAlgorithm.EcdsaP256);
        var keyPath = temp.Write("k.pub", key.PublicKey.ToPem());
        SkillTrustPolicyItem Item(string value) => new("ghcr.io/acme/*", new Dictionary<string, string> { ["Key"] = keyPath, ["RequireAttestation"] = value });

        var set = await SkillTrustPolicySet.LoadAsync([Item($"{Scai}; https://slsa.dev/provenance/v1")], temp.Path, CancellationToken.None);
        var ex = await Assert.ThrowsAsync<SkillsOciException>(() => SkillTrustPolicySet.LoadAsync([Item("scai")], temp.Path, CancellationToken.None));

        Assert.Equal([Scai, "https://slsa.dev/provenance/v1"], set.Policies[0].Requirement.RequiredAttestations);
        Assert.Equal(ErrorCodes.TrustPolicyInvalid, ex.Code);
    }
}

/// <summary>RequireAttestation through real <c>dotnet restore</c>: the attested skill installs and its scan verdict is logged; the other is SKOCI5240.</summary>
[Collection(RegistryCollectionDefinition.Name)]
public sealed class RequireAttestationRestoreTests(RegistryFixture fixture)
{
    private const string Scai = Build.Sigstore.Attestations.ScaiAttributeReport.PredicateTypeV03;

    private static async Task AttestAsync(Consume.RegistrySkillPublisher publisher, string name, SigningKey key)
    {
        using var client = Oci.Registry.TestClients.Isolated();
        var repository = ImageReference.Parse(publisher.Repo(name));
        var manifest = await client.ResolveAsync(repository.WithTag("1.0.0"));
        var bundle = new SigstoreBundleSigner(key).SignStatement(name, manifest.Digest, Scai, writer =>
        {
            writer.WriteStartObject();
            writer.WriteStartArray("attributes");
            writer.WriteStartObject();
            writer.WriteString("attribute", "no-high-findings");
            writer.WriteString("conditions", "skills-oci scan 1.0");
            writer.WriteEndObject();
            writer.WriteEndArray();
            writer.WriteEndObject();
        });
        await new SignatureStore().AttachBundleAsync(client, repository, manifest, bundle, BundleContent.DsseEnvelope, Scai, DateTimeOffset.UtcNow);
    }

    [Fact]
    public async Task A_skill_with_the_required_scan_attestation_installs_and_one_without_is_SKOCI5240()
    {
        using var publisher = new Consume.RegistrySkillPublisher(fixture.Registry, "attest-restore");
        await publisher.PublishAsync("pdf", "1.0.0");
        await publisher.PublishAsync("lint", "1.0.0");
        using var key = SigningKey.Generate(KeyAlgorithm.EcdsaP256);
        await Consume.TrustTests.SignAsync(fixture.Registry, publisher, "pdf", "1.0.0", key);
        await Consume.TrustTests.SignAsync(fixture.Registry, publisher, "lint", "1.0.0", key);
        await AttestAsync(publisher, "pdf", key);
        var policy = $"""
              <ItemGroup>
                <SkillTrustPolicy Include="{fixture.Registry.HostPort}/attest-restore/%2A" Key="../../eng/keys/skills.pub" RequireAttestation="{Scai}" />
              </ItemGroup>

            """;

        using var attested = await Consume.ConsumerWorkspace.CreateAsync();
        Consume.TrustTests.WriteKey(attested, "eng/keys/skills.pub", key);
        attested.WriteProject("src/App/App.csproj", [(publisher.Repo("pdf"), "1.0.0")], policy);
        var accepted = await attested.Cli("src/App").RunAsync("restore", "-v:detailed");

        Assert.True(accepted.Succeeded, accepted.ToString());
        Assert.Contains($"verified attestations: {Scai} (no-high-findings when skills-oci scan 1.0)", accepted.Output, StringComparison.Ordinal);

        using var unattested = await Consume.ConsumerWorkspace.CreateAsync();
        Consume.TrustTests.WriteKey(unattested, "eng/keys/skills.pub", key);
        unattested.WriteProject("src/App/App.csproj", [(publisher.Repo("lint"), "1.0.0")], policy);
        var refused = await unattested.Cli("src/App").RunAsync("restore");

        Assert.False(refused.Succeeded, refused.ToString());
        Assert.Equal([ErrorCodes.AttestationMissing], refused.ErrorCodes().Distinct());
        Assert.False(Directory.Exists(unattested.File(".agents/skills/lint")));
    }
}
