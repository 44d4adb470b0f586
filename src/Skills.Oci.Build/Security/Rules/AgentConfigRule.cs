using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Skills.Oci.Build.Diagnostics;

namespace Skills.Oci.Build.Security.Rules;

/// <summary>
/// Hook and MCP server declarations in the agents' own settings formats a skill may carry: Claude Code
/// (<c>.claude/settings*.json</c>, plugin <c>hooks/hooks.json</c>, <c>.mcp.json</c>), Codex
/// (<c>.codex/hooks.json</c>, <c>[hooks]</c> and <c>[mcp_servers.*]</c> in <c>.codex/config.toml</c>), Cursor
/// (<c>.cursor/hooks.json</c>, <c>.cursor/mcp.json</c>), Gemini (<c>.gemini/settings.json</c>), Copilot
/// (<c>.github/hooks/*.json</c>), VS Code (<c>.vscode/mcp.json</c>) and others of the same shape. One
/// finding per hook event and per server, at the line that names it (docs/agents.md, spec agent-hooks).
/// </summary>
internal sealed partial class AgentConfigRule(ScanFile file) : ILineRule
{
    /// <summary>Settings files larger than this are not settings; they are skipped rather than held in memory.</summary>
    private const int MaxChars = 1024 * 1024;

    private static readonly string[] AgentFolders = [".claude/", ".codex/", ".cursor/", ".gemini/", ".github/hooks/", ".vscode/", ".windsurf/", ".kiro/", ".amazonq/", ".continue/", ".roo/", ".claude-plugin/"];

    private static readonly HashSet<string> ConfigNames = new(StringComparer.Ordinal) { "hooks.json", ".mcp.json", "mcp.json", "mcp_settings.json", "claude_desktop_config.json", "config.toml" };

    [GeneratedRegex(@"^\s*\[{1,2}\s*(?<table>hooks|mcp_servers)(?:\.(?<name>""[^""]+""|[\w-]+))?", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex TomlTable();

    private readonly List<string> _lines = [];
    private int _chars;

    public static bool Applies(ScanFile file)
    {
        var path = "/" + file.RelativePath.ToLowerInvariant();
        var inAgentFolder = AgentFolders.Any(f => path.Contains("/" + f, StringComparison.Ordinal));
        return file.Extension is ".json" or ".toml" && (inAgentFolder || ConfigNames.Contains(file.Name));
    }

    public void Line(int number, ReadOnlySpan<char> text, FindingSink sink)
    {
        if (_chars <= MaxChars)
        {
            _lines.Add(text.ToString());
            _chars += text.Length + 1;
        }
    }

    public void End(FindingSink sink)
    {
        if (_chars > MaxChars)
        {
            return;
        }

        if (file.Extension == ".toml")
        {
            Toml(sink);
            return;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(string.Join('\n', _lines), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException)
        {
            // Not JSON an agent could load either.
            return;
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return;
            }

            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Name == "hooks")
                {
                    Hooks(property.Value, sink);
                }
                else if (property.Name is "mcpServers" or "mcp_servers" or "context_servers" || (property.Name == "servers" && file.Name.Contains("mcp", StringComparison.Ordinal)))
                {
                    Servers(property.Name, property.Value, sink);
                }
            }
        }
    }

    private void Hooks(JsonElement hooks, FindingSink sink)
    {
        var (line, column) = Find("\"hooks\"", 0);
        if (hooks.ValueKind != JsonValueKind.Object)
        {
            if (hooks.ValueKind == JsonValueKind.Array && hooks.GetArrayLength() > 0)
            {
                sink.Add(ErrorCodes.ScanHookDeclaration, line, column, $"{file.RelativePath} declares agent hooks: commands the agent runs by itself, without asking, when the file is active.");
            }

            return;
        }

        foreach (var hookEvent in hooks.EnumerateObject())
        {
            var (eventLine, eventColumn) = Find($"\"{hookEvent.Name}\"", line);
            var commands = Commands(hookEvent.Value).Distinct(StringComparer.Ordinal).Take(3).ToList();
            sink.Add(ErrorCodes.ScanHookDeclaration, eventLine, eventColumn,
                $"{file.RelativePath} declares a '{hookEvent.Name}' hook: the agent runs {(commands.Count > 0 ? $"'{string.Join("', '", commands)}'" : "its command")} by itself, without asking, when the file is active.");
        }
    }

