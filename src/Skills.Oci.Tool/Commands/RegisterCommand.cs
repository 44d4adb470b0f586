using System.CommandLine;
using Skills.Oci.Build.Hooks;
using Skills.Oci.Build.Restore;
using Skills.Oci.Tool.Cli;

namespace Skills.Oci.Tool.Commands;

/// <summary><c>skills-oci register</c>: the agents' session-start hooks that install the locked skills (docs/agents.md).</summary>
public sealed class RegisterCommand() : ToolCommand("register", "Register session-start hooks that install the locked skills when a coding agent starts a session (Claude Code, Codex, Cursor, Gemini CLI, GitHub Copilot).")
{
    private readonly Option<string[]> _agent = new("--agent")
    {
        Description = "The agents to register (repeat, or separate with commas): claude, codex, cursor, gemini, copilot, or all. Default: the agents the repository links skills for or has a folder for (.claude, .codex, .cursor, .gemini, .github).",
        AllowMultipleArgumentsPerToken = false,
    };

    private readonly Option<bool> _remove = new("--remove")
    {
        Description = "Remove the hooks instead (from every agent unless --agent names some), and the scripts once no hook uses them.",
    };

    protected override void Define(Command command)
    {
        _agent.Validators.Add(result =>
        {
            var names = result.Tokens.SelectMany(t => t.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            foreach (var name in names.Where(n => AgentHookFormats.Find(n) is null && !string.Equals(n, AgentHookFormats.AllAgents, StringComparison.OrdinalIgnoreCase)))
            {
                result.AddError($"'{name}' is not an agent: use {string.Join(", ", AgentHookFormats.All.Select(f => f.Name))} or {AgentHookFormats.AllAgents}.");
            }
        });
        command.Options.Add(_agent);
        command.Options.Add(_remove);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parse, ToolOutput output, CancellationToken cancellationToken)
    {
        var request = new HookRegistrationRequest
        {
            SkillsRoot = SkillsRootLocator.Locate(Environment.CurrentDirectory),
            Agents = parse.GetValue(_agent) ?? [],
            Remove = parse.GetValue(_remove),
        };

        var result = await HookRegistrar.RunAsync(request, cancellationToken).ConfigureAwait(false);
        output.Diagnostics(result.Diagnostics);
        if (output.Format == OutputFormat.Json)
        {
            output.Json(result.Files.Select(file => new { file.RelativePath, Kind = file.Kind.ToString().ToLowerInvariant(), Agent = file.Agent?.Name }));
            return ExitCodes.Success;
        }

        foreach (var file in result.Files)
        {
            if (file.Changed)
            {
                output.Change(file.Describe());
            }
            else if (file.Agent is not null)
            {
                output.Info(file.Describe());
            }
            else
            {
                output.Detail(file.Describe());
            }
        }

        if (!request.Remove && result.Files.Any(file => file.Changed))
        {
            output.Info("Commit these files. To undo: skills-oci register --remove.");
        }

        return ExitCodes.Success;
    }
}
