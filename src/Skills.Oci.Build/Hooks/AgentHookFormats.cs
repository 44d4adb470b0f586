namespace Skills.Oci.Build.Hooks;

/// <summary>
/// Where one coding agent reads its session-start hooks and what our entry there looks like
/// (docs/agents.md). Agents change these formats often, so every fact lives in
/// <see cref="AgentHookFormats"/> and nowhere else.
/// </summary>
/// <param name="Name">The name <c>--agent</c> and <c>SkillsHookAgents</c> take, and the script's first argument.</param>
/// <param name="DisplayName">The agent as users know it, for output lines.</param>
/// <param name="Folder">The agent's folder at the skills root: its presence, or a <c>SkillsAgentDirectories</c> entry inside it, selects the agent by default.</param>
/// <param name="HookFile">The settings file that holds the hook, root-relative with '/'.</param>
/// <param name="Event">The session-start event's key under <c>hooks</c>.</param>
/// <param name="Matcher">The matcher of our group, for formats that group hooks under matchers; null for flat entry lists.</param>
/// <param name="Entry">Our hook entry, as JSON.</param>
/// <param name="RootProperties">Properties the file's root needs besides <c>hooks</c> (written first, when absent), as a JSON object.</param>
/// <param name="DedicatedFile">True when the file is ours alone (a folder of hook files): removing the hook removes the file.</param>
public sealed record AgentHookFormat(
    string Name,
    string DisplayName,
    string Folder,
    string HookFile,
    string Event,
    string? Matcher,
    string Entry,
    string RootProperties = "{}",
    bool DedicatedFile = false)
{
    public override string ToString() => Name;
}

/// <summary>The session-start hook of every agent that has one (agents without one: docs/agents.md).</summary>
public static class AgentHookFormats
{
    /// <summary>
    /// In every command string we write, and in nothing a user would write: how our entry is found
    /// again, whatever else changed in it. The command strings never change across versions (Codex and
    /// Gemini ask users to trust a hook again when its command changes); the script they run does.
    /// </summary>
    public const string Marker = "skills-oci-sync";

    /// <summary>The value of <c>--agent</c> that selects every agent.</summary>
    public const string AllAgents = "all";

    // Seconds everywhere but Gemini (milliseconds): a cold first install downloads every skill.
    public static IReadOnlyList<AgentHookFormat> All { get; } =
    [
        new("claude", "Claude Code", ".claude", ".claude/settings.json", "SessionStart", "startup|resume|clear|compact",
            """{ "type": "command", "command": "\"$CLAUDE_PROJECT_DIR\"/.agents/skills-oci-sync claude", "timeout": 120 }"""),
        // Codex refuses a hooks.json whose root holds anything but "hooks" and "description".
        new("codex", "Codex", ".codex", ".codex/hooks.json", "SessionStart", "startup|resume|clear",
            """{ "type": "command", "command": ".agents/skills-oci-sync codex", "commandWindows": "powershell -NoProfile -ExecutionPolicy Bypass -File .agents/skills-oci-sync.ps1 codex", "timeout": 120, "statusMessage": "Restoring agent skills" }"""),
        new("cursor", "Cursor", ".cursor", ".cursor/hooks.json", "sessionStart", null,
            """{ "command": ".agents/skills-oci-sync cursor", "timeout": 120 }""",
            RootProperties: """{ "version": 1 }"""),
        new("gemini", "Gemini CLI", ".gemini", ".gemini/settings.json", "SessionStart", "startup",
            """{ "name": "skills-oci", "type": "command", "command": "$GEMINI_PROJECT_DIR/.agents/skills-oci-sync gemini", "timeout": 120000 }"""),
        new("copilot", "GitHub Copilot", ".github", ".github/hooks/skills-oci.json", "sessionStart", null,
            """{ "type": "command", "bash": "./.agents/skills-oci-sync copilot", "powershell": "./.agents/skills-oci-sync.ps1 copilot", "cwd": ".", "timeoutSec": 120 }""",
            RootProperties: """{ "version": 1 }""",
            DedicatedFile: true),
    ];

    /// <summary>Codex builds older than hooks-on-by-default need this flag in <c>.codex/config.toml</c>.</summary>
    public const string CodexConfigFile = ".codex/config.toml";

    public static AgentHookFormat? Find(string name) =>
        All.FirstOrDefault(format => string.Equals(format.Name, name.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>The agent whose folder holds a root-relative path (<c>.claude/skills/pdf</c> → Claude Code), or null.</summary>
    public static AgentHookFormat? OwningFolder(string relativePath)
    {
        var first = relativePath.Replace('\\', '/').Split('/', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(segment => segment != ".");
        return first is null ? null : All.FirstOrDefault(format => format.Folder == first);
    }
}
