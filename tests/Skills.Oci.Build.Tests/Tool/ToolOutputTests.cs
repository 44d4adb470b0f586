using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Tool.Cli;

namespace Skills.Oci.Build.Tests.Tool;

/// <summary>How the command line prints: progress redrawn on a terminal, plain lines when redirected, quiet below normal.</summary>
public sealed class ToolOutputTests
{
    [Fact]
    public void On_a_terminal_progress_is_redrawn_in_place_and_cleared_before_the_next_line()
    {
        using var capture = new ToolConsoleCapture(isTerminal: true);
        var output = new ToolOutput(capture.Console, Verbosity.Normal, OutputFormat.Text);

        output.ProgressReporter.Report("uploading 1/2");
        output.ProgressReporter.Report("uploading 2/2");
        output.Diagnostic(Diagnostic.Warning("SKOCI0002", "stopped"));
        output.EndProgress();

        Assert.Equal("\r\u001b[Kuploading 1/2\r\u001b[Kuploading 2/2\r\u001b[Kwarning SKOCI0002: stopped" + Environment.NewLine, capture.Error);
        Assert.Empty(capture.Output);
    }

    [Fact]
    public void Redirected_progress_is_plain_lines_and_minimal_verbosity_shows_none()
    {
        using var redirected = new ToolConsoleCapture(isTerminal: false);
        using var minimal = new ToolConsoleCapture(isTerminal: true);

        new ToolOutput(redirected.Console, Verbosity.Normal, OutputFormat.Text).ProgressReporter.Report("uploading 1/2");
        var quiet = new ToolOutput(minimal.Console, Verbosity.Minimal, OutputFormat.Text);
        quiet.ProgressReporter.Report("uploading 1/2");
        quiet.EndProgress();

        Assert.Equal("uploading 1/2" + Environment.NewLine, redirected.Output);
        Assert.DoesNotContain("\u001b", redirected.Error, StringComparison.Ordinal);
        Assert.Empty(minimal.Error + minimal.Output);
    }
}
