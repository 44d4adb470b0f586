using System.Text.RegularExpressions;
using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Restore;
using Skills.Oci.Build.Tests.Consume;
using Skills.Oci.Build.Tests.Tool;

namespace Skills.Oci.Build.Tests.Mirrors;

/// <summary>
/// Restores through a registry mirror: a second real registry holding a copy made with skopeo. Each test
/// runs its own original and mirror, and stops the original to prove the mirror served the skill.
/// </summary>
public sealed partial class MirrorRestoreTests
{
    private const string MirrorPrefix = "hub-remote";

    [Fact]
    public async Task Through_an_authenticated_mirror_with_the_original_stopped_restore_gives_the_lock_of_a_restore_from_the_original()
    {
        await using var original = await RegistryProcess.StartAsync();
        await using var mirror = await RegistryProcess.StartAsync(new RegistryOptions { AccessLog = true, BasicAuth = new BasicAuthUser("ci", "mirror-secret") });
        using var publisher = new RegistrySkillPublisher(original, "mirror-auth");
        await publisher.PublishAsync("pdf", "1.0.0", ("notes.md", "from the publisher\n"));
        await CopyToMirrorAsync(publisher, mirror, "pdf", "1.0.0", "ci:mirror-secret");

        using var home = await ConsumerWorkspace.CreateAsync();
        home.WriteProject("App.csproj", (publisher.Repo("pdf"), "1.0.0"));
        var atHome = await home.Cli().RunAsync("restore");
        Assert.True(atHome.Succeeded, atHome.ToString());

        using var ci = await ConsumerWorkspace.CreateAsync();
        ci.WriteProject("App.csproj", [(publisher.Repo("pdf"), "1.0.0")], MirrorItem(original, mirror));
        // Credentials only for the mirror's host: the original is anonymous and stopped anyway.
        new DockerConfigWriter().WithAuth(mirror.HostPort, "ci", "mirror-secret").Write(ci.Workspace.DockerConfigFolder);
        await original.StopAsync();
        mirror.ClearRequests();

        var inCi = await ci.Cli().RunAsync("restore");

        Assert.True(inCi.Succeeded, inCi.ToString());
        Assert.Equal("from the publisher\n", File.ReadAllText(ci.SkillFile("pdf", "notes.md")));
        Assert.Equal(WithoutTimestamps(home.ReadLock()), WithoutTimestamps(ci.ReadLock()));
        Assert.DoesNotContain(mirror.HostPort, ci.ReadLock(), StringComparison.Ordinal);
        Assert.DoesNotContain(MirrorPrefix, ci.ReadLock(), StringComparison.Ordinal);
        var served = await mirror.WaitForRequestsAsync();
        Assert.Contains(served, r => r.Status == 200 && r.Path.StartsWith($"/v2/{MirrorPrefix}/mirror-auth/pdf/blobs/", StringComparison.Ordinal));

        // And the lock made at home restores in locked mode through the mirror.
        File.WriteAllText(ci.LockPath, home.ReadLock());
        Directory.Delete(ci.File(".agents/skills/pdf"), recursive: true);
        ci.CachePath = ci.File(".skills-cache-2");
        var locked = await ci.Cli().RunAsync("restore", "-p:SkillsLockedMode=true");
        Assert.True(locked.Succeeded, locked.ToString());
        Assert.True(File.Exists(ci.SkillFile("pdf", "notes.md")));
    }

