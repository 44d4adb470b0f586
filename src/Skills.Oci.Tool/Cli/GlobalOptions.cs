using System.CommandLine;
using System.CommandLine.Parsing;

namespace Skills.Oci.Tool.Cli;

/// <summary>The options every command takes, declared once on the root (recursive).</summary>
public sealed class GlobalOptions
{
    public Option<Verbosity> Verbosity { get; } = new("--verbosity", "-v")
    {
        Description = "How much to print: quiet, minimal, normal (the default) or detailed; q, m, n, d as dotnet accepts.",
        HelpName = "quiet|minimal|normal|detailed",
        Recursive = true,
        DefaultValueFactory = _ => Cli.Verbosity.Normal,
        CustomParser = ParseVerbosity,
    };

    public Option<OutputFormat> Format { get; } = new("--format")
    {
        Description = "text (the default) or json, for commands whose output is data.",
        HelpName = "text|json",
        Recursive = true,
        DefaultValueFactory = _ => OutputFormat.Text,
    };

    public void AddTo(Command root)
    {
        root.Options.Add(Verbosity);
        root.Options.Add(Format);
    }

    public ToolOutput CreateOutput(ParseResult parse, ToolConsole console) =>
        new(console, parse.GetValue(Verbosity), parse.GetValue(Format));

    private static Verbosity ParseVerbosity(ArgumentResult result)
    {
        var text = result.Tokens.Count == 0 ? "normal" : result.Tokens[0].Value;
        switch (text.ToLowerInvariant())
        {
            case "q" or "quiet":
                return Cli.Verbosity.Quiet;
            case "m" or "minimal":
                return Cli.Verbosity.Minimal;
            case "n" or "normal":
                return Cli.Verbosity.Normal;
            case "d" or "detailed" or "diag" or "diagnostic":
                return Cli.Verbosity.Detailed;
            default:
                result.AddError($"'{text}' is not a verbosity: use quiet, minimal, normal or detailed.");
                return Cli.Verbosity.Normal;
        }
    }
}
