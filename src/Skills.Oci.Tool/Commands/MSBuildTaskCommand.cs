using System.CommandLine;
using Skills.Oci.Build.Tasks.OutOfProcess;
using Skills.Oci.Tool.Cli;

namespace Skills.Oci.Tool.Commands;

/// <summary>
/// <c>skills-oci msbuild-task REQUEST</c>: runs one Skills.Oci MSBuild task for a .NET Framework
/// MSBuild older than 18 (Visual Studio 2022), which starts this entry point from the task folder of
/// the Sdk and Build packages. Not for users, so hidden. <c>--describe FILE</c> writes the tasks'
/// parameters, which the package build ships beside the net472 task.
/// </summary>
public sealed class MSBuildTaskCommand() : ToolCommand(OutOfProcessTaskRunner.CommandName, "Runs a Skills.Oci MSBuild task for .NET Framework MSBuild (internal).")
{
    private readonly Argument<FileInfo?> _request = new("request") { Description = "The request file the net472 task wrote.", Arity = ArgumentArity.ZeroOrOne };
    private readonly Option<FileInfo?> _describe = new("--describe") { Description = "Write the tasks' parameter descriptions to this file instead." };

    public override bool Hidden => true;

    protected override void Define(Command command)
    {
        command.Arguments.Add(_request);
        command.Options.Add(_describe);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parse, ToolOutput output, CancellationToken cancellationToken)
    {
        if (parse.GetValue(_describe) is { } describe)
        {
            OutOfProcessTaskRunner.WriteDescriptions(describe.FullName);
            return ExitCodes.Success;
        }

        if (parse.GetValue(_request) is not { } request)
        {
            await output.Console.Error.WriteLineAsync("skills-oci: msbuild-task needs a request file or --describe.").ConfigureAwait(false);
            return ExitCodes.UsageError;
        }

        return await OutOfProcessTaskRunner.RunAsync(request.FullName, output.Console.Out, cancellationToken).ConfigureAwait(false) == 0
            ? ExitCodes.Success
            : ExitCodes.Failure;
    }
}
