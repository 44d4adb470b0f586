using System.Text.Json.Nodes;
using Skills.Oci.Build.Hooks;
using Skills.Oci.Build.Tests.Consume;

namespace Skills.Oci.Build.Tests.Hooks;

/// <summary><c>dotnet msbuild -t:RegisterSkillHooks</c> on a real SDK project: the same hooks as <c>skills-oci register</c>.</summary>
public sealed class RegisterSkillHooksTargetTests
{
    [Fact]
    public async Task SkillsHookAgents_selects_the_agents_and_a_second_run_changes_nothing()
    {
        using var repo = await ConsumerWorkspace.CreateAsync();
        repo.WriteProject("src/App/App.csproj");
        var cli = repo.Cli("src/App");

        var first = await cli.RunAsync("msbuild", "-t:RegisterSkillHooks", "-p:SkillsHookAgents=cursor%3Bcopilot", "-v:n");

        Assert.True(first.Succeeded, first.ToString());
        Assert.Contains("Registered the Cursor session-start hook in .cursor/hooks.json", first.Output, StringComparison.Ordinal);
        Assert.Contains("Registered the GitHub Copilot session-start hook in .github/hooks/skills-oci.json", first.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(repo.File(".claude/settings.json")));
        Assert.True(File.Exists(repo.File(HookScripts.ShellPath)), "written at the skills root, not in the project folder");
        var tool = JsonNode.Parse(File.ReadAllText(repo.File(ToolManifest.DefaultPath)))!["tools"]!["skills.oci.tool"]!;
        Assert.Equal(repo.Workspace.Feed.Version, (string?)tool["version"]);
        var before = repo.Snapshot();

        var second = await cli.RunAsync("msbuild", "-t:RegisterSkillHooks", "-p:SkillsHookAgents=cursor%3Bcopilot", "-v:n");

        Assert.True(second.Succeeded, second.ToString());
        Assert.Contains("The Cursor session-start hook in .cursor/hooks.json is unchanged", second.Output, StringComparison.Ordinal);
        Assert.Equal(before, repo.Snapshot());
    }

    [Fact]
    public async Task By_default_the_agent_SkillsAgentDirectories_links_is_registered_and_an_unknown_agent_is_SKOCI6063()
    {
        using var repo = await ConsumerWorkspace.CreateAsync();
        var project = repo.WriteProject("App.csproj");
        var cli = repo.Cli();

        var byDefault = await cli.RunAsync("msbuild", "-t:RegisterSkillHooks");
        var unknown = await cli.RunAsync("msbuild", "-t:RegisterSkillHooks", "-p:SkillsHookAgents=vibe");

        // SkillsAgentDirectories defaults to .claude/skills.
        Assert.True(byDefault.Succeeded, byDefault.ToString());
        Assert.True(File.Exists(repo.File(".claude/settings.json")));
        Assert.False(File.Exists(repo.File(".cursor/hooks.json")));
        Assert.Equal(1, unknown.ExitCode);
        Assert.Equal(["SKOCI6063"], unknown.ErrorCodes());
        Assert.Contains($"{project} : error SKOCI6063", unknown.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SkillsHookRemove_takes_the_hooks_out_again()
    {
        using var repo = await ConsumerWorkspace.CreateAsync();
        repo.WriteProject("App.csproj");
        var cli = repo.Cli();
        var register = await cli.RunAsync("msbuild", "-t:RegisterSkillHooks", "-p:SkillsHookAgents=gemini");
        Assert.True(register.Succeeded, register.ToString());

        var remove = await cli.RunAsync("msbuild", "-t:RegisterSkillHooks", "-p:SkillsHookRemove=true", "-v:n");

        Assert.True(remove.Succeeded, remove.ToString());
        Assert.Contains("Removed the Gemini CLI session-start hook from .gemini/settings.json", remove.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(repo.File(".gemini/settings.json")));
        Assert.False(File.Exists(repo.File(HookScripts.ShellPath)));
    }
}
