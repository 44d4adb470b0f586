using System.Diagnostics;

namespace Skills.Oci.Build.Tests.Infrastructure.Tests;

public sealed class ProcessRunnerTests
{
    [Fact]
    public async Task Run_captures_exit_code_output_error_and_standard_input_in_the_working_directory()
    {
        using var folder = new TempFolder("runner");

        var result = await ProcessRunner.RunAsync(
            "sh",
            ["-c", "pwd; cat; echo \"$RUNNER_VAR\" >&2; exit 3"],
            folder.Path,
            environment => environment["RUNNER_VAR"] = "from-env",
            standardInput: "from-stdin\n");

        Assert.Equal(3, result.ExitCode);
        Assert.False(result.Succeeded);
        Assert.Equal($"{folder.Path}\nfrom-stdin\n", result.Output.ReplaceLineEndings("\n"));
        Assert.Equal("from-env\n", result.StandardError.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task Timeout_kills_the_whole_process_tree()
    {
        using var folder = new TempFolder("runner");
        var pidFile = folder.Combine("child.pid");
        var watch = Stopwatch.StartNew();

        var result = await ProcessRunner.RunAsync("sh", ["-c", $"sleep 60 & echo $! > '{pidFile}'; wait"], timeout: TimeSpan.FromSeconds(1));

        Assert.True(result.TimedOut);
        Assert.False(result.Succeeded);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"took {watch.Elapsed}");
        var child = int.Parse(File.ReadAllText(pidFile).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        await Poll.UntilAsync(() => !IsAlive(child), TimeSpan.FromSeconds(10), () => $"the grandchild {child} still runs");
    }

    [Fact]
    public async Task Cancellation_kills_the_process_and_throws()
    {
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ProcessRunner.RunAsync("sleep", ["60"], cancellationToken: cancellation.Token));
    }

    [Fact]
    public async Task A_started_process_delivers_lines_as_they_come_and_stops_on_dispose()
    {
        var lines = new List<string>();
        RunningProcess process;
        await using (process = ProcessRunner.Start("sh", ["-c", "echo ready; echo oops >&2; exec sleep 60"], onOutputLine: Add, onErrorLine: Add))
        {
            await Poll.UntilAsync(() => Snapshot().Count == 2, TimeSpan.FromSeconds(10), () => string.Join(", ", Snapshot()));
            Assert.False(process.HasExited);
        }

        Assert.True(process.Exited.IsCompleted);
        Assert.Equal(["oops", "ready"], Snapshot().Order(StringComparer.Ordinal));

        void Add(string line)
        {
            lock (lines)
            {
                lines.Add(line);
            }
        }

        List<string> Snapshot()
        {
            lock (lines)
            {
                return [.. lines];
            }
        }
    }

    [Fact]
    public async Task A_missing_program_is_reported_with_its_name()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => ProcessRunner.RunAsync("skoci-no-such-program", []));

        Assert.Contains("skoci-no-such-program", error.Message, StringComparison.Ordinal);
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
