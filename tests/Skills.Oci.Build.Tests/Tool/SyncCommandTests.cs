using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Restore;
using Skills.Oci.Build.Sigstore.Keys;
using Skills.Oci.Build.Tests.Consume;

namespace Skills.Oci.Build.Tests.Tool;

/// <summary>
/// <c>skills-oci sync</c> and <c>clean</c>, end to end: the installed tool against the real registry, in a
/// "fresh clone" (the lock and .gitignore committed by a restore, no .agents, an empty cache), run as a
/// user runs it and as an agent's session hook runs it (JSON on stdin, another working folder).
/// </summary>
[Collection(RegistryCollectionDefinition.Name)]
public sealed class SyncCommandTests(RegistryFixture fixture)
{
    private const string ClaudeReload = """{"hookSpecificOutput":{"hookEventName":"SessionStart","reloadSkills":true}}""";

    [Fact]
    public async Task A_fresh_clone_is_synced_by_the_claude_hook_and_a_second_sync_downloads_nothing_and_prints_nothing()
    {
        using var publisher = new RegistrySkillPublisher(fixture.Registry, "sync-fresh");
        using var repo = await RestoredCloneAsync(publisher, ("pdf", "1.0.0"), ("lint", "2.0.0"));
        var lockBytes = File.ReadAllBytes(repo.LockPath);
        using var elsewhere = new TempFolder("sync-hook-cwd");

        var first = await HookAsync(repo, elsewhere.Path, "claude");

        Assert.True(first.Succeeded, first.ToString());
        Assert.Equal(ClaudeReload, first.Output.Trim());
        Assert.Contains("Synced 2 skills (2 installed, 0 already in place).", first.StandardError, StringComparison.Ordinal);
        Assert.True(File.Exists(repo.SkillFile("pdf")));
        Assert.True(File.Exists(repo.SkillFile("lint")));
        Assert.True(File.Exists(Path.Combine(repo.ClaudeLink("pdf"), "SKILL.md")));
        Assert.True(SkillsRootPath.IsLink(repo.ClaudeLink("lint")));
        Assert.Equal(lockBytes, File.ReadAllBytes(repo.LockPath));
        Assert.Contains(GitIgnoreBlock.BeginMarker, File.ReadAllText(repo.File(".gitignore")), StringComparison.Ordinal);

        fixture.Registry.ClearRequests();
        var second = await HookAsync(repo, elsewhere.Path, "claude");
        var plain = await Cli(repo).RunAsync("sync");

        Assert.True(second.Succeeded, second.ToString());
        Assert.Equal(string.Empty, second.Output);
        Assert.True(plain.Succeeded, plain.ToString());
        Assert.Contains("Synced 2 skills (0 installed, 2 already in place).", plain.Output, StringComparison.Ordinal);
        Assert.Empty(await publisher.RequestsAsync());
        Assert.Equal(lockBytes, File.ReadAllBytes(repo.LockPath));

        // An agent that leaves stdin open (a FIFO nobody writes) does not hold the hook.
        var open = await ShellAsync(repo, repo.Root, "mkfifo in.fifo && exec 3<>in.fifo && \"$0\" sync --hook codex <&3");
        Assert.True(open.Succeeded, open.ToString());
        Assert.Equal(string.Empty, open.Output);
    }

    [Fact]
    public async Task A_tampered_folder_and_a_deleted_link_are_repaired_from_the_cache()
    {
        using var publisher = new RegistrySkillPublisher(fixture.Registry, "sync-repair");
        using var repo = await RestoredCloneAsync(publisher, ("pdf", "1.0.0"));
        Assert.True((await Cli(repo).RunAsync("sync")).Succeeded);
        var original = File.ReadAllText(repo.SkillFile("pdf"));
        File.WriteAllText(repo.SkillFile("pdf"), "tampered\n");
        File.WriteAllText(repo.SkillFile("pdf", "extra.md"), "added\n");
        File.Delete(repo.ClaudeLink("pdf"));
        fixture.Registry.ClearRequests();

        var repaired = await Cli(repo).RunAsync("sync", "-v:minimal");

        Assert.True(repaired.Succeeded, repaired.ToString());
        Assert.Contains("installed pdf", repaired.Output, StringComparison.Ordinal);
        Assert.Equal(original, File.ReadAllText(repo.SkillFile("pdf")));
        Assert.False(File.Exists(repo.SkillFile("pdf", "extra.md")));
        Assert.True(SkillsRootPath.IsLink(repo.ClaudeLink("pdf")));
        Assert.DoesNotContain(await publisher.RequestsAsync(), r => r.Path.Contains("/blobs/", StringComparison.Ordinal));

        var quiet = await Cli(repo).RunAsync("sync", "-v:minimal");
        Assert.True(quiet.Succeeded, quiet.ToString());
        Assert.Equal(string.Empty, quiet.Output.Trim());
    }

