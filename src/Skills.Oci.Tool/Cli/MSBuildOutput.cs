using System.Text.RegularExpressions;
using Skills.Oci.Build.Hosting;

namespace Skills.Oci.Tool.Cli;

/// <summary>
/// How every command that runs MSBuild (install, update, verify, add, remove) maps its verbosity, relays
/// MSBuild's lines, and offers the tool's own consume targets to never-restored package references.
/// </summary>
internal static partial class MSBuildOutput
{
    /// <summary>
    /// MSBuild's normal verbosity lists every target it runs, which is build noise, not skill progress: our
    /// normal is MSBuild's minimal (changes, warnings, errors) plus the command's own summary.
    /// </summary>
    public static string Verbosity(Verbosity verbosity) => verbosity switch
    {
        Cli.Verbosity.Quiet => "quiet",
        Cli.Verbosity.Minimal or Cli.Verbosity.Normal => "minimal",
        _ => "detailed",
    };

    /// <summary>Diagnostics (file and line kept) go to standard error, the rest are changes on standard output.</summary>
    public static void Relay(ToolOutput output, string line)
    {
        if (DiagnosticLine().IsMatch(line))
        {
            output.Console.Error.WriteLine(line);
        }
        else if (line.Length > 0)
        {
            output.Change(line);
        }
    }

    /// <summary>The targets the tool ships for never-restored Skills.Oci.Build package references; absent in a bare build of the tool.</summary>
    public static string? FallbackTargetsFile =>
        Path.Combine(AppContext.BaseDirectory, "MSBuild", "Skills.Oci.Tool.targets") is var path && File.Exists(path) ? path : null;

    /// <summary>What <see cref="ProjectSkillReferences"/> needs to restore one project the way install does.</summary>
    public static ProjectRestoreSettings ProjectRestore(ToolOutput output) =>
        new(Verbosity(output.Verbosity), line => Relay(output, line), FallbackTargetsFile);

    /// <summary>MSBuild's canonical diagnostic: <c>origin(line,col): error CODE: text</c>, also with no code.</summary>
    [GeneratedRegex(@":\s*(error|warning)(\s+[A-Za-z]+\d+)?\s*:")]
    private static partial Regex DiagnosticLine();
}
