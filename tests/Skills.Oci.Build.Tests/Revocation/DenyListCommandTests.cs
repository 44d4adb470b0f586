using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Restore;
using Skills.Oci.Build.Sigstore.Keys;
using Skills.Oci.Build.Tests.Consume;
using Skills.Oci.Build.Trust;

namespace Skills.Oci.Build.Tests.Revocation;

/// <summary>The installed <c>skills-oci</c>: <c>denylist push</c> checks, pushes and signs a list; <c>sync --deny-list</c> refuses or removes what it lists.</summary>
[Collection(RegistryCollectionDefinition.Name)]
public sealed class DenyListCommandTests(RegistryFixture fixture)
{
    private const string Password = "deny-list-test";

    private static async Task<DotnetCli> ToolAsync(ConsumerWorkspace repo) =>
        (await SkillsOciTool.GetAsync()).CreateCli(repo.Root, repo.Workspace.DockerConfigFolder, new Dictionary<string, string?>
        {
            ["SKILLS_OCI_CACHE"] = repo.CachePath,
            [SigstoreDiagnostics.SigningPasswordVariable] = Password,
        });

    [Fact]
    public async Task Denylist_push_refuses_a_malformed_file_and_pushes_and_signs_a_valid_one_that_restore_then_applies()
    {
        using var publisher = new RegistrySkillPublisher(fixture.Registry, "deny-push-cli");
        await publisher.PublishAsync("pdf", "1.0.0");
        using var key = SigningKey.Generate(KeyAlgorithm.EcdsaP256);
        using var repo = await ConsumerWorkspace.CreateAsync();
        repo.Workspace.Write("eng/keys/lists.pem", key.ToEncryptedPem(Password));
        TrustTests.WriteKey(repo, "eng/keys/lists.pub", key);
        repo.Workspace.Write("bad.json", """[{ "name": "pdf" }]""");
        repo.Workspace.Write("denylist.json", """[{ "name": "pdf", "reason": "pulled by security" }]""");
        var tool = await ToolAsync(repo);
        var reference = $"{fixture.Registry.HostPort}/{publisher.Prefix}/denylist:latest";

        var bad = await tool.RunAsync("denylist", "push", reference, "--file", "bad.json");

        Assert.Equal(1, bad.ExitCode);
        Assert.Contains(ErrorCodes.DenyListInvalid, bad.AllOutput, StringComparison.Ordinal);
        Assert.Contains("no 'reason'", bad.AllOutput, StringComparison.Ordinal);

        var pushed = await tool.RunAsync("denylist", "push", reference, "--file", "denylist.json", "--sign-key", "eng/keys/lists.pem");

        Assert.True(pushed.Succeeded, pushed.ToString());
        Assert.Contains($"{reference}@sha256:", pushed.Output, StringComparison.Ordinal);
        Assert.Contains($"signed by key:{key.PublicKey.Fingerprint}", pushed.AllOutput, StringComparison.Ordinal);

        repo.WriteProject("src/App/App.csproj", [(publisher.Repo("pdf"), "1.0.0")], DenyListRestoreTests.ListItems(fixture.Registry, publisher.Prefix, reference));
        var restore = await repo.Cli("src/App").RunAsync("restore");

        Assert.Equal([ErrorCodes.SkillDenied], restore.ErrorCodes().Distinct());
        Assert.Contains("pulled by security", restore.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sync_with_a_deny_list_refuses_a_locked_skill_it_lists_and_remove_denied_takes_it_out_and_syncs_the_rest()
    {
        using var publisher = new RegistrySkillPublisher(fixture.Registry, "deny-sync");
        await publisher.PublishAsync("pdf", "1.0.0");
        await publisher.PublishAsync("lint", "1.0.0");
        using var key = SigningKey.Generate(KeyAlgorithm.EcdsaP256);
        using var other = SigningKey.Generate(KeyAlgorithm.EcdsaP256);
        using var repo = await ConsumerWorkspace.CreateAsync();
        repo.WriteProject("App.csproj", (publisher.Repo("pdf"), "1.0.0"), (publisher.Repo("lint"), "1.0.0"));
        Assert.True((await repo.Cli().RunAsync("restore")).Succeeded);
        var lockBytes = File.ReadAllBytes(repo.LockPath);
        var list = await DenyListRestoreTests.PushListAsync(fixture.Registry, publisher.Prefix, """[{ "name": "pdf", "reason": "withdrawn upstream" }]""", key);
        TrustTests.WriteKey(repo, "lists.pub", key);
        TrustTests.WriteKey(repo, "other.pub", other);
        var tool = await ToolAsync(repo);

        var untrusted = await tool.RunAsync("sync", "--deny-list", list, "--deny-list-key", "other.pub");
        var refused = await tool.RunAsync("sync", "--deny-list", list, "--deny-list-key", "lists.pub");

        Assert.Equal(1, untrusted.ExitCode);
        Assert.Contains(ErrorCodes.DenyListUntrusted, untrusted.AllOutput, StringComparison.Ordinal);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains(ErrorCodes.SkillDenied, refused.AllOutput, StringComparison.Ordinal);
        Assert.Contains("withdrawn upstream", refused.AllOutput, StringComparison.Ordinal);
        Assert.True(File.Exists(repo.SkillFile("pdf")));

        var removed = await tool.RunAsync("sync", "--deny-list", list, "--deny-list-key", "lists.pub", "--remove-denied");

        Assert.True(removed.Succeeded, removed.ToString());
        Assert.Contains(ErrorCodes.DeniedSkillRemoved, removed.AllOutput, StringComparison.Ordinal);
        Assert.False(Directory.Exists(repo.File(".agents/skills/pdf")));
        Assert.False(SkillsRootPath.Exists(repo.ClaudeLink("pdf")));
        Assert.True(File.Exists(repo.SkillFile("lint")));
        Assert.Equal(lockBytes, File.ReadAllBytes(repo.LockPath));
    }
}