    [Fact]
    public async Task A_skill_missing_on_the_mirror_comes_from_the_original_unless_the_environment_variable_says_fallback_false_which_is_SKOCI8040()
    {
        await using var original = await RegistryProcess.StartAsync(new RegistryOptions { AccessLog = true });
        await using var mirror = await RegistryProcess.StartAsync();
        using var publisher = new RegistrySkillPublisher(original, "mirror-fallback");
        await publisher.PublishAsync("pdf", "1.0.0");
        await publisher.PublishAsync("only-upstream", "1.0.0");
        await CopyToMirrorAsync(publisher, mirror, "pdf", "1.0.0");
        var setting = $"{original.HostPort}={mirror.HostPort}/{MirrorPrefix}";
        original.ClearRequests();

        using var strict = await ConsumerWorkspace.CreateAsync();
        strict.WriteProject("App.csproj", (publisher.Repo("pdf"), "1.0.0"), (publisher.Repo("only-upstream"), "1.0.0"));
        var refused = await strict.Cli(environment: new Dictionary<string, string?> { [Build.Registry.RegistryMirrors.EnvironmentVariable] = setting + ",fallback=false" }).RunAsync("restore");

        Assert.False(refused.Succeeded, refused.ToString());
        Assert.Equal([ErrorCodes.MirrorMissingSkill], refused.ErrorCodes().Distinct());
        Assert.Contains("only-upstream", refused.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(strict.LockPath));
        Assert.False(Directory.Exists(strict.File(".agents/skills/pdf")));
        Assert.DoesNotContain(await publisher.RequestsAsync(), r => r.Path.Contains("/only-upstream/", StringComparison.Ordinal));

        using var tolerant = await ConsumerWorkspace.CreateAsync();
        tolerant.WriteProject("App.csproj", (publisher.Repo("pdf"), "1.0.0"), (publisher.Repo("only-upstream"), "1.0.0"));
        original.ClearRequests();
        var fallback = await tolerant.Cli(environment: new Dictionary<string, string?> { [Build.Registry.RegistryMirrors.EnvironmentVariable] = setting }).RunAsync("restore");

        Assert.True(fallback.Succeeded, fallback.ToString());
        Assert.True(File.Exists(tolerant.SkillFile("only-upstream")));
        var upstream = await publisher.RequestsAsync();
        Assert.Contains(upstream, r => r.Path.Contains("/only-upstream/blobs/", StringComparison.Ordinal));
        Assert.DoesNotContain(upstream, r => r.Path.Contains("/pdf/blobs/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_repository_file_sends_skills_oci_install_sync_and_list_to_the_mirror_with_the_original_stopped()
    {
        await using var original = await RegistryProcess.StartAsync();
        await using var mirror = await RegistryProcess.StartAsync();
        using var publisher = new RegistrySkillPublisher(original, "mirror-cli");
        await publisher.PublishAsync("pdf", "1.0.0", ("notes.md", "one\n"));
        await publisher.PublishAsync("pdf", "1.1.0", ("notes.md", "one-one\n"));
        await CopyToMirrorAsync(publisher, mirror, "pdf", "1.0.0");
        await CopyToMirrorAsync(publisher, mirror, "pdf", "1.1.0");
        var tool = await SkillsOciTool.GetAsync();

        using var repo = await ConsumerWorkspace.CreateAsync();
        repo.WriteProject("App/App.csproj", (publisher.Repo("pdf"), "1.0.0"));
        repo.Workspace.Write(Build.Registry.RegistryMirrors.RepositoryFile, $$"""
            { "mirrors": [ { "registry": "{{original.HostPort}}", "mirror": "{{mirror.HostPort}}/{{MirrorPrefix}}", "fallback": false } ] }
            """);
        await original.StopAsync();

        var install = await InstallCommandTests.ToolCli(tool, repo).RunAsync("install");
        Assert.True(install.Succeeded, install.ToString());
        Assert.Equal("one\n", File.ReadAllText(repo.SkillFile("pdf", "notes.md")));
        Assert.DoesNotContain(mirror.HostPort, repo.ReadLock(), StringComparison.Ordinal);

        Directory.Delete(repo.File(".agents/skills/pdf"), recursive: true);
        repo.CachePath = repo.File(".skills-cache-2");
        var sync = await InstallCommandTests.ToolCli(tool, repo).RunAsync("sync");
        Assert.True(sync.Succeeded, sync.ToString());
        Assert.Equal("one\n", File.ReadAllText(repo.SkillFile("pdf", "notes.md")));

        var list = await InstallCommandTests.ToolCli(tool, repo).RunAsync("list", "--outdated");
        Assert.True(list.Succeeded, list.ToString());
        Assert.Contains("1.1.0", list.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_trust_policy_verifies_from_signatures_copied_to_the_mirror_and_with_Fallback_false_a_mirror_without_them_is_unsigned()
    {
        await using var original = await RegistryProcess.StartAsync();
        await using var mirror = await RegistryProcess.StartAsync();
        using var publisher = new RegistrySkillPublisher(original, "mirror-trust");
        await publisher.PublishAsync("pdf", "1.0.0");
        await publisher.PublishAsync("bare", "1.0.0");
        using var key = Skills.Oci.Build.Sigstore.Keys.SigningKey.Generate(Skills.Oci.Build.Sigstore.Keys.KeyAlgorithm.EcdsaP256);
        var signed = await TrustTests.SignAsync(original, publisher, "pdf", "1.0.0", key);
        await TrustTests.SignAsync(original, publisher, "bare", "1.0.0", key);
        await CopyToMirrorAsync(publisher, mirror, "pdf", "1.0.0");
        // And cosign's .sig tag (skopeo 1.9 will not copy the tag-schema referrers index with its digest kept).
        await CopyToMirrorAsync(publisher, mirror, "pdf", signed.Digest.ToTagSchema() + ".sig");
        // Only the skill, not its signatures.
        await CopyToMirrorAsync(publisher, mirror, "bare", "1.0.0");
        await original.StopAsync();

        using var repo = await ConsumerWorkspace.CreateAsync();
        TrustTests.WriteKey(repo, "skills.pub", key);
        repo.WriteProject("App.csproj", [(publisher.Repo("pdf"), "1.0.0")],
            TrustTests.KeyPolicy($"{original.HostPort}/mirror-trust/%2A", "skills.pub") + MirrorItem(original, mirror, fallback: "false"));
        var verified = await repo.Cli().RunAsync("restore", "-v:detailed");

        Assert.True(verified.Succeeded, verified.ToString());
        Assert.Contains($"signed by key:{key.PublicKey.Fingerprint}", verified.Output, StringComparison.Ordinal);
        Assert.Contains($"\"verifiedBy\": \"key:{key.PublicKey.Fingerprint}\"", repo.ReadLock(), StringComparison.Ordinal);

        repo.WriteProject("App.csproj", [(publisher.Repo("pdf"), "1.0.0"), (publisher.Repo("bare"), "1.0.0")],
            TrustTests.KeyPolicy($"{original.HostPort}/mirror-trust/%2A", "skills.pub") + MirrorItem(original, mirror, fallback: "false"));
        var unsigned = await repo.Cli().RunAsync("restore");

        Assert.False(unsigned.Succeeded, unsigned.ToString());
        Assert.Equal([ErrorCodes.SignatureMissing], unsigned.ErrorCodes().Distinct());
        Assert.False(Directory.Exists(repo.File(".agents/skills/bare")));
    }

    /// <summary><c>skopeo copy</c> of one tag from the publisher's registry to the mirror, under <see cref="MirrorPrefix"/>, digests kept.</summary>
    internal static async Task CopyToMirrorAsync(RegistrySkillPublisher publisher, RegistryProcess mirror, string name, string tag, string? mirrorCredentials = null)
    {
        var arguments = new List<string> { "copy", "--all", "--preserve-digests", "--src-tls-verify=false", "--dest-tls-verify=false" };
        if (mirrorCredentials is not null)
        {
            arguments.Add($"--dest-creds={mirrorCredentials}");
        }

        arguments.Add($"docker://{publisher.Repo(name)}:{tag}");
        arguments.Add($"docker://{mirror.HostPort}/{MirrorPrefix}/{publisher.Prefix}/{name}:{tag}");
        var copy = await Skopeo.RunAsync(arguments);
        Assert.True(copy.Succeeded, copy.ToString());
    }

    internal static string MirrorItem(RegistryProcess original, RegistryProcess mirror, string? fallback = null) =>
        $"""
          <ItemGroup>
            <SkillRegistryMirror Include="{original.HostPort}" Mirror="{mirror.HostPort}/{MirrorPrefix}"{(fallback is null ? string.Empty : $" Fallback=\"{fallback}\"")} />
          </ItemGroup>

        """;

    internal static string WithoutTimestamps(string lockText) => Timestamp().Replace(lockText, "\"$1\": \"-\"");

    [GeneratedRegex("\"(generatedAt|installedAt)\": \"[^\"]*\"")]
    private static partial Regex Timestamp();
}
