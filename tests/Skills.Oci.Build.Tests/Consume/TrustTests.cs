using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Restore;
using Skills.Oci.Build.Tests.Oci.Registry;
using Skills.Oci.Build.Sigstore.Keys;
using Skills.Oci.Build.Sigstore.Signing;
using Skills.Oci.Build.Trust;
using Skills.Oci.Build.Trust.Policy;
using Skills.Oci.Build.Trust.Signatures;

namespace Skills.Oci.Build.Tests.Consume;

/// <summary>
/// Sign on push, verify on restore, through the real SDK and the distribution registry (no referrers
/// API: the tag-schema fallback): policies, failures that leave nothing behind, VerifySkills.
/// </summary>
[Collection(RegistryCollectionDefinition.Name)]
public sealed class TrustTests(RegistryFixture fixture)
{
    internal static async Task<Descriptor> SignAsync(RegistryProcess registry, RegistrySkillPublisher publisher, string name, string tag, SigningKey key, SignatureFormats formats = SignatureFormats.Both)
    {
        using var client = TestClients.Isolated();
        var repository = ImageReference.Parse(publisher.Repo(name));
        var manifest = await client.ResolveAsync(repository.WithTag(tag));
        await new SkillSigner(key).SignAsync(client, repository, manifest, name, formats);
        return manifest;
    }

    internal static string KeyPolicy(string include, string keyPath) =>
        $"""
          <ItemGroup>
            <SkillTrustPolicy Include="{include}" Key="{keyPath}" />
          </ItemGroup>

        """;

    internal static void WriteKey(ConsumerWorkspace repo, string relative, SigningKey key) =>
        repo.Workspace.Write(relative, key.PublicKey.ToPem());

