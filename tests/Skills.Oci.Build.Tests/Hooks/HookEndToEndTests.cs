using System.Text.Json.Nodes;
using Skills.Oci.Build.Hooks;
using Skills.Oci.Build.Tests.Consume;

namespace Skills.Oci.Build.Tests.Hooks;

/// <summary>
/// The hook path as agents take it: register with the installed tool, commit, clone, then run the
/// registered command exactly as the agent runs it (its shell, its environment, its stdin JSON, its
/// working folder). The script restores the tool from the manifest register wrote, from the test
/// feed the workspace's NuGet.config names, and runs <c>skills-oci sync --hook &lt;agent&gt;</c>.
/// </summary>
[Collection(RegistryCollectionDefinition.Name)]
public sealed class HookEndToEndTests(RegistryFixture fixture)
{
    private const string ReloadSkills = """{"hookSpecificOutput":{"hookEventName":"SessionStart","reloadSkills":true}}""";

    /// <summary>The harness's folders in a workspace: never committed.</summary>
    private static readonly string[] HarnessFolders = [".nuget-packages/", ".docker/", ".skills-cache/", "obj/", "bin/"];

    [Fact]
    public async Task In_a_fresh_clone_the_registered_hooks_install_the_locked_skills_and_a_second_session_downloads_and_prints_nothing()
    {
        using var publisher = new RegistrySkillPublisher(fixture.Registry, "hook-e2e");
        await publisher.PublishAsync("pdf", "1.0.0", ("scripts/run.sh", "echo hi\n"));
        using var repo = await ConsumerWorkspace.CreateAsync(gitRepository: false);
        await Git.RunAsync(repo.Root, "init", "-q", "-b", "main");
        File.AppendAllLines(repo.File(".git/info/exclude"), HarnessFolders);
        repo.WriteProject("App.csproj", (publisher.Repo("pdf"), "1.0.0"));
        var restore = await repo.Cli().RunAsync("restore");
        Assert.True(restore.Succeeded, restore.ToString());
        var tool = await SkillsOciTool.GetAsync();

        // The lock links .claude/skills (the default SkillsAgentDirectories): Claude Code is registered.
        var register = await tool.CreateCli(repo.Workspace).RunAsync("register");
        var codex = await tool.CreateCli(repo.Workspace).RunAsync("register", "--agent", "codex");

        Assert.True(register.Succeeded, register.ToString());
        Assert.Contains("Registered the Claude Code session-start hook in .claude/settings.json", register.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Codex", register.Output, StringComparison.Ordinal);
        Assert.True(codex.Succeeded, codex.ToString());
        var tools = JsonNode.Parse(File.ReadAllText(repo.File(ToolManifest.DefaultPath)))!["tools"]!;
        Assert.Equal(tool.Feed.Version, (string?)tools["skills.oci.tool"]!["version"]);
        // What register wrote must be committed: the managed .gitignore block (or anything else) must not hide it.
        var ignored = await Git.RunAsync(repo.Root, "check-ignore", ".claude/settings.json", ".codex/hooks.json", ".codex/config.toml", HookScripts.ShellPath, HookScripts.PowerShellPath, ToolManifest.DefaultPath);
        Assert.True(ignored.ExitCode == 1 && ignored.Output.Length == 0, ignored.ToString());
        await Git.RunAsync(repo.Root, "add", "-A");
        await Git.RunAsync(repo.Root, "-c", "user.name=test", "-c", "user.email=test@example.com", "commit", "-q", "-m", "skills");

        using var clones = new TempFolder("hook-clone");
        var clone = clones.Combine("clone");
        await Git.RunAsync(clones.Path, "clone", "-q", repo.Root, clone);
        Assert.False(Directory.Exists(Path.Combine(clone, ".agents/skills")));
        Assert.True(File.Exists(Path.Combine(clone, "skills.lock.json")));
        var claudeCommand = (string)JsonNode.Parse(File.ReadAllText(Path.Combine(clone, ".claude/settings.json")))!["hooks"]!["SessionStart"]![0]!["hooks"]![0]!["command"]!;
        var cache = clones.Combine("cache");
        fixture.Registry.ClearRequests();

        var first = await RunHookAsync(repo, clone, cache, claudeCommand, "CLAUDE_PROJECT_DIR", "startup");

        Assert.True(first.Succeeded, first.ToString());
        Assert.True(File.Exists(Path.Combine(clone, ".agents/skills/pdf/SKILL.md")), first.ToString());
        Assert.True(File.Exists(Path.Combine(clone, ".agents/skills/pdf/scripts/run.sh")));
        Assert.True(File.Exists(Path.Combine(clone, ".claude/skills/pdf/SKILL.md")), "Claude Code reads .claude/skills");
        Assert.Equal(ReloadSkills, first.Output.Trim());
        Assert.NotEmpty(await publisher.RequestsAsync());

        fixture.Registry.ClearRequests();
        var second = await RunHookAsync(repo, clone, cache, claudeCommand, "CLAUDE_PROJECT_DIR", "resume");

        Assert.True(second.Succeeded, second.ToString());
        Assert.Equal(string.Empty, second.Output);
        Assert.Empty(await publisher.RequestsAsync());

        // Codex runs its command from the project folder; it prints nothing for Codex, even when it installs.
        Directory.Delete(Path.Combine(clone, ".agents/skills/pdf"), recursive: true);
        var codexCommand = (string)JsonNode.Parse(File.ReadAllText(Path.Combine(clone, ".codex/hooks.json")))!["hooks"]!["SessionStart"]![0]!["hooks"]![0]!["command"]!;

        var fromCodex = await RunHookAsync(repo, clone, cache, codexCommand, projectVariable: null, "startup");

        Assert.True(fromCodex.Succeeded, fromCodex.ToString());
        Assert.True(File.Exists(Path.Combine(clone, ".agents/skills/pdf/SKILL.md")), fromCodex.ToString());
        Assert.Equal(string.Empty, fromCodex.Output);
    }

    [Fact]
    public async Task The_installed_tool_registers_prints_one_line_per_agent_then_unchanged_and_removes_again()
    {
        var tool = await SkillsOciTool.GetAsync();
        using var folder = new TempFolder("hook-tool");
        Directory.CreateDirectory(folder.Combine(".git"));
        Directory.CreateDirectory(folder.Combine(".cursor"));
        var cli = tool.CreateCli(folder.Path);

        var first = await cli.RunAsync("register");
        var snapshot = FolderSnapshot.Take(folder.Path);
        var second = await cli.RunAsync("register");
        var wrong = await cli.RunAsync("register", "--agent", "vibe");

        Assert.True(first.Succeeded, first.ToString());
        Assert.Equal("Registered the Cursor session-start hook in .cursor/hooks.json", first.Output.Split('\n')[0].TrimEnd());
        Assert.Contains("skills-oci register --remove", first.Output, StringComparison.Ordinal);
        Assert.True(second.Succeeded, second.ToString());
        Assert.Equal("The Cursor session-start hook in .cursor/hooks.json is unchanged", second.Output.Trim());
        Assert.Equal(snapshot, FolderSnapshot.Take(folder.Path));
        Assert.Equal(2, wrong.ExitCode);
        Assert.Contains("'vibe' is not an agent", wrong.StandardError, StringComparison.Ordinal);

        var remove = await cli.RunAsync("register", "--remove");

        Assert.True(remove.Succeeded, remove.ToString());
        Assert.Contains("Removed the Cursor session-start hook from .cursor/hooks.json", remove.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(folder.Combine(".cursor/hooks.json")));
        Assert.False(File.Exists(folder.Combine(HookScripts.ShellPath)));
    }

    [Fact]
    public async Task Invalid_json_in_a_users_settings_is_a_coded_error_with_file_and_line_and_exit_code_1()
    {
        var tool = await SkillsOciTool.GetAsync();
        using var folder = new TempFolder("hook-invalid");
        Directory.CreateDirectory(folder.Combine(".git"));
        var settings = folder.Write(".claude/settings.json", "{\n  \"env\": { \"A\": 1 },\n  \"hooks\": \n}\n");

        var result = await tool.CreateCli(folder.Path).RunAsync("register", "--agent", "claude");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(["SKOCI6060"], result.ErrorCodes());
        Assert.Contains($"{settings}(4,", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.AllOutput, StringComparison.Ordinal);
        Assert.Equal("{\n  \"env\": { \"A\": 1 },\n  \"hooks\": \n}\n", File.ReadAllText(settings));
        Assert.False(Directory.Exists(folder.Combine(".agents")));
    }

    /// <summary>
    /// The hook command run as the agent runs it: <c>sh -c</c>, in the project folder, with the agent's
    /// project variable and its stdin JSON. Packages resolve from the workspace's feed (its NuGet.config
    /// was committed and cloned), into the workspace's packages folder.
    /// </summary>
    private static Task<DotnetResult> RunHookAsync(ConsumerWorkspace repo, string clone, string cache, string command, string? projectVariable, string source)
    {
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal) { ["SKILLS_OCI_CACHE"] = cache };
        if (projectVariable is not null)
        {
            environment[projectVariable] = clone;
        }

        var input = new JsonObject { ["session_id"] = "x", ["source"] = source, ["cwd"] = clone, ["hook_event_name"] = "SessionStart" }.ToJsonString();
        var cli = new DotnetCli(clone)
        {
            Executable = "sh",
            NuGetPackagesFolder = repo.Workspace.GlobalPackagesFolder,
            DockerConfigFolder = repo.Workspace.DockerConfigFolder,
            Environment = environment,
            StandardInput = input,
            Timeout = TimeSpan.FromMinutes(4),
        };
        return cli.RunAsync("-c", command);
    }
}
