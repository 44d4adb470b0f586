using Skills.Oci.Tool.Cli;

namespace Skills.Oci.Build.Tests.Tool;

/// <summary>Runs <see cref="ToolApp"/> in process with captured streams: for the command line's own parsing and output rules.</summary>
public sealed class ToolConsoleCapture : IDisposable
{
    private readonly StringWriter _out = new();
    private readonly StringWriter _error = new();

    public ToolConsoleCapture(string input = "", bool isTerminal = false) =>
        Console = new ToolConsole(_out, _error, new StringReader(input), isTerminal);

    public ToolConsole Console { get; }

    public string Output => _out.ToString();

    public string Error => _error.ToString();

    public void Dispose()
    {
        _out.Dispose();
        _error.Dispose();
    }

    public async Task<int> RunAsync(params string[] args) => await ToolApp.RunAsync(args, Console).ConfigureAwait(false);
}