    [Fact]
    public async Task A_key_policy_verifies_the_signed_skill_records_the_signer_and_VerifySkills_reports_local_edits_per_file()
    {
        using var publisher = new RegistrySkillPublisher(fixture.Registry, "trust-key");
        await publisher.PublishAsync("pdf", "1.0.0", ("notes.md", "original\n"));
        using var key = SigningKey.Generate(KeyAlgorithm.EcdsaP256);
        await SignAsync(fixture.Registry, publisher, "pdf", "1.0.0", key);
        using var repo = await ConsumerWorkspace.CreateAsync();
        WriteKey(repo, "eng/keys/skills.pub", key);
        // '*' written as %2A: MSBuild would expand an unescaped '*' as a file glob.
        repo.WriteProject("src/App/App.csproj", [(publisher.Repo("pdf"), "1.0.0")], KeyPolicy($"{fixture.Registry.HostPort}/trust-key/%2A", "../../eng/keys/skills.pub"));
        var cli = repo.Cli("src/App");

        var restore = await cli.RunAsync("restore", "-v:detailed");

        Assert.True(restore.Succeeded, restore.ToString());
        Assert.Contains($"signed by key:{key.PublicKey.Fingerprint}", restore.Output, StringComparison.Ordinal);
        var entry = Assert.Single(LockFile.Parse(File.ReadAllBytes(repo.LockPath), repo.LockPath).Skills);
        Assert.Equal($"key:{key.PublicKey.Fingerprint}", entry.VerifiedBy);
        var tree = await SkillTree.FromFolderAsync(repo.File(".agents/skills/pdf"), CancellationToken.None);
        Assert.Equal(tree.Digest, entry.ContentDigest);
        Assert.Contains($"\"verifiedBy\": \"key:{key.PublicKey.Fingerprint}\"", repo.ReadLock(), StringComparison.Ordinal);

        // No-op restore: no registry request, even with a policy.
        fixture.Registry.ClearRequests();
        var noOp = await cli.RunAsync("restore");
        Assert.True(noOp.Succeeded, noOp.ToString());
        Assert.Empty(await publisher.RequestsAsync());

        var clean = await cli.RunAsync("msbuild", "-t:VerifySkills", "-v:n");

        Assert.True(clean.Succeeded, clean.ToString());
        Assert.Empty(clean.ErrorCodes());
        Assert.Contains($"signed by key:{key.PublicKey.Fingerprint}", clean.Output, StringComparison.Ordinal);
        Assert.Empty(await publisher.RequestsAsync());

        File.WriteAllText(repo.SkillFile("pdf", "notes.md"), "edited\n");
        File.WriteAllText(repo.SkillFile("pdf", "extra.md"), "added\n");

        var drift = await cli.RunAsync("msbuild", "-t:VerifySkills");

        Assert.False(drift.Succeeded, drift.ToString());
        Assert.Equal([ErrorCodes.SkillContentDrift], drift.ErrorCodes());
        Assert.Contains("modified 'notes.md'", drift.Output, StringComparison.Ordinal);
        Assert.Contains("added 'extra.md'", drift.Output, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(".agents", "skills", "pdf", "extra.md"), drift.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_policy_added_after_install_is_applied_by_the_next_restore_and_an_unsigned_skill_leaves_the_agent_folders()
    {
        using var publisher = new RegistrySkillPublisher(fixture.Registry, "trust-later");
        await publisher.PublishAsync("pdf", "1.0.0");
        using var key = SigningKey.Generate(KeyAlgorithm.EcdsaP256);
        using var repo = await ConsumerWorkspace.CreateAsync();
        WriteKey(repo, "eng/keys/skills.pub", key);
        repo.WriteProject("src/App/App.csproj", (publisher.Repo("pdf"), "1.0.0"));
        var cli = repo.Cli("src/App");
        Assert.True((await cli.RunAsync("restore")).Succeeded);
        Assert.True(File.Exists(repo.SkillFile("pdf")));

        // Before: "up to date", the unsigned skill stayed, and VerifySkills' advice looped.
        repo.WriteProject("src/App/App.csproj", [(publisher.Repo("pdf"), "1.0.0")], KeyPolicy($"{fixture.Registry.HostPort}/trust-later/%2A", "../../eng/keys/skills.pub"));
        var refused = await cli.RunAsync("restore");

        Assert.False(refused.Succeeded, refused.ToString());
        Assert.Equal([ErrorCodes.SignatureMissing], refused.ErrorCodes().Distinct());
        Assert.False(Directory.Exists(repo.File(".agents/skills/pdf")));
        Assert.False(SkillsRootPath.Exists(repo.ClaudeLink("pdf")));
        Assert.Single(LockFile.Parse(File.ReadAllBytes(repo.LockPath), repo.LockPath).Skills);

        // Once the publisher signs it, the next restore reinstalls it, verified.
        await SignAsync(fixture.Registry, publisher, "pdf", "1.0.0", key);
        var signed = await cli.RunAsync("restore");

        Assert.True(signed.Succeeded, signed.ToString());
        Assert.True(File.Exists(repo.SkillFile("pdf")));
        Assert.Equal($"key:{key.PublicKey.Fingerprint}", LockFile.Parse(File.ReadAllBytes(repo.LockPath), repo.LockPath).Skills[0].VerifiedBy);
    }

    public static TheoryData<string> Failures => new() { "wrong-key", "unsigned", "other-digest", "no-policy-required" };

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task A_skill_that_fails_its_policy_is_a_coded_error_and_nothing_is_written(string failure)
    {
        using var publisher = new RegistrySkillPublisher(fixture.Registry, "trust-fail-" + failure);
        await publisher.PublishAsync("lint", "1.0.0");
        var digest = await publisher.PublishAsync("pdf", "1.0.0", ("notes.md", "x\n"));
        using var signer = SigningKey.Generate(KeyAlgorithm.EcdsaP256);
        using var trusted = SigningKey.Generate(KeyAlgorithm.EcdsaP256);
        using var repo = await ConsumerWorkspace.CreateAsync();
        var expected = failure switch
        {
            "wrong-key" => ErrorCodes.SignerMismatch,
            "unsigned" => ErrorCodes.SignatureMissing,
            "other-digest" => ErrorCodes.ArtifactMismatch,
            _ => ErrorCodes.TrustPolicyRequired,
        };
        await SignAsync(fixture.Registry, publisher, "lint", "1.0.0", trusted);
        string extra;
        switch (failure)
        {
            case "wrong-key":
                // One format, so the one candidate's own reason is the error (several give SKOCI4014 listing each).
                await SignAsync(fixture.Registry, publisher, "pdf", "1.0.0", signer, SignatureFormats.Bundle);
                extra = KeyPolicy($"{fixture.Registry.HostPort}/{publisher.Prefix}/%2A", "trusted.pub");
                break;
            case "unsigned":
                extra = KeyPolicy($"{fixture.Registry.HostPort}/{publisher.Prefix}/%2A", "trusted.pub");
                break;
            case "other-digest":
            {
                using var client = TestClients.Isolated();
                var repository = ImageReference.Parse(publisher.Repo("pdf"));
                var manifest = await client.ResolveAsync(repository.WithTag("1.0.0"));
                var other = Digest.ComputeSha256("another skill manifest"u8);
                await new SignatureStore().AttachBundleAsync(client, repository, manifest, new SigstoreBundleSigner(trusted).SignStatement("pdf", other),
                    BundleContent.DsseEnvelope, SigstoreBundleSigner.CosignSignPredicateType, DateTimeOffset.UtcNow);
                extra = KeyPolicy($"{fixture.Registry.HostPort}/{publisher.Prefix}/%2A", "trusted.pub");
                break;
            }

            default:
                // Only lint is covered; pdf has no policy.
                extra = KeyPolicy(publisher.Repo("lint"), "trusted.pub") + "  <PropertyGroup><SkillsRequireSignatures>true</SkillsRequireSignatures></PropertyGroup>\n";
                break;
        }

        WriteKey(repo, "trusted.pub", trusted);
        repo.WriteProject("App.csproj", [(publisher.Repo("lint"), "1.0.0"), (publisher.Repo("pdf"), "1.0.0")], extra);
        var before = repo.Snapshot();

        var result = await repo.Cli().RunAsync("restore");

        Assert.False(result.Succeeded, result.ToString());
        Assert.Equal([expected], result.ErrorCodes());
        Assert.Contains("'pdf'", result.Output, StringComparison.Ordinal);
        Assert.Contains("App.csproj", result.Output, StringComparison.Ordinal);
        Assert.Equal(before, repo.Snapshot());
        Assert.False(Directory.Exists(repo.File(".agents/skills/pdf")));
        Assert.False(Directory.Exists(repo.File(".agents/skills/lint")));
        Assert.False(File.Exists(repo.LockPath));
        _ = digest;
    }

    [Fact]
    public async Task An_invalid_policy_is_a_coded_error_at_its_declaration()
    {
        using var publisher = new RegistrySkillPublisher(fixture.Registry, "trust-invalid");
        await publisher.PublishAsync("pdf", "1.0.0");
        using var repo = await ConsumerWorkspace.CreateAsync();
        repo.WriteProject("App.csproj", [(publisher.Repo("pdf"), "1.0.0")], KeyPolicy($"{fixture.Registry.HostPort}/trust-invalid/%2A", "missing.pub"));

        var result = await repo.Cli().RunAsync("restore");

        Assert.False(result.Succeeded, result.ToString());
        Assert.Equal([ErrorCodes.TrustPolicyInvalid], result.ErrorCodes());
        Assert.Contains("App.csproj(", result.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(repo.LockPath));
    }

    [Fact]
    public async Task A_policy_whose_unescaped_wildcard_MSBuild_dropped_is_a_coded_warning_at_its_line()
    {
        using var publisher = new RegistrySkillPublisher(fixture.Registry, "trust-wildcard");
        await publisher.PublishAsync("pdf", "1.0.0");
        using var repo = await ConsumerWorkspace.CreateAsync();
        repo.WriteProject("App.csproj", [(publisher.Repo("pdf"), "1.0.0")], KeyPolicy("ghcr.io/acme/skills/*", "acme.pub"));

        var result = await repo.Cli().RunAsync("restore");

        Assert.True(result.Succeeded, result.ToString());
        Assert.Equal([ErrorCodes.PolicyDroppedByWildcard], result.WarningCodes().Distinct());
        Assert.Contains("App.csproj(", result.Output, StringComparison.Ordinal);
        Assert.Contains("ghcr.io/acme/skills/%2A", result.Output, StringComparison.Ordinal);
    }
}
