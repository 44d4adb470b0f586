using System.CommandLine;
using Skills.Oci.Build.Hosting;

namespace Skills.Oci.Tool.Cli;

/// <summary>
/// One <c>skills-oci</c> command: declares its arguments and options, then runs through the same
/// plain classes the MSBuild tasks call. This base is the command line's failure boundary: a coded
/// failure prints its diagnostic and exits 1, a bug prints SKOCI0001 (its stack trace only at
/// detailed verbosity), and nothing escapes as an unhandled exception.
/// </summary>
public abstract class ToolCommand
{
    protected ToolCommand(string name, string description)
    {
        Name = name;
        Description = description;
    }

    public string Name { get; }

    public string Description { get; }

    /// <summary>Other names the command answers to (<c>install</c> is also <c>restore</c>).</summary>
    public virtual IReadOnlyList<string> Aliases => [];

    /// <summary>Hidden commands serve our own hosts (the out-of-process MSBuild task), not users.</summary>
    public virtual bool Hidden => false;

    /// <summary>Commands under this one (<c>collection push</c>); a command with some is a group and does nothing itself.</summary>
    public virtual IReadOnlyList<ToolCommand> Subcommands => [];

    public Command Build(GlobalOptions globals, ToolConsole console)
    {
        var command = new Command(Name, Description) { Hidden = Hidden };
        foreach (var alias in Aliases)
        {
            command.Aliases.Add(alias);
        }

        foreach (var subcommand in Subcommands)
        {
            command.Subcommands.Add(subcommand.Build(globals, console));
        }

        Define(command);
        if (Subcommands.Count > 0)
        {
            return command;
        }

        command.SetAction((parse, cancellationToken) => RunAsync(parse, globals.CreateOutput(parse, console), cancellationToken));
        return command;
    }

    /// <summary>Adds the command's arguments and options.</summary>
    protected abstract void Define(Command command);

    /// <summary>Does the work; returns the exit code (errors printed through <paramref name="output"/> make it 1 anyway).</summary>
    protected abstract Task<int> ExecuteAsync(ParseResult parse, ToolOutput output, CancellationToken cancellationToken);

    private async Task<int> RunAsync(ParseResult parse, ToolOutput output, CancellationToken cancellationToken)
    {
        try
        {
            var code = await ExecuteAsync(parse, output, cancellationToken).ConfigureAwait(false);
            return output.HasErrors && code == ExitCodes.Success ? ExitCodes.Failure : code;
        }
        catch (Exception ex)
        {
            var cancelled = cancellationToken.IsCancellationRequested;
            output.Diagnostic(FailureDiagnostics.From(ex, defaultFile: null, cancelled));
            if (FailureDiagnostics.IsBug(ex, cancelled))
            {
                output.Detail(ex.ToString());
            }

            return ExitCodes.Failure;
        }
        finally
        {
            output.EndProgress();
        }
    }
}
