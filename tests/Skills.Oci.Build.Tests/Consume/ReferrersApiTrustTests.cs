using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Restore;
using Skills.Oci.Build.Tests.Oci.Registry;
using Skills.Oci.Build.Sigstore.Keys;

namespace Skills.Oci.Build.Tests.Consume;

/// <summary>
/// Sign on push and verify on restore through a registry that has the referrers API (an in-process
/// one: distribution 2.8 has none), with both real commands: <c>dotnet pack /t:PushSkill</c> with
/// <c>SkillSigningKey</c>, then <c>dotnet restore</c> with a key policy.
/// </summary>
public sealed class ReferrersApiTrustTests
{
    [Fact]
    public async Task A_skill_signed_by_PushSkill_is_verified_by_restore_through_the_referrers_api()
    {
        await using var registry = await ReferrersRegistry.StartAsync();
        var repository = ImageReference.Parse($"{registry.HostPort}/referrers-e2e/ref-skill");
        using var key = SigningKey.Generate(KeyAlgorithm.Ed25519);
        using var repo = await ConsumerWorkspace.CreateAsync();
        repo.Workspace.Write("publisher/keys/signing.key", key.ToEncryptedPem("pw"));
        new SkillFixture("ref-skill", "Signed through the referrers API.").WriteProject(repo.Workspace.Root.Combine("publisher/ref-skill"), $"""
                <SkillRepository>{repository.RepositoryName}</SkillRepository>
                <SkillSigningKey>../keys/signing.key</SkillSigningKey>
            """);
        TrustTests.WriteKey(repo, "eng/keys/skills.pub", key);
        repo.WriteProject("App/App.csproj", [(repository.RepositoryName, "1.0.0")],
            TrustTests.KeyPolicy($"{registry.HostPort}/referrers-e2e/%2A", "../eng/keys/skills.pub"));

        var push = await repo.Cli("publisher/ref-skill", new Dictionary<string, string?> { ["SKILLS_OCI_SIGNING_PASSWORD"] = "pw" })
            .RunAsync("pack", "/t:PushSkill");
        Assert.True(push.Succeeded, push.ToString());
        registry.ClearRequests();

        var restore = await repo.Cli("App").RunAsync("restore");

        Assert.True(restore.Succeeded, restore.ToString());
        var entry = Assert.Single(LockFile.Parse(File.ReadAllBytes(repo.LockPath), repo.LockPath).Skills);
        Assert.Equal($"key:{key.PublicKey.Fingerprint}", entry.VerifiedBy);
        Assert.True(File.Exists(repo.SkillFile("ref-skill")));
        // Found through the referrers API; no tag-schema index was needed on this registry.
        Assert.Contains(registry.Requests, r => r.Path.Contains("/referrers/sha256:", StringComparison.Ordinal) && r.Status == 200);
        using var client = TestClients.Isolated();
        var manifest = await client.ResolveAsync(repository.WithTag("1.0.0"));
        var tags = await client.ListTagsAsync(repository);
        Assert.DoesNotContain(manifest.Digest.ToTagSchema(), tags);
        // The legacy cosign signature is a tag by design (SkillSignatureFormats defaults to both).
        Assert.Contains(manifest.Digest.ToTagSchema() + ".sig", tags);
    }
}
