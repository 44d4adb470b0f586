using System.Text;
using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Restore;
using Skills.Oci.Build.Sigstore.Keys;
using Skills.Oci.Build.Tests.Consume;
using Skills.Oci.Build.Tests.Oci.Registry;
using Skills.Oci.Build.Trust;
using Skills.Oci.Build.Trust.DenyLists;

namespace Skills.Oci.Build.Tests.Revocation;

/// <summary>
/// Deny lists through real <c>dotnet restore</c> and the distribution registry: a listed skill is
/// refused (by digest, by name pattern), removed on request, the list is checked against its trust
/// policy, and its cached copy is used when the registry is down.
/// </summary>
[Collection(RegistryCollectionDefinition.Name)]
public sealed class DenyListRestoreTests(RegistryFixture fixture)
{
    internal static async Task<string> PushListAsync(RegistryProcess registry, string prefix, string json, SigningKey? key, string tag = "latest")
    {
        using var client = TestClients.Isolated();
        var reference = $"{registry.HostPort}/{prefix}/denylist:{tag}";
        await new DenyListPublisher(client).PushAsync(reference, Encoding.UTF8.GetBytes(json), "test", key, SignatureFormats.Both, CancellationToken.None);
        return reference;
    }

    internal static string ListItems(RegistryProcess registry, string prefix, string denyList) =>
        $"""
          <ItemGroup>
            <SkillDenyList Include="{denyList}" />
            <SkillTrustPolicy Include="{registry.HostPort}/{prefix}/denylist" Key="../../eng/keys/lists.pub" />
          </ItemGroup>

        """;

    [Fact]
    public async Task A_skill_denied_by_digest_fails_the_restore_with_the_reason_and_the_list_and_installs_nothing()
    {
        using var publisher = new RegistrySkillPublisher(fixture.Registry, "deny-digest");
        var digest = await publisher.PublishAsync("pdf", "1.0.0");
        await publisher.PublishAsync("lint", "1.0.0");
        using var key = SigningKey.Generate(KeyAlgorithm.EcdsaP256);
        var list = await PushListAsync(fixture.Registry, publisher.Prefix, $$"""[{ "digest": "{{digest}}", "reason": "CVE-2026-0001: exfiltrates tokens" }]""", key);
        using var repo = await ConsumerWorkspace.CreateAsync();
        TrustTests.WriteKey(repo, "eng/keys/lists.pub", key);
        repo.WriteProject("src/App/App.csproj", [(publisher.Repo("pdf"), "1.0.0"), (publisher.Repo("lint"), "1.0.0")], ListItems(fixture.Registry, publisher.Prefix, list));

        var result = await repo.Cli("src/App").RunAsync("restore");

        Assert.False(result.Succeeded, result.ToString());
        Assert.Equal([ErrorCodes.SkillDenied], result.ErrorCodes().Distinct());
        Assert.Contains("CVE-2026-0001: exfiltrates tokens", result.Output, StringComparison.Ordinal);
        Assert.Contains(list, result.Output, StringComparison.Ordinal);
        Assert.Contains("src/App/App.csproj", result.Output.Replace('\\', '/'), StringComparison.Ordinal);
        Assert.False(Directory.Exists(repo.File(".agents/skills/pdf")));
        Assert.False(Directory.Exists(repo.File(".agents/skills/lint")));
        Assert.False(File.Exists(repo.LockPath));
    }

