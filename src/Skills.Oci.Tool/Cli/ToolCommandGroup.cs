using System.CommandLine;

namespace Skills.Oci.Tool.Cli;

/// <summary>
/// A command that only groups others (<c>collection push</c>, <c>denylist push</c>): it has no
/// arguments and never runs itself; System.CommandLine answers a bare group with its help.
/// </summary>
public abstract class ToolCommandGroup(string name, string description, params ToolCommand[] subcommands) : ToolCommand(name, description)
{
    public sealed override IReadOnlyList<ToolCommand> Subcommands { get; } = subcommands;

    protected sealed override void Define(Command command)
    {
    }

    protected sealed override Task<int> ExecuteAsync(ParseResult parse, ToolOutput output, CancellationToken cancellationToken) =>
        Task.FromResult(ExitCodes.UsageError);
}