    [Fact]
    public async Task A_tampered_cache_is_a_digest_error_and_the_previous_state_is_intact()
    {
        using var publisher = new RegistrySkillPublisher(fixture.Registry, "sync-cache");
        using var repo = await RestoredCloneAsync(publisher, ("pdf", "1.0.0"), ("lint", "1.0.0"));
        Assert.True((await Cli(repo).RunAsync("sync")).Succeeded);
        Directory.Delete(repo.File(".agents/skills/pdf"), recursive: true);
        foreach (var blob in Directory.EnumerateFiles(Path.Combine(repo.CachePath, "blobs", "sha256")))
        {
            File.AppendAllText(blob, "x");
        }

        var before = repo.Snapshot();

        var result = await Cli(repo).RunAsync("sync");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(ErrorCodes.DigestMismatch, result.ErrorCodes());
        Assert.Equal(before, repo.Snapshot());
    }

    [Fact]
    public async Task An_unreachable_registry_is_a_warning_exit_0_and_what_is_installed_stays()
    {
        using var publisher = new RegistrySkillPublisher(fixture.Registry, "sync-down");
        using var repo = await RestoredCloneAsync(publisher, ("pdf", "1.0.0"), ("lint", "1.0.0"));
        Assert.True((await Cli(repo).RunAsync("sync")).Succeeded);
        // The registry moved away (nothing listens on port 1), the cache is empty, and pdf is missing.
        File.WriteAllText(repo.LockPath, repo.ReadLock().Replace(fixture.Registry.HostPort, "127.0.0.1:1", StringComparison.Ordinal));
        repo.CachePath = repo.Workspace.Root.CreateFolder(".skills-cache/empty");
        Directory.Delete(repo.File(".agents/skills/pdf"), recursive: true);

        var result = await Cli(repo).RunAsync("sync");

        Assert.True(result.Succeeded, result.ToString());
        Assert.Contains(ErrorCodes.SyncRegistryUnreachable, result.WarningCodes());
        Assert.Empty(result.ErrorCodes());
        Assert.True(File.Exists(repo.SkillFile("lint")));
        Assert.False(Directory.Exists(repo.File(".agents/skills/pdf")));
    }

    [Fact]
    public async Task A_key_signed_skill_is_verified_with_the_key_the_lock_names_and_a_missing_or_other_key_installs_nothing()
    {
        using var publisher = new RegistrySkillPublisher(fixture.Registry, "sync-key");
        await publisher.PublishAsync("pdf", "1.0.0");
        using var key = SigningKey.Generate(KeyAlgorithm.EcdsaP256);
        using var other = SigningKey.Generate(KeyAlgorithm.EcdsaP256);
        await TrustTests.SignAsync(fixture.Registry, publisher, "pdf", "1.0.0", key);
        using var repo = await ConsumerWorkspace.CreateAsync();
        TrustTests.WriteKey(repo, "eng/keys/skills.pub", key);
        repo.WriteProject("src/App/App.csproj", [(publisher.Repo("pdf"), "1.0.0")], TrustTests.KeyPolicy($"{fixture.Registry.HostPort}/sync-key/%2A", "../../eng/keys/skills.pub"));
        Assert.True((await repo.Cli("src/App").RunAsync("restore")).Succeeded);

        // What restore installed is verified again from the cached signature snapshot: no registry request.
        fixture.Registry.ClearRequests();
        var inPlace = await Cli(repo).RunAsync("sync");
        Assert.True(inPlace.Succeeded, inPlace.ToString());
        Assert.Contains("1 already in place", inPlace.Output, StringComparison.Ordinal);
        Assert.Contains($"\"verifiedBy\": \"key:{key.PublicKey.Fingerprint}\"", File.ReadAllText(repo.File(".agents/.skills-oci/sync.json")), StringComparison.Ordinal);
        Assert.Empty(await publisher.RequestsAsync());

        Clone(repo);

        var verified = await Cli(repo).RunAsync("sync");

        Assert.True(verified.Succeeded, verified.ToString());
        Assert.True(File.Exists(repo.SkillFile("pdf")));
        Assert.Equal($"key:{key.PublicKey.Fingerprint}", LockFile.Parse(File.ReadAllBytes(repo.LockPath), repo.LockPath).Skills[0].VerifiedBy);

        // The key is gone from the repository: an error for that skill, nothing installed.
        Clone(repo);
        File.Delete(repo.File("eng/keys/skills.pub"));
        var missing = await Cli(repo).RunAsync("sync");

        Assert.Equal(1, missing.ExitCode);
        Assert.Equal([ErrorCodes.SyncKeyNotFound], missing.ErrorCodes());
        Assert.False(Directory.Exists(repo.File(".agents")));

        // The lock names another key (present in the repository): its signature does not verify.
        TrustTests.WriteKey(repo, "eng/keys/other.pub", other);
        File.WriteAllText(repo.LockPath, repo.ReadLock().Replace(key.PublicKey.Fingerprint, other.PublicKey.Fingerprint, StringComparison.Ordinal));
        var wrong = await Cli(repo).RunAsync("sync");

        Assert.Equal(1, wrong.ExitCode);
        Assert.Contains(wrong.ErrorCodes(), code => code.StartsWith("SKOCI40", StringComparison.Ordinal));
        Assert.False(Directory.Exists(repo.File(".agents/skills/pdf")));
    }