    [Fact]
    public async Task A_skill_denied_by_name_after_install_fails_even_the_no_op_restore_and_SkillsRemoveDenied_removes_it()
    {
        using var publisher = new RegistrySkillPublisher(fixture.Registry, "deny-name");
        await publisher.PublishAsync("pdf-tools", "1.0.0");
        await publisher.PublishAsync("lint", "1.0.0");
        using var key = SigningKey.Generate(KeyAlgorithm.EcdsaP256);
        var list = await PushListAsync(fixture.Registry, publisher.Prefix, """[{ "name": "other-*", "reason": "not ours" }]""", key);
        using var repo = await ConsumerWorkspace.CreateAsync();
        TrustTests.WriteKey(repo, "eng/keys/lists.pub", key);
        repo.WriteProject("src/App/App.csproj", [(publisher.Repo("pdf-tools"), "1.0.0"), (publisher.Repo("lint"), "1.0.0")], ListItems(fixture.Registry, publisher.Prefix, list));
        var cli = repo.Cli("src/App");
        var first = await cli.RunAsync("restore");
        Assert.True(first.Succeeded, first.ToString());
        Assert.True(File.Exists(repo.SkillFile("pdf-tools")));

        // The list's publisher revokes every pdf-* skill under the same tag.
        await PushListAsync(fixture.Registry, publisher.Prefix, """[{ "name": "pdf-*", "reason": "the pdf-* family runs remote scripts" }]""", key);
        var refused = await cli.RunAsync("restore");

        Assert.False(refused.Succeeded, refused.ToString());
        Assert.Equal([ErrorCodes.SkillDenied], refused.ErrorCodes().Distinct());
        Assert.Contains("the pdf-* family runs remote scripts", refused.Output, StringComparison.Ordinal);
        Assert.Contains("SkillsRemoveDenied=true", refused.Output, StringComparison.Ordinal);

        var removed = await cli.RunAsync("restore", "-p:SkillsRemoveDenied=true");

        Assert.True(removed.Succeeded, removed.ToString());
        Assert.Equal([ErrorCodes.DeniedSkillRemoved], removed.WarningCodes().Distinct());
        Assert.False(Directory.Exists(repo.File(".agents/skills/pdf-tools")));
        Assert.False(SkillsRootPath.Exists(repo.ClaudeLink("pdf-tools")));
        Assert.True(File.Exists(repo.SkillFile("lint")));
        var entry = Assert.Single(LockFile.Parse(File.ReadAllBytes(repo.LockPath), repo.LockPath).Skills);
        Assert.Equal("lint", entry.Name);
    }

    public static TheoryData<string> Untrusted => new() { "unsigned", "other-key" };

    [Theory]
    [MemberData(nameof(Untrusted))]
    public async Task A_deny_list_that_fails_its_trust_policy_is_SKOCI5202_and_nothing_is_installed(string how)
    {
        using var publisher = new RegistrySkillPublisher(fixture.Registry, "deny-untrusted-" + how);
        await publisher.PublishAsync("pdf", "1.0.0");
        using var trusted = SigningKey.Generate(KeyAlgorithm.EcdsaP256);
        using var other = SigningKey.Generate(KeyAlgorithm.EcdsaP256);
        var list = await PushListAsync(fixture.Registry, publisher.Prefix, """[{ "name": "nothing-*", "reason": "x" }]""", how == "unsigned" ? null : other);
        using var repo = await ConsumerWorkspace.CreateAsync();
        TrustTests.WriteKey(repo, "eng/keys/lists.pub", trusted);
        repo.WriteProject("src/App/App.csproj", [(publisher.Repo("pdf"), "1.0.0")], ListItems(fixture.Registry, publisher.Prefix, list));

        var result = await repo.Cli("src/App").RunAsync("restore");

        Assert.False(result.Succeeded, result.ToString());
        Assert.Equal([ErrorCodes.DenyListUntrusted], result.ErrorCodes().Distinct());
        Assert.Contains(how == "unsigned" ? ErrorCodes.SignatureMissing : ErrorCodes.SignerMismatch, result.Output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(repo.File(".agents/skills/pdf")));
    }

