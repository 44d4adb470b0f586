using System.Text.Json.Nodes;
using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Hooks;

namespace Skills.Oci.Build.Tests.Hooks;

/// <summary>Register in files users already have: their keys, events and hooks are kept exactly, ours found again and replaced, never duplicated.</summary>
public sealed class HookMergeTests
{
    /// <summary>Laid out as editors and System.Text.Json write JSON, so every byte of it survives.</summary>
    private const string ClaudeSettings = """
        {
          "$schema": "https://json.schemastore.org/claude-code-settings.json",
          "permissions": {
            "allow": [
              "Bash(npm run lint)"
            ],
            "deny": []
          },
          "hooks": {
            "PreToolUse": [
              {
                "matcher": "Bash",
                "hooks": [
                  {
                    "type": "command",
                    "command": "./scripts/check.sh",
                    "timeout": 5.5,
                    "x-note": "café ☕ <kept> & \"quoted\""
                  }
                ]
              }
            ],
            "SessionStart": [
              {
                "matcher": "startup",
                "hooks": [
                  {
                    "type": "command",
                    "command": "echo welcome",
                    "unknownField": {
                      "nested": [
                        1,
                        2e3,
                        null,
                        true
                      ]
                    }
                  }
                ]
              }
            ]
          },
          "env": {
            "FOO": "1"
          }
        }

        """;

    [Fact]
    public async Task Claude_settings_keep_every_other_key_event_and_hook_and_removing_ours_gives_the_original_bytes()
    {
        using var folder = new HookFolder();
        folder.Write(".claude/settings.json", ClaudeSettings);
        var original = JsonNode.Parse(ClaudeSettings)!.AsObject();

        await folder.RegisterAsync("claude");

        var settings = folder.Json(".claude/settings.json");
        Assert.Equal(["$schema", "permissions", "hooks", "env"], settings.Select(p => p.Key));
        foreach (var key in new[] { "$schema", "permissions", "env" })
        {
            Assert.True(JsonNode.DeepEquals(original[key], settings[key]), key);
        }

        Assert.True(JsonNode.DeepEquals(original["hooks"]!["PreToolUse"], settings["hooks"]!["PreToolUse"]));
        var sessionStart = settings["hooks"]!["SessionStart"]!.AsArray();
        Assert.Equal(2, sessionStart.Count);
        Assert.True(JsonNode.DeepEquals(original["hooks"]!["SessionStart"]![0], sessionStart[0]), "the user's own SessionStart group comes first, unchanged");
        Assert.Contains("\"x-note\": \"café ☕ <kept> & \\\"quoted\\\"\"", folder.Read(".claude/settings.json"), StringComparison.Ordinal);
        Assert.Contains("\"timeout\": 5.5", folder.Read(".claude/settings.json"), StringComparison.Ordinal);
        Assert.Contains("2e3", folder.Read(".claude/settings.json"), StringComparison.Ordinal);

        await folder.RemoveAsync("claude");

        Assert.Equal(ClaudeSettings, folder.Read(".claude/settings.json"));
    }

