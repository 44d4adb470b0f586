using System.Text.Json.Nodes;
using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Hooks;

namespace Skills.Oci.Build.Tests.Hooks;

/// <summary>What register writes per agent on an empty root, and that running it again changes nothing.</summary>
public sealed class HookRegistrarTests
{
    [Fact]
    public async Task On_an_empty_root_every_agent_gets_the_hook_its_format_defines()
    {
        using var folder = new HookFolder();

        var result = await folder.RegisterAsync("all");

        Assert.Equal(
            [
                "Registered the Claude Code session-start hook in .claude/settings.json",
                "Registered the Codex session-start hook in .codex/hooks.json",
                "Registered the Cursor session-start hook in .cursor/hooks.json",
                "Registered the Gemini CLI session-start hook in .gemini/settings.json",
                "Registered the GitHub Copilot session-start hook in .github/hooks/skills-oci.json",
            ],
            result.Hooks.Select(h => h.Describe()));

        var claude = Assert.Single(folder.Json(".claude/settings.json")["hooks"]!["SessionStart"]!.AsArray())!;
        Assert.Equal("startup|resume|clear|compact", (string?)claude["matcher"]);
        var claudeHook = Assert.Single(claude["hooks"]!.AsArray())!;
        Assert.Equal("command", (string?)claudeHook["type"]);
        Assert.Equal("\"$CLAUDE_PROJECT_DIR\"/.agents/skills-oci-sync claude", (string?)claudeHook["command"]);
        Assert.Equal(120, (int)claudeHook["timeout"]!);

        // Codex refuses a root key other than hooks and description.
        var codex = folder.Json(".codex/hooks.json");
        Assert.Equal(["hooks"], codex.Select(p => p.Key));
        var codexHook = codex["hooks"]!["SessionStart"]![0]!["hooks"]![0]!;
        Assert.Equal(".agents/skills-oci-sync codex", (string?)codexHook["command"]);
        Assert.Equal("[features]\ncodex_hooks = true\n", folder.Read(".codex/config.toml"));

        var cursor = folder.Json(".cursor/hooks.json");
        Assert.Equal(["version", "hooks"], cursor.Select(p => p.Key));
        Assert.Equal(1, (int)cursor["version"]!);
        var cursorHook = Assert.Single(cursor["hooks"]!["sessionStart"]!.AsArray())!;
        Assert.Equal(["command", "timeout"], cursorHook.AsObject().Select(p => p.Key));

        var geminiHook = folder.Json(".gemini/settings.json")["hooks"]!["SessionStart"]![0]!["hooks"]![0]!;
        Assert.Equal("skills-oci", (string?)geminiHook["name"]);
        Assert.Equal(120000, (int)geminiHook["timeout"]!);
        Assert.Equal("$GEMINI_PROJECT_DIR/.agents/skills-oci-sync gemini", (string?)geminiHook["command"]);

        var copilotHook = folder.Json(".github/hooks/skills-oci.json")["hooks"]!["sessionStart"]![0]!;
        Assert.Equal("./.agents/skills-oci-sync copilot", (string?)copilotHook["bash"]);
        Assert.Equal("./.agents/skills-oci-sync.ps1 copilot", (string?)copilotHook["powershell"]);
        Assert.Equal(120, (int)copilotHook["timeoutSec"]!);
    }

    [Fact]
    public async Task The_scripts_are_written_with_LF_endings_and_the_shell_script_is_executable()
    {
        using var folder = new HookFolder();

        await folder.RegisterAsync("claude");

        var shell = folder.Read(HookScripts.ShellPath);
        Assert.StartsWith("#!/bin/sh\n", shell, StringComparison.Ordinal);
        Assert.DoesNotContain('\r', shell);
        Assert.Contains("dotnet tool run skills-oci sync --hook \"$agent\"", shell, StringComparison.Ordinal);
        Assert.Contains("param([string]$Agent = '')", folder.Read(HookScripts.PowerShellPath), StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(
                UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute,
                File.GetUnixFileMode(folder.File(HookScripts.ShellPath)));
        }
    }