    [Fact]
    public async Task A_deny_list_no_policy_covers_is_used_unverified()
    {
        using var publisher = new RegistrySkillPublisher(fixture.Registry, "deny-nopolicy");
        var digest = await publisher.PublishAsync("pdf", "1.0.0");
        var list = await PushListAsync(fixture.Registry, publisher.Prefix, $$"""[{ "repository": "{{fixture.Registry.HostPort}}/deny-nopolicy/*", "reason": "whole prefix withdrawn" }]""", key: null);
        using var repo = await ConsumerWorkspace.CreateAsync();
        repo.WriteProject("src/App/App.csproj", [(publisher.Repo("pdf"), "1.0.0")], $"""
              <ItemGroup>
                <SkillDenyList Include="{list}" />
              </ItemGroup>

            """);

        var result = await repo.Cli("src/App").RunAsync("restore");

        Assert.False(result.Succeeded, result.ToString());
        Assert.Equal([ErrorCodes.SkillDenied], result.ErrorCodes().Distinct());
        Assert.Contains("whole prefix withdrawn", result.Output, StringComparison.Ordinal);
        Assert.Contains(digest.ToString(), result.Output, StringComparison.Ordinal);
    }
}

/// <summary>With the registry stopped, the cached deny list is used, verified from its snapshot, with a warning giving its age.</summary>
public sealed class DenyListOfflineTests
{
    [Fact]
    public async Task With_the_registry_stopped_the_cached_signed_list_still_refuses_the_denied_skill_and_says_how_old_it_is()
    {
        await using var registry = await RegistryProcess.StartAsync();
        using var publisher = new RegistrySkillPublisher(registry, "deny-offline");
        await publisher.PublishAsync("pdf", "1.0.0");
        using var key = SigningKey.Generate(KeyAlgorithm.EcdsaP256);
        var list = await DenyListRestoreTests.PushListAsync(registry, publisher.Prefix, """[]""", key);
        using var repo = await ConsumerWorkspace.CreateAsync();
        TrustTests.WriteKey(repo, "eng/keys/lists.pub", key);
        repo.WriteProject("src/App/App.csproj", [(publisher.Repo("pdf"), "1.0.0")], DenyListRestoreTests.ListItems(registry, publisher.Prefix, list));
        var cli = repo.Cli("src/App");
        var allowed = await cli.RunAsync("restore");
        Assert.True(allowed.Succeeded, allowed.ToString());
        Assert.Empty(allowed.WarningCodes());

        await DenyListRestoreTests.PushListAsync(registry, publisher.Prefix, """[{ "name": "pdf", "reason": "withdrawn by its author" }]""", key);
        var refused = await cli.RunAsync("restore");
        Assert.Equal([ErrorCodes.SkillDenied], refused.ErrorCodes().Distinct());
        await registry.StopAsync();

        var offline = await cli.RunAsync("restore");

        Assert.False(offline.Succeeded, offline.ToString());
        Assert.Equal([ErrorCodes.SkillDenied], offline.ErrorCodes().Distinct());
        Assert.Equal([ErrorCodes.DenyListCachedCopyUsed], offline.WarningCodes().Distinct());
        Assert.Matches(@"the cached copy fetched \d+ seconds ago", offline.Output);
        Assert.Contains("withdrawn by its author", offline.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_the_registry_stopped_and_no_cached_copy_the_restore_fails_with_SKOCI5204()
    {
        await using var registry = await RegistryProcess.StartAsync();
        using var publisher = new RegistrySkillPublisher(registry, "deny-offline-none");
        await publisher.PublishAsync("pdf", "1.0.0");
        var list = await DenyListRestoreTests.PushListAsync(registry, publisher.Prefix, """[]""", key: null);
        using var repo = await ConsumerWorkspace.CreateAsync();
        repo.WriteProject("src/App/App.csproj", [(publisher.Repo("pdf"), "1.0.0")], $"""
              <ItemGroup>
                <SkillDenyList Include="{list}" />
              </ItemGroup>

            """);
        await registry.StopAsync();

        var result = await repo.Cli("src/App").RunAsync("restore");

        Assert.False(result.Succeeded, result.ToString());
        Assert.Equal([ErrorCodes.DenyListUnavailable], result.ErrorCodes().Distinct());
        Assert.False(File.Exists(repo.LockPath));
    }
}