    private void Servers(string key, JsonElement servers, FindingSink sink)
    {
        if (servers.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        var (line, _) = Find($"\"{key}\"", 0);
        foreach (var server in servers.EnumerateObject())
        {
            var (serverLine, serverColumn) = Find($"\"{server.Name}\"", line);
            var what = server.Value.ValueKind == JsonValueKind.Object && server.Value.TryGetProperty("command", out var command) && command.ValueKind == JsonValueKind.String
                ? $"starts '{Shorten(command.GetString()!)}{Arguments(server.Value)}'"
                : server.Value.ValueKind == JsonValueKind.Object && (server.Value.TryGetProperty("url", out var url) || server.Value.TryGetProperty("serverUrl", out url)) && url.ValueKind == JsonValueKind.String
                    ? $"connects to {Shorten(url.GetString()!)}"
                    : "is started by the agent";
            sink.Add(ErrorCodes.ScanMcpServer, serverLine, serverColumn, $"{file.RelativePath} declares the MCP server '{server.Name}', which {what}.");
        }
    }

    private void Toml(FindingSink sink)
    {
        var reported = new HashSet<string>(StringComparer.Ordinal);
        for (var index = 0; index < _lines.Count; index++)
        {
            var match = TomlTable().Match(_lines[index]);
            if (!match.Success)
            {
                continue;
            }

            var name = match.Groups["name"].Value.Trim('"');
            if (match.Groups["table"].Value == "hooks")
            {
                if (reported.Add("hooks:" + name))
                {
                    sink.Add(ErrorCodes.ScanHookDeclaration, index + 1, match.Index + 1,
                        $"{file.RelativePath} declares {(name.Length > 0 ? $"a '{name}' hook" : "agent hooks")}: commands the agent runs by itself, without asking, when the file is active.");
                }
            }
            else if (name.Length > 0 && reported.Add("mcp:" + name))
            {
                sink.Add(ErrorCodes.ScanMcpServer, index + 1, match.Index + 1, $"{file.RelativePath} declares the MCP server '{name}', which the agent starts.");
            }
        }
    }

    private static IEnumerable<string> Commands(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (property.Name is "command" or "bash" or "powershell" && property.Value.ValueKind == JsonValueKind.String)
                    {
                        yield return Shorten(property.Value.GetString()!);
                    }
                    else
                    {
                        foreach (var nested in Commands(property.Value))
                        {
                            yield return nested;
                        }
                    }
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    foreach (var nested in Commands(item))
                    {
                        yield return nested;
                    }
                }

                break;
        }
    }

    private static string Arguments(JsonElement server) =>
        server.TryGetProperty("args", out var args) && args.ValueKind == JsonValueKind.Array
            ? Shorten(new StringBuilder().AppendJoin(' ', args.EnumerateArray().Select(a => a.ValueKind == JsonValueKind.String ? a.GetString() : a.GetRawText()).Prepend(string.Empty)).ToString())
            : string.Empty;

    /// <summary>The first line at or after <paramref name="from"/> (0-based) holding <paramref name="token"/>: 1-based line and column.</summary>
    private (int Line, int Column) Find(string token, int from)
    {
        for (var index = Math.Max(0, from - 1); index < _lines.Count; index++)
        {
            var column = _lines[index].IndexOf(token, StringComparison.Ordinal);
            if (column >= 0)
            {
                return (index + 1, column + 1);
            }
        }

        return (1, 1);
    }

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "…";
}
