using System.CommandLine;
using Skills.Oci.Tool.Commands;

namespace Skills.Oci.Tool.Cli;

/// <summary>The <c>skills-oci</c> command tree, and the parse-then-run that gives usage errors exit code 2.</summary>
public static class ToolApp
{
    /// <summary>Every command, in the order <c>--help</c> lists them.</summary>
    public static IReadOnlyList<ToolCommand> Commands() =>
    [
        new PushCommand(),
        new CollectionCommand(),
        new DenyListCommand(),
        new AddCommand(),
        new RemoveCommand(),
        new InstallCommand(),
        new SyncCommand(),
        new ListCommand(),
        new WhyCommand(),
        new UpdateCommand(),
        new VerifyCommand(),
        new ScanCommand(),
        new ExportCommand(),
        new SbomCommand(),
        new ImportCommand(),
        new CleanCommand(),
        new LoginCommand(),
        new LogoutCommand(),
        new RegisterCommand(),
        new MSBuildTaskCommand(),
    ];

    /// <summary>The name help and messages use, whatever the host process is called (a test host, <c>dotnet exec</c>).</summary>
    public const string Name = "skills-oci";

    public static Command CreateRoot(ToolConsole console)
    {
        var globals = new GlobalOptions();
        // Not RootCommand: its name is the running executable's, which is not ours under a test host or dotnet exec.
        var root = new Command(Name, "Agent Skills as OCI artifacts: push skills, install and sync them into .agents/skills, and register the session-start hooks that bring them to coding agents.")
        {
            Options = { new System.CommandLine.Help.HelpOption(), new VersionOption() },
        };
        globals.AddTo(root);
        foreach (var command in Commands())
        {
            root.Subcommands.Add(command.Build(globals, console));
        }

        return root;
    }

    public static async Task<int> RunAsync(string[] args, ToolConsole console, CancellationToken cancellationToken = default)
    {
        // No command at all: show what there is, as a usage error (scripts must not mistake it for success).
        var parse = CreateRoot(console).Parse(args.Length == 0 ? ["--help"] : args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                await console.Error.WriteLineAsync($"skills-oci: {error.Message}").ConfigureAwait(false);
            }

            await console.Error.WriteLineAsync($"Run '{HelpCommandLine(parse)}' for usage.").ConfigureAwait(false);
            return ExitCodes.UsageError;
        }

        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var configuration = new InvocationConfiguration { Output = console.Out, Error = console.Error, EnableDefaultExceptionHandler = false };
        var code = await parse.InvokeAsync(configuration, cancellation.Token).ConfigureAwait(false);
        return args.Length == 0 ? ExitCodes.UsageError : code;
    }

    private static string HelpCommandLine(ParseResult parse)
    {
        var names = new List<string>();
        for (var result = parse.CommandResult; result is not null; result = result.Parent as System.CommandLine.Parsing.CommandResult)
        {
            names.Insert(0, result.Command.Name);
        }

        return string.Join(' ', names) + " --help";
    }
}