    [Fact]
    public async Task Clean_removes_what_Skills_Oci_materialized_keeps_a_users_skill_and_the_lock_and_sync_puts_it_back()
    {
        using var publisher = new RegistrySkillPublisher(fixture.Registry, "sync-clean");
        using var repo = await RestoredCloneAsync(publisher, ("pdf", "1.0.0"));
        Assert.True((await Cli(repo).RunAsync("sync")).Succeeded);
        repo.Workspace.Write(".agents/skills/mine/SKILL.md", "---\nname: mine\ndescription: my own\n---\n");
        var lockBytes = File.ReadAllBytes(repo.LockPath);

        var clean = await Cli(repo).RunAsync("clean");

        Assert.True(clean.Succeeded, clean.ToString());
        Assert.False(Directory.Exists(repo.File(".agents/skills/pdf")));
        Assert.False(SkillsRootPath.Exists(repo.ClaudeLink("pdf")));
        Assert.False(Directory.Exists(repo.File(RootState.FolderName)));
        Assert.True(File.Exists(repo.SkillFile("mine")));
        Assert.Equal(lockBytes, File.ReadAllBytes(repo.LockPath));

        var again = await Cli(repo).RunAsync("sync");

        Assert.True(again.Succeeded, again.ToString());
        Assert.True(File.Exists(repo.SkillFile("pdf")));
        Assert.True(File.Exists(repo.SkillFile("mine")));
    }

    /// <summary>Publishes the skills, restores them with dotnet restore (lock and .gitignore written), then makes the folder a fresh clone.</summary>
    private static async Task<ConsumerWorkspace> RestoredCloneAsync(RegistrySkillPublisher publisher, params (string Name, string Tag)[] skills)
    {
        foreach (var (name, tag) in skills)
        {
            await publisher.PublishAsync(name, tag, ("notes.md", $"{name} {tag}\n"));
        }

        var repo = await ConsumerWorkspace.CreateAsync();
        repo.WriteProject("App.csproj", skills.Select(s => (publisher.Repo(s.Name), (string?)s.Tag)).ToArray());
        var restore = await repo.Cli().RunAsync("restore");
        Assert.True(restore.Succeeded, restore.ToString());
        Clone(repo);
        return repo;
    }

    /// <summary>What a clone has: the committed files; no .agents, no agent links, no obj, a cache of its own.</summary>
    private static void Clone(ConsumerWorkspace repo)
    {
        foreach (var folder in new[] { ".agents", ".claude", "obj" })
        {
            if (Directory.Exists(repo.File(folder)))
            {
                Directory.Delete(repo.File(folder), recursive: true);
            }
        }

        repo.CachePath = repo.Workspace.Root.CreateFolder(".skills-cache/clone-" + Guid.NewGuid().ToString("N")[..8]);
    }

    private static DotnetCli Cli(ConsumerWorkspace repo, string? workingDirectory = null)
    {
        var tool = SkillsOciTool.GetAsync().GetAwaiter().GetResult();
        return tool.CreateCli(workingDirectory ?? repo.Root, repo.Workspace.DockerConfigFolder, new Dictionary<string, string?> { ["SKILLS_OCI_CACHE"] = repo.CachePath });
    }

    /// <summary>Runs the hook as the agent does: a shell command, the agent's JSON piped to it, started in another folder.</summary>
    private static async Task<DotnetResult> HookAsync(ConsumerWorkspace repo, string workingDirectory, string agent)
    {
        var json = $$"""{"session_id":"s1","source":"startup","hook_event_name":"SessionStart","cwd":"{{repo.Root}}"}""";
        return await ShellAsync(repo, workingDirectory, $"printf '%s' '{json}' | \"$0\" sync --hook {agent}");
    }

    /// <summary>A shell command line with the tool's path as <c>$0</c>, with the clone's cache.</summary>
    private static async Task<DotnetResult> ShellAsync(ConsumerWorkspace repo, string workingDirectory, string script)
    {
        var tool = await SkillsOciTool.GetAsync();
        var cli = new DotnetCli(workingDirectory)
        {
            Executable = "/bin/sh",
            DockerConfigFolder = repo.Workspace.DockerConfigFolder,
            Environment = new Dictionary<string, string?> { ["SKILLS_OCI_CACHE"] = repo.CachePath },
            Timeout = TimeSpan.FromMinutes(1),
        };
        return await cli.RunAsync("-c", script, tool.Executable);
    }
}