    [Fact]
    public async Task A_file_indented_with_four_spaces_and_CRLF_keeps_its_layout()
    {
        using var folder = new HookFolder();
        var original = "{\r\n    \"version\": 1,\r\n    \"hooks\": {\r\n        \"stop\": [\r\n            {\r\n                \"command\": \"./done.sh\"\r\n            }\r\n        ]\r\n    }\r\n}";
        folder.Write(".cursor/hooks.json", original);

        await folder.RegisterAsync("cursor");

        var text = folder.Read(".cursor/hooks.json");
        Assert.DoesNotContain("\n", text.Replace("\r\n", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("\r\n        \"sessionStart\": [\r\n            {\r\n                \"command\": \".agents/skills-oci-sync cursor\",", text, StringComparison.Ordinal);
        Assert.False(text.EndsWith('\n'));

        await folder.RemoveAsync("cursor");

        Assert.Equal(original, folder.Read(".cursor/hooks.json"));
    }

    [Fact]
    public async Task An_older_entry_of_ours_is_replaced_where_it_is_and_extra_copies_are_removed()
    {
        using var folder = new HookFolder();
        folder.Write(".claude/settings.json", """
            {
              "hooks": {
                "SessionStart": [
                  { "matcher": "startup", "hooks": [ { "type": "command", "command": "/usr/local/bin/skills-oci-sync --old", "timeout": 30 } ] },
                  { "matcher": "resume", "hooks": [ { "type": "command", "command": "echo mine" } ] },
                  { "matcher": "", "hooks": [ { "type": "command", "command": "skills-oci-sync again" } ] }
                ]
              }
            }
            """);

        var result = await folder.RegisterAsync("claude");

        Assert.Equal(HookFileChangeKind.Updated, result.Hooks.Single().Kind);
        var groups = folder.Json(".claude/settings.json")["hooks"]!["SessionStart"]!.AsArray();
        Assert.Equal(2, groups.Count);
        Assert.Equal("startup|resume|clear|compact", (string?)groups[0]!["matcher"]);
        Assert.Equal("\"$CLAUDE_PROJECT_DIR\"/.agents/skills-oci-sync claude", (string?)groups[0]!["hooks"]![0]!["command"]);
        Assert.Equal("echo mine", (string?)groups[1]!["hooks"]![0]!["command"]);
    }

    [Fact]
    public async Task Our_entry_inside_a_group_of_the_users_is_refreshed_in_place_and_the_group_kept()
    {
        using var folder = new HookFolder();
        folder.Write(".gemini/settings.json", """
            {
              "hooks": {
                "SessionStart": [
                  {
                    "matcher": "*",
                    "hooks": [
                      { "type": "command", "command": "echo before" },
                      { "name": "skills-oci", "type": "command", "command": "custom command", "timeout": 1 }
                    ]
                  }
                ]
              }
            }
            """);

        await folder.RegisterAsync("gemini");

        var group = Assert.Single(folder.Json(".gemini/settings.json")["hooks"]!["SessionStart"]!.AsArray())!;
        Assert.Equal("*", (string?)group["matcher"]);
        var hooks = group["hooks"]!.AsArray();
        Assert.Equal(["echo before", "$GEMINI_PROJECT_DIR/.agents/skills-oci-sync gemini"], hooks.Select(h => (string?)h!["command"]));
        Assert.Equal(120000, (int)hooks[1]!["timeout"]!);
    }

    [Fact]
    public async Task Invalid_json_is_a_coded_error_naming_the_file_and_line_and_nothing_is_written()
    {
        using var folder = new HookFolder();
        var broken = "{\n  \"hooks\": {\n    \"SessionStart\": [\n  }\n}\n";
        var path = folder.Write(".claude/settings.json", broken);
        var before = folder.Snapshot();

        var error = await Assert.ThrowsAsync<SkillsOciException>(() => folder.RegisterAsync("all"));

        Assert.Equal(ErrorCodes.HookFileInvalidJson, error.Code);
        Assert.Equal(path, error.Diagnostic.File);
        Assert.Equal(4, error.Diagnostic.Line);
        Assert.StartsWith($"{path}(4,", error.Diagnostic.ToString(), StringComparison.Ordinal);
        Assert.Equal(before, folder.Snapshot());
    }

    [Fact]
    public async Task Comments_are_refused_rather_than_lost()
    {
        using var folder = new HookFolder();
        folder.Write(".gemini/settings.json", "{\n  // the theme\n  \"theme\": \"dark\"\n}\n");

        var error = await Assert.ThrowsAsync<SkillsOciException>(() => folder.RegisterAsync("gemini"));

        Assert.Equal(ErrorCodes.HookFileHasComments, error.Code);
        Assert.Equal(2, error.Diagnostic.Line);
        Assert.Equal("{\n  // the theme\n  \"theme\": \"dark\"\n}\n", folder.Read(".gemini/settings.json"));
    }

    [Theory]
    [InlineData("""{ "hooks": [] }""", "\"hooks\" is not an object")]
    [InlineData("""{ "hooks": { "SessionStart": {} } }""", "\"hooks.SessionStart\" is not an array")]
    [InlineData("""[]""", "does not hold a JSON object")]
    public async Task A_value_of_another_shape_is_a_coded_error_and_the_file_stays(string content, string expected)
    {
        using var folder = new HookFolder();
        folder.Write(".codex/hooks.json", content);

        var error = await Assert.ThrowsAsync<SkillsOciException>(() => folder.RegisterAsync("codex"));

        Assert.Equal(ErrorCodes.HookFileUnexpectedShape, error.Code);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Equal(content, folder.Read(".codex/hooks.json"));
    }

    [Fact]
    public async Task A_tool_manifest_with_other_tools_keeps_them_and_a_pinned_version_of_ours_stays()
    {
        using var folder = new HookFolder();
        var manifest = """
            {
              "version": 1,
              "isRoot": true,
              "tools": {
                "dotnet-ef": {
                  "version": "9.0.0",
                  "commands": [
                    "dotnet-ef"
                  ]
                }
              }
            }

            """;
        folder.Write(".config/dotnet-tools.json", manifest);

        await folder.RegisterAsync("claude");

        var tools = folder.Json(".config/dotnet-tools.json")["tools"]!.AsObject();
        Assert.Equal(["dotnet-ef", "skills.oci.tool"], tools.Select(t => t.Key));
        Assert.StartsWith(manifest.TrimEnd()[..^6], folder.Read(".config/dotnet-tools.json"), StringComparison.Ordinal);

        folder.Write(".config/dotnet-tools.json", manifest.Replace("\"dotnet-ef\": {", "\"Skills.Oci.Tool\": { \"version\": \"0.9.0\", \"commands\": [\"skills-oci\"] },\n    \"dotnet-ef\": {", StringComparison.Ordinal));
        var pinned = folder.Read(".config/dotnet-tools.json");

        await folder.RegisterAsync("claude");

        Assert.Equal(pinned, folder.Read(".config/dotnet-tools.json"));
    }

    [Fact]
    public async Task Remove_takes_out_only_our_hooks_deletes_our_dedicated_file_and_keeps_the_scripts_while_a_hook_uses_them()
    {
        using var folder = new HookFolder();
        folder.Write(".cursor/hooks.json", "{\n  \"version\": 1,\n  \"hooks\": {\n    \"stop\": [\n      {\n        \"command\": \"./done.sh\"\n      }\n    ]\n  }\n}\n");
        await folder.RegisterAsync("cursor", "copilot", "claude");

        await folder.RemoveAsync("copilot", "cursor");

        Assert.False(folder.Exists(".github/hooks/skills-oci.json"));
        Assert.False(Directory.Exists(folder.File(".github/hooks")));
        Assert.Equal("{\n  \"version\": 1,\n  \"hooks\": {\n    \"stop\": [\n      {\n        \"command\": \"./done.sh\"\n      }\n    ]\n  }\n}\n", folder.Read(".cursor/hooks.json"));
        Assert.True(folder.Exists(HookScripts.ShellPath), "Claude's hook still runs the script");

        var result = await folder.RemoveAsync();

        Assert.Equal("Removed the Claude Code session-start hook from .claude/settings.json", Assert.Single(result.Hooks, h => h.Changed).Describe());
        Assert.False(folder.Exists(".claude/settings.json"));
        Assert.True(Directory.Exists(folder.File(".claude")), "top-level agent folders stay");
        Assert.False(folder.Exists(HookScripts.ShellPath));
        Assert.False(folder.Exists(HookScripts.PowerShellPath));
        Assert.True(folder.Exists(ToolManifest.DefaultPath), "the manifest stays: the tool may serve more than the hooks");
    }
}