    [Fact]
    public async Task The_tool_manifest_gets_Skills_Oci_Tool_at_the_running_version()
    {
        using var folder = new HookFolder();

        await folder.RegisterAsync("cursor");

        var manifest = folder.Json(ToolManifest.DefaultPath);
        Assert.Equal(1, (int)manifest["version"]!);
        Assert.True((bool)manifest["isRoot"]!);
        var tool = manifest["tools"]!["skills.oci.tool"]!;
        Assert.Equal(HookFolder.ToolVersion, (string?)tool["version"]);
        Assert.Equal(["skills-oci"], tool["commands"]!.AsArray().Select(c => (string?)c));
    }

    [Fact]
    public async Task Running_register_twice_changes_no_byte_and_reports_every_hook_unchanged()
    {
        using var folder = new HookFolder();
        await folder.RegisterAsync("all");
        var before = folder.Snapshot();

        var second = await folder.RegisterAsync("all");

        Assert.Equal(before, folder.Snapshot());
        Assert.All(second.Files, file => Assert.False(file.Changed, file.Describe()));
        Assert.Equal("The Cursor session-start hook in .cursor/hooks.json is unchanged", second.Hooks.Single(h => h.Agent!.Name == "cursor").Describe());
    }

    [Fact]
    public async Task By_default_the_agents_with_a_folder_and_those_the_lock_links_are_registered()
    {
        using var folder = new HookFolder();
        Directory.CreateDirectory(folder.File(".cursor"));
        Directory.CreateDirectory(folder.File(".github/workflows"));
        folder.Write("skills.lock.json", """
            {
              "lockfileVersion": 1,
              "skills": [
                {
                  "name": "pdf",
                  "path": ".agents/skills/pdf",
                  "source": { "registry": "example.com", "repository": "skills/pdf", "tag": "1.0.0", "digest": "sha256:0000000000000000000000000000000000000000000000000000000000000000", "ref": "example.com/skills/pdf:1.0.0@sha256:0000000000000000000000000000000000000000000000000000000000000000" },
                  "installedAt": "2026-01-01T00:00:00Z",
                  "additionalPaths": [".gemini/skills/pdf"]
                }
              ]
            }
            """);

        var result = await folder.RegisterAsync();

        Assert.Equal(["cursor", "gemini", "copilot"], result.Hooks.Select(h => h.Agent!.Name));
        Assert.False(folder.Exists(".claude/settings.json"));
    }

    [Fact]
    public async Task With_no_agent_found_nothing_is_written_and_a_warning_says_how_to_name_one()
    {
        using var folder = new HookFolder();

        var result = await folder.RegisterAsync();

        var warning = Assert.Single(result.Diagnostics);
        Assert.Equal((ErrorCodes.NoHookAgentFound, DiagnosticSeverity.Warning), (warning.Code, warning.Severity));
        Assert.Contains("--agent", warning.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(folder.Root));
    }

    [Fact]
    public async Task An_unknown_agent_is_a_coded_error()
    {
        using var folder = new HookFolder();

        var error = await Assert.ThrowsAsync<SkillsOciException>(() => folder.RegisterAsync("claude;vibe"));

        Assert.Equal(ErrorCodes.UnknownHookAgent, error.Code);
        Assert.Contains("'vibe'", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(folder.Root));
    }

    [Fact]
    public async Task A_hook_file_that_is_a_link_is_refused()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using var folder = new HookFolder();
        var target = folder.Write("elsewhere.json", "{}\n");
        Directory.CreateDirectory(folder.File(".claude"));
        File.CreateSymbolicLink(folder.File(".claude/settings.json"), target);

        var error = await Assert.ThrowsAsync<SkillsOciException>(() => folder.RegisterAsync("claude"));

        Assert.Equal(ErrorCodes.SkillPathIsLink, error.Code);
        Assert.Equal("{}\n", folder.Read("elsewhere.json"));
    }

    [Fact]
    public void Every_format_entry_is_found_again_by_the_marker_and_every_agent_has_its_own_folder()
    {
        foreach (var format in AgentHookFormats.All)
        {
            var entry = JsonNode.Parse(format.Entry)!.AsObject();
            Assert.Contains(entry, p => p.Value is JsonValue v && v.TryGetValue<string>(out var s) && s.Contains(AgentHookFormats.Marker, StringComparison.Ordinal) && s.EndsWith(" " + format.Name, StringComparison.Ordinal));
            Assert.StartsWith(format.Folder + "/", format.HookFile, StringComparison.Ordinal);
        }

        Assert.Equal(AgentHookFormats.All.Count, AgentHookFormats.All.Select(f => f.Folder).Distinct().Count());
    }
}
