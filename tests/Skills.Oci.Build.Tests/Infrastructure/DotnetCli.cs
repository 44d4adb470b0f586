using System.Text.RegularExpressions;

namespace Skills.Oci.Build.Tests.Infrastructure;

/// <summary>The outcome of a child <c>dotnet</c> command.</summary>
public sealed partial record DotnetResult(IReadOnlyList<string> Arguments, int ExitCode, string Output, string StandardError, bool TimedOut, string Executable = "dotnet")
{
    public bool Succeeded => ExitCode == 0 && !TimedOut;

    /// <summary>Distinct <c>SKOCInnnn</c> codes of <c>error</c> lines, in order of first appearance.</summary>
    public IReadOnlyList<string> ErrorCodes() => Codes("error");

    /// <summary>Distinct <c>SKOCInnnn</c> codes of <c>warning</c> lines, in order of first appearance.</summary>
    public IReadOnlyList<string> WarningCodes() => Codes("warning");

    /// <summary>stdout and stderr together, for "contains" assertions.</summary>
    public string AllOutput => Output + StandardError;

    public override string ToString() =>
        $"{System.IO.Path.GetFileName(Executable)} {string.Join(' ', Arguments)}{Environment.NewLine}exit code {ExitCode}{(TimedOut ? " (timed out, killed)" : string.Empty)}" +
        $"{Environment.NewLine}--- stdout ---{Environment.NewLine}{Output}{Environment.NewLine}--- stderr ---{Environment.NewLine}{StandardError}";

    private string[] Codes(string severity) =>
        DiagnosticLine().Matches(AllOutput)
            .Where(match => match.Groups["severity"].Value == severity)
            .Select(match => match.Groups["code"].Value)
            .Distinct(StringComparer.Ordinal)
            .ToArray();

    [GeneratedRegex(@"\b(?<severity>error|warning) (?<code>SKOCI\d{4})\b")]
    private static partial Regex DiagnosticLine();
}

/// <summary>
/// Runs <c>dotnet</c> as a child process isolated from the developer's machine: its own NuGet global
/// packages folder and Docker config, no node reuse or build servers that could outlive the test (and
/// keep an old task assembly loaded), no telemetry, and none of the Skills.Oci or container-credential
/// variables from the shell that started the tests.
/// </summary>
public sealed class DotnetCli
{
    /// <summary>Verbs that run MSBuild and accept <c>-nodeReuse:false</c>.</summary>
    private static readonly HashSet<string> MSBuildVerbs = new(StringComparer.OrdinalIgnoreCase) { "build", "restore", "pack", "publish", "msbuild", "clean", "test", "store" };

    /// <summary>Inherited variables that would leak the developer's configuration (or the parent dotnet's MSBuild) into the child.</summary>
    /// <remarks>
    /// MSBuild* covers the <c>MSBuildExtensionsPath</c>/<c>MSBUILD_EXE_PATH</c> that <c>dotnet test</c>
    /// passes down; other NUGET_ variables (e.g. an offline revocation mode) are machine settings and stay.
    /// </remarks>
    private static readonly string[] RemovedPrefixes = ["SKILLS_OCI_", "DOTNET_CONTAINER_", "SDK_CONTAINER_", "MSBUILD", "NUGET_PACKAGES", "VSTEST_"];

    public DotnetCli(string workingDirectory)
    {
        WorkingDirectory = workingDirectory;
    }

    public string WorkingDirectory { get; }

    /// <summary>The program run: <c>dotnet</c>, or an installed tool's shim (<see cref="SkillsOciTool"/>).</summary>
    public string Executable { get; init; } = "dotnet";

    /// <summary><c>NUGET_PACKAGES</c> for the child; null leaves it unset (NuGet.config or the default then decides).</summary>
    public string? NuGetPackagesFolder { get; init; }

    /// <summary><c>DOCKER_CONFIG</c> for the child. Defaults to a folder that does not exist, i.e. no credentials.</summary>
    public string? DockerConfigFolder { get; init; }

    /// <summary>Extra variables (set after the removals, so they may re-add e.g. <c>SKILLS_OCI_*</c>); a null value removes one.</summary>
    public IDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>(StringComparer.Ordinal);

    /// <summary>Written to the child's stdin (then closed), as an agent passes its hook input; null closes it at once.</summary>
    public string? StandardInput { get; init; }

    /// <summary>A hang guard; the process tree is killed when it expires.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(3);

    public async Task<DotnetResult> RunAsync(IEnumerable<string> arguments, CancellationToken cancellationToken = default) =>
        await RunAsync(arguments, standardInput: null, cancellationToken).ConfigureAwait(false);

    /// <summary>Runs with <paramref name="standardInput"/> (instead of <see cref="StandardInput"/>) written to the child's stdin, then closed, as a pipe would.</summary>
    public Task<DotnetResult> RunWithInputAsync(string standardInput, params string[] arguments) =>
        RunAsync(arguments, standardInput, CancellationToken.None);

    private async Task<DotnetResult> RunAsync(IEnumerable<string> arguments, string? standardInput, CancellationToken cancellationToken)
    {
        var argumentList = arguments.ToList();
        if (Executable == "dotnet" && argumentList.Count > 0 && MSBuildVerbs.Contains(argumentList[0]))
        {
            argumentList.Add("-nodeReuse:false");
        }

        var result = await ProcessRunner.RunAsync(Executable, argumentList, WorkingDirectory, ConfigureEnvironment, standardInput ?? StandardInput, Timeout, cancellationToken: cancellationToken).ConfigureAwait(false);
        return new DotnetResult(argumentList, result.ExitCode, result.Output, result.StandardError, result.TimedOut, Executable);
    }

    public Task<DotnetResult> RunAsync(params string[] arguments) => RunAsync(arguments, CancellationToken.None);

    private void ConfigureEnvironment(IDictionary<string, string?> environment)
    {
        foreach (var name in environment.Keys.ToArray())
        {
            if (RemovedPrefixes.Any(prefix => name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)))
            {
                environment.Remove(name);
            }
        }

        environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        environment["DOTNET_NOLOGO"] = "1";
        environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        environment["DOTNET_CLI_WORKLOAD_UPDATE_NOTIFY_DISABLE"] = "1";
        environment["MSBUILDDISABLENODEREUSE"] = "1";
        environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        environment["DOCKER_CONFIG"] = DockerConfigFolder ?? System.IO.Path.Combine(WorkingDirectory, ".no-docker-config");
        if (NuGetPackagesFolder is not null)
        {
            environment["NUGET_PACKAGES"] = NuGetPackagesFolder;
        }

        foreach (var (name, value) in Environment)
        {
            if (value is null)
            {
                environment.Remove(name);
            }
            else
            {
                environment[name] = value;
            }
        }
    }
}
