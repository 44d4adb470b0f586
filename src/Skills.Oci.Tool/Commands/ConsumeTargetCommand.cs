using System.CommandLine;
using Skills.Oci.Build.Hosting;
using Skills.Oci.Tool.Cli;

namespace Skills.Oci.Tool.Commands;

/// <summary>
/// install, update and verify: one consume target of Skills.Oci.Consume.targets run over the
/// repository's projects in one MSBuild (<see cref="MSBuildRunner"/>), so each project restores exactly
/// as <c>dotnet restore</c> restores it. MSBuild's lines are relayed: diagnostics (file and line kept)
/// on standard error, the rest on standard output.
/// </summary>
internal abstract class ConsumeTargetCommand(string name, string description, string target) : ToolCommand(name, description)
{
    private readonly Option<string?> _project = new("--project")
    {
        Description = "A project file, a solution file (.sln, .slnx, .slnf) or a folder. Default: every project file under the repository root.",
    };

    protected override void Define(Command command) => command.Options.Add(_project);

    /// <summary>The global properties the target gets from this command's options.</summary>
    protected virtual IReadOnlyDictionary<string, string> Properties(ParseResult parse) => new Dictionary<string, string>(StringComparer.Ordinal);

    protected override async Task<int> ExecuteAsync(ParseResult parse, ToolOutput output, CancellationToken cancellationToken)
    {
        var projects = RepositoryProjects.Find(Directory.GetCurrentDirectory(), parse.GetValue(_project));
        var code = await RunTargetAsync(projects, parse, output, cancellationToken).ConfigureAwait(false);
        return code == ExitCodes.Success ? await AfterProjectsAsync(projects, parse, output, cancellationToken).ConfigureAwait(false) : code;
    }

    /// <summary>What a command does beyond its target (install: the skills.json manifest).</summary>
    protected virtual Task<int> AfterProjectsAsync(RepositoryProjects projects, ParseResult parse, ToolOutput output, CancellationToken cancellationToken) =>
        Task.FromResult(ExitCodes.Success);

    private async Task<int> RunTargetAsync(RepositoryProjects projects, ParseResult parse, ToolOutput output, CancellationToken cancellationToken)
    {
        if (projects.Projects.Count == 0)
        {
            output.Info($"No project files under {projects.Root}.");
            return ExitCodes.Success;
        }

        output.Detail($"{target} over {projects.Projects.Count} project file(s): {string.Join(", ", projects.Projects)}");
        var request = new MSBuildRunRequest
        {
            Projects = projects.Projects,
            Target = target,
            Properties = Properties(parse),
            Verbosity = MSBuildOutput.Verbosity(output.Verbosity),
            WorkingDirectory = Directory.GetCurrentDirectory(),
            FallbackTargetsFile = MSBuildOutput.FallbackTargetsFile,
        };
        var exitCode = await new MSBuildRunner().RunAsync(request, line => MSBuildOutput.Relay(output, line), cancellationToken).ConfigureAwait(false);
        output.Info(exitCode == 0
            ? $"{target} ran over {projects.Projects.Count} project file(s) under {projects.Root}."
            : $"{target} failed (MSBuild exit code {exitCode}).");
        return exitCode == 0 ? ExitCodes.Success : ExitCodes.Failure;
    }
}
