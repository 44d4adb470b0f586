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

    /// <summary>A progress line is drawn on the terminal and must be cleared before anything else is written.</summary>
    private bool _progressShown;

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
                ClearProgress();
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
            ClearProgress();
            Console.Out.WriteLine(line);
        }
    }

    /// <summary>
    /// What a long step is doing now (normal verbosity and up, never in JSON mode's standard output): on a
    /// terminal one line on standard error, redrawn in place and cleared before anything else is written;
    /// redirected, a plain line like any other.
    /// </summary>
    public void Progress(string text)
    {
        if (Verbosity < Verbosity.Normal)
        {
            return;
        }

        if (!Console.IsTerminal)
        {
            Info(text);
            return;
        }

        lock (_gate)
        {
            // Carriage return and "erase to end of line": the next update, or the next real line, replaces it.
            Console.Error.Write("\r\u001b[K" + text);
            Console.Error.Flush();
            _progressShown = true;
        }
    }

    /// <summary>Progress reported synchronously, in order (<see cref="System.Progress{T}"/> would post it to the thread pool).</summary>
    public IProgress<string> ProgressReporter => new SynchronousProgress(this);

    /// <summary>Removes a drawn progress line: the command's last output must not end on it.</summary>
    public void EndProgress()
    {
        lock (_gate)
        {
            ClearProgress();
        }
    }

    private void ClearProgress()
    {
        if (_progressShown)
        {
            Console.Error.Write("\r\u001b[K");
            _progressShown = false;
        }
    }

    private sealed class SynchronousProgress(ToolOutput output) : IProgress<string>
    {
        public void Report(string value) => output.Progress(value);
    }

    /// <summary>The command's answer as one JSON document on standard output (<c>--format json</c>).</summary>
    public void Json<T>(T value, JsonSerializerOptions? options = null)
    {
        lock (_gate)
        {
            ClearProgress();
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
            ClearProgress();
            (Format == OutputFormat.Json ? Console.Error : Console.Out).WriteLine(line);
        }
    }
}
