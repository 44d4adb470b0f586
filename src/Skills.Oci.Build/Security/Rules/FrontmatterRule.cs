using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Format;
using YamlDotNet.RepresentationModel;

namespace Skills.Oci.Build.Security.Rules;

/// <summary>
/// What SKILL.md's frontmatter lets the skill do without asking: <c>allowed-tools</c> (an inventory
/// entry; a shell with no restriction is a finding of its own) and <c>hooks</c> (Claude Code runs them
/// while the skill is active).
/// </summary>
internal static class FrontmatterRule
{
    private static readonly HashSet<string> Shells = new(StringComparer.OrdinalIgnoreCase) { "Bash", "Shell", "PowerShell", "Terminal", "run_shell_command", "shell_command", "exec" };

    public static async Task InspectAsync(ScanFile file, FindingSink sink, CancellationToken cancellationToken)
    {
        // A SKILL.md whose frontmatter does not parse is the format's problem (restore and pack report it), not the scan's.
        var markdown = await SkillMarkdown.ReadAsync(file.FullPath, SkillMarkdownOptions.Foreign, new List<Diagnostic>(), cancellationToken).ConfigureAwait(false);
        if (markdown is null)
        {
            return;
        }

        if (markdown["allowed-tools"] is { } tools)
        {
            var (line, column) = SkillMarkdown.Locate(tools);
            var names = Tools(tools);
            sink.Add(ErrorCodes.ScanAllowedTools, line, column,
                $"SKILL.md pre-approves the tools {string.Join(", ", names.Select(n => $"'{n}'"))}: the agent uses them without asking while the skill is active.");
            foreach (var shell in names.Where(IsUnrestrictedShell))
            {
                sink.Add(ErrorCodes.ScanUnrestrictedShell, line, column,
                    $"allowed-tools pre-approves '{shell}' with no command restriction: any command runs without asking. Restrict it, for example 'Bash(git status:*)'.");
            }
        }

        if (markdown["hooks"] is YamlMappingNode { Children.Count: > 0 } hooks)
        {
            foreach (var hookEvent in hooks.Children)
            {
                var (line, column) = SkillMarkdown.Locate(hookEvent.Key);
                sink.Add(ErrorCodes.ScanHookDeclaration, line, column,
                    $"SKILL.md declares a '{(hookEvent.Key as YamlScalarNode)?.Value}' hook: the agent runs its command by itself, without asking, while the skill is active.");
            }
        }
    }

    /// <summary>A space- or comma-separated string (parentheses keep their spaces), or a YAML list.</summary>
    private static List<string> Tools(YamlNode node)
    {
        if (node is YamlSequenceNode sequence)
        {
            return sequence.Children.OfType<YamlScalarNode>().Select(s => s.Value ?? string.Empty).Where(s => s.Length > 0).ToList();
        }

        var text = (node as YamlScalarNode)?.Value ?? string.Empty;
        var tools = new List<string>();
        var depth = 0;
        var start = 0;
        for (var index = 0; index <= text.Length; index++)
        {
            var c = index < text.Length ? text[index] : ' ';
            depth += c == '(' ? 1 : c == ')' ? -1 : 0;
            if (depth == 0 && (c == ' ' || c == ','))
            {
                if (index > start)
                {
                    tools.Add(text[start..index]);
                }

                start = index + 1;
            }
        }

        return tools;
    }

    private static bool IsUnrestrictedShell(string tool)
    {
        var open = tool.IndexOf('(');
        var name = open < 0 ? tool : tool[..open];
        var argument = open < 0 ? null : tool[(open + 1)..].TrimEnd(')').Trim();
        return Shells.Contains(name.Trim()) && (argument is null or "" or "*" or "*:*");
    }
}
