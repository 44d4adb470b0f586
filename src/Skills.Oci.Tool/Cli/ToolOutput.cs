using System.Text.Json;
using Skills.Oci.Build.Diagnostics;

namespace Skills.Oci.Tool.Cli;

/// <summary>
/// Everything a command prints goes through here, so every command honours <c>--verbosity</c> and
/// <c>--format</c> the same way. Diagnostics print as MSBuild prints them (<c>file(line,col): error
/// SKOCInnnn: message</c>) on standard error; data goes to standard output.
/// </summary>
public sealed class ToolOutput(ToolConsole console, Verbosity verbosity, OutputFormat format)
{
    private readonly object _gate = new();

    public Verbosity Verbosity { get; } = verbosity;

    public OutputFormat Format { get; } = format;

    public ToolConsole Console { get; } = console;

    /// <summary>True once an error diagnostic was written: the command's exit code is then 1.</summary>
    public bool HasErrors { get; private set; }

    /// <summary>Errors always print; warnings from minimal up.</summary>
    public void Diagnostic(Diagnostic diagnostic)
    {
        var isError = diagnostic.Severity == DiagnosticSeverity.Error;
        lock (_gate)
        {
            HasErrors |= isError;
            if (isError || Verbosity >= Verbosity.Minimal)
            {
                Console.Error.WriteLine(diagnostic.ToString());
            }
        }
    }

    public void Diagnostics(IEnumerable<Diagnostic> diagnostics)
    {
        foreach (var diagnostic in diagnostics)
        {
            Diagnostic(diagnostic);
        }
    }

    /// <summary>A line worth seeing even at minimal verbosity: something changed (installed, removed, pushed).</summary>
    public void Change(string line) => Line(Verbosity.Minimal, line);

    /// <summary>Progress and the one-line summary: normal verbosity and up.</summary>
    public void Info(string line) => Line(Verbosity.Normal, line);

    /// <summary>What a detailed MSBuild log would show.</summary>
    public void Detail(string line) => Line(Verbosity.Detailed, line);

    /// <summary>Data the command returns (a table, a list), printed whatever the verbosity: it is the command's answer.</summary>
    public void Data(string line)
    {
        lock (_gate)
        {
            Console.Out.WriteLine(line);
        }
    }

    /// <summary>The command's answer as one JSON document on standard output (<c>--format json</c>).</summary>
    public void Json<T>(T value, JsonSerializerOptions? options = null)
    {
        lock (_gate)
        {
            Console.Out.WriteLine(JsonSerializer.Serialize(value, options ?? JsonOutput));
        }
    }

    private static readonly JsonSerializerOptions JsonOutput = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    private void Line(Verbosity least, string line)
    {
        // With --format json, standard output holds only the document; human lines go to standard error.
        if (Verbosity < least)
        {
            return;
        }

        lock (_gate)
        {
            (Format == OutputFormat.Json ? Console.Error : Console.Out).WriteLine(line);
        }
    }
}
