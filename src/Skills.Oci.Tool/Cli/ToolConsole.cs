namespace Skills.Oci.Tool.Cli;

/// <summary>
/// Where the tool writes and what it is attached to: the process's own streams, or a test's writers.
/// Progress is drawn only when <see cref="IsTerminal"/>; redirected output gets plain lines.
/// </summary>
public sealed record ToolConsole(TextWriter Out, TextWriter Error, TextReader In, bool IsTerminal)
{
    public static ToolConsole System { get; } = new(
        Console.Out,
        Console.Error,
        Console.In,
        !Console.IsOutputRedirected && !Console.IsErrorRedirected);
}
