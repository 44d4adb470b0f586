using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Packaging;
using Skills.Oci.Build.Restore;
using Skills.Oci.Build.Sigstore.Attestations;
using Skills.Oci.Build.Sigstore.Keys;
using Skills.Oci.Build.Tests.Consume;
using Skills.Oci.Build.Tests.Oci.Registry;
using Skills.Oci.Build.Tests.Sigstore;
using Skills.Oci.Build.Trust.Signatures;

namespace Skills.Oci.Build.Tests.SupplyChain;

/// <summary>
/// <c>SkillProvenance=true</c> and <c>SkillSbom=true</c> on <c>dotnet pack -t:PushSkill</c>: a signed SLSA v1
/// provenance referrer that sigstore-js verifies and restore's Provenance policy accepts, and a CycloneDX
/// document of the skill's files that the CycloneDX library validates.
/// </summary>
[Collection(RegistryCollectionDefinition.Name)]
public sealed class PushAttestationTests(RegistryFixture fixture)
{
    private const string Password = "provenance-test";
    private const string Source = "https://github.com/acme/skills";
    private const string Revision = "0123456789abcdef0123456789abcdef01234567";

    [NodeFact]
    public async Task A_push_attaches_signed_provenance_and_an_sbom_that_independent_verifiers_and_restore_accept()
    {
        var repository = ImageReference.Parse($"{fixture.Registry.HostPort}/attest/pdf");
        using var workspace = await TestProjectWorkspace.CreateAsync();
        using var key = SigningKey.Generate(KeyAlgorithm.EcdsaP256);
        workspace.Write("keys/signing.key", key.ToEncryptedPem(Password));
        workspace.Write("pdf/scripts/run.sh", "#!/bin/sh\necho hi\n");
        new SkillFixture("pdf", "A skill with attestations.").WriteProject(workspace.Root.Combine("pdf"), $"""
                <SkillRepository>{repository.RepositoryName}</SkillRepository>
                <SkillSigningKey>../keys/signing.key</SkillSigningKey>
                <SkillProvenance>true</SkillProvenance>
                <SkillSbom>true</SkillSbom>
                <SkillSourceRepository>{Source}.git</SkillSourceRepository>
                <SkillSourceRevision>{Revision}</SkillSourceRevision>
            """);

        var pushed = await workspace.CreateCli("pdf", new Dictionary<string, string?> { ["SKILLS_OCI_SIGNING_PASSWORD"] = Password }).RunAsync("pack", "/t:PushSkill", "-v:n");

        Assert.True(pushed.Succeeded, pushed.ToString());
        using var client = TestClients.Isolated();
        var manifest = await client.ResolveAsync(repository.WithTag("1.0.0"));

        // The provenance: a DSSE bundle referrer that sigstore-js verifies with the key, about this manifest, from the source.
        var found = await new SignatureStore().FindAsync(client, repository, manifest.Digest, CancellationToken.None);
        var provenance = Assert.Single(found.Items, i => i.ClaimedPredicateType == SlsaProvenance.PredicateTypeV1);
        var verified = await NodeVerifier.VerifyAsync(provenance.Content, key.PublicKey);
        Assert.True(verified.GetProperty("verified").GetBoolean(), verified.ToString());
        var statement = InTotoStatement.Parse(Convert.FromBase64String(verified.GetProperty("payload").GetString()!));
        Assert.True(statement.HasSubject(manifest.Digest));
        var slsa = SlsaProvenance.FromStatement(statement);
        Assert.Equal(Source, slsa.SourceRepository);
        Assert.StartsWith("pkg:nuget/Skills.Oci.Sdk@", slsa.BuilderId, StringComparison.Ordinal);
        Assert.Equal(Revision, statement.Predicate.GetProperty("buildDefinition").GetProperty("resolvedDependencies")[0].GetProperty("digest").GetProperty("gitCommit").GetString());

        // The SBOM: a CycloneDX referrer listing every file with its digest, valid against the schema.
        var referrer = Assert.Single(await client.ListReferrersAsync(repository, manifest.Digest, SkillSbom.MediaType));
        var sbomManifest = (await client.FetchManifestAsync(repository, referrer)).ParseManifest();
        var layer = Assert.Single(sbomManifest.Layers!);
        using var temp = new TempFolder("sbom-referrer");
        var path = temp.Write("skill.cdx.json", await client.FetchBlobBytesAsync(repository, layer, 1 << 20));
        var validation = await CycloneDxValidator.ValidateAsync(path);
        Assert.True(validation.GetProperty("valid").GetBoolean(), validation.ToString());
        var text = File.ReadAllText(path);
        Assert.Contains("\"name\": \"SKILL.md\"", text, StringComparison.Ordinal);
        Assert.Contains("\"name\": \"scripts/run.sh\"", text, StringComparison.Ordinal);

        // The same document as a signed in-toto statement about this manifest, which sigstore-js verifies with the key.
        var sbomStatement = Assert.Single(found.Items, i => i.ClaimedPredicateType == SkillSbom.PredicateType);
        var sbomVerified = await NodeVerifier.VerifyAsync(sbomStatement.Content, key.PublicKey);
        Assert.True(sbomVerified.GetProperty("verified").GetBoolean(), sbomVerified.ToString());
        var signedSbom = InTotoStatement.Parse(Convert.FromBase64String(sbomVerified.GetProperty("payload").GetString()!));
        Assert.True(signedSbom.HasSubject(manifest.Digest));
        Assert.Equal("CycloneDX", signedSbom.Predicate.GetProperty("bomFormat").GetString());
        Assert.Contains(signedSbom.Predicate.GetProperty("components").EnumerateArray(), c => c.GetProperty("name").GetString() == "scripts/run.sh");

        // Restore's Provenance policy accepts it; one naming another source refuses it.
        using var repo = await ConsumerWorkspace.CreateAsync();
        TrustTests.WriteKey(repo, "eng/keys/skills.pub", key);
        repo.WriteProject("src/App/App.csproj", [(repository.RepositoryName, "1.0.0")], Policy(repository, "https://github.com/acme/skills"));
        var accepted = await repo.Cli("src/App").RunAsync("restore");
        Assert.True(accepted.Succeeded, accepted.ToString());
        Assert.True(File.Exists(repo.SkillFile("pdf", "scripts/run.sh")));
        Assert.Equal($"key:{key.PublicKey.Fingerprint}", Assert.Single(LockFile.Parse(File.ReadAllBytes(repo.LockPath), repo.LockPath).Skills).VerifiedBy);

        using var other = await ConsumerWorkspace.CreateAsync();
        TrustTests.WriteKey(other, "eng/keys/skills.pub", key);
        other.WriteProject("src/App/App.csproj", [(repository.RepositoryName, "1.0.0")], Policy(repository, "https://github.com/evil/skills"));
        var refused = await other.Cli("src/App").RunAsync("restore");
        Assert.False(refused.Succeeded, refused.ToString());
        Assert.Equal([ErrorCodes.ProvenanceMismatch], refused.ErrorCodes().Distinct());
        Assert.Contains("https://github.com/evil/skills", refused.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SkillProvenance_without_a_signing_key_is_SKOCI5221_before_anything_is_pushed()
    {
        var repository = ImageReference.Parse($"{fixture.Registry.HostPort}/attest/unsigned");
        using var workspace = await TestProjectWorkspace.CreateAsync();
        new SkillFixture("unsigned", "No key.").WriteProject(workspace.Root.Combine("unsigned"), $"""
                <SkillRepository>{repository.RepositoryName}</SkillRepository>
                <SkillProvenance>true</SkillProvenance>
                <SkillSourceRepository>{Source}</SkillSourceRepository>
            """);

        var result = await workspace.CreateCli("unsigned").RunAsync("pack", "/t:PushSkill");

        Assert.Equal([ErrorCodes.ProvenanceNeedsSigningKey], result.ErrorCodes());
        using var client = TestClients.Isolated();
        await Assert.ThrowsAsync<RegistryException>(() => client.ResolveAsync(repository.WithTag("1.0.0")));
    }

    private static string Policy(ImageReference repository, string source) =>
        $"""
          <ItemGroup>
            <SkillTrustPolicy Include="{repository.RepositoryName}" Key="../../eng/keys/skills.pub" Provenance="https://slsa.dev/provenance/v1" SourceRepository="{source}" />
          </ItemGroup>

        """;
}
