using System.Diagnostics;
using System.Text;

namespace Skills.Oci.Build.Tests.Infrastructure;

/// <summary>The outcome of a finished child process.</summary>
public sealed record ProcessResult(string FileName, IReadOnlyList<string> Arguments, int ExitCode, string Output, string StandardError, bool TimedOut)
{
    public bool Succeeded => ExitCode == 0 && !TimedOut;

    /// <summary>Everything needed to diagnose a failure in an assertion message.</summary>
    public override string ToString() =>
        $"{FileName} {string.Join(' ', Arguments)}{Environment.NewLine}exit code {ExitCode}{(TimedOut ? " (timed out, killed)" : string.Empty)}" +
        $"{Environment.NewLine}--- stdout ---{Environment.NewLine}{Output}{Environment.NewLine}--- stderr ---{Environment.NewLine}{StandardError}";
}

/// <summary>
/// The one way tests start child processes: <see cref="RunAsync"/> for a tool that runs to
/// completion, <see cref="Start"/> for a server that keeps running. Either way the whole process
/// tree is killed on timeout, cancellation or stop, and the test host kills what is left when it exits.
/// </summary>
public static class ProcessRunner
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(2);

    /// <summary>Runs <paramref name="fileName"/> to completion and captures stdout and stderr (UTF-8, line by line).</summary>
    /// <param name="configureEnvironment">Edits the inherited environment (set, or remove, variables).</param>
    /// <param name="standardInput">Written to stdin, which is then closed; null closes it at once.</param>
    /// <param name="timeout">A hang guard: when it expires the tree is killed and the result says <see cref="ProcessResult.TimedOut"/>.</param>
    public static async Task<ProcessResult> RunAsync(
        string fileName,
        IEnumerable<string> arguments,
        string? workingDirectory = null,
        Action<IDictionary<string, string?>>? configureEnvironment = null,
        string? standardInput = null,
        TimeSpan? timeout = null,
        CancellationToken cancellationToken = default)
    {
        var output = new StringBuilder();
        var error = new StringBuilder();
        await using var process = Launch(fileName, arguments, workingDirectory, configureEnvironment, line => Append(output, line), line => Append(error, line));
        // A child may exit without reading its input (a hook script that never needs the agent's
        // JSON does): the pipe is then broken, which is no failure of the child.
        await IgnoringBrokenPipeAsync(async () =>
        {
            if (standardInput is not null)
            {
                await process.Process.StandardInput.WriteAsync(standardInput).ConfigureAwait(false);
            }
        }).ConfigureAwait(false);
        await IgnoringBrokenPipeAsync(() =>
        {
            process.Process.StandardInput.Close();
            return Task.CompletedTask;
        }).ConfigureAwait(false);

        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout ?? DefaultTimeout);
        var timedOut = false;
        try
        {
            await process.Process.WaitForExitAsync(timeoutSource.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await process.StopAsync().ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            timedOut = true;
        }

        // The parameterless wait drains the redirected streams after exit.
        await process.Process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        return new ProcessResult(fileName, process.Arguments, timedOut ? -1 : process.Process.ExitCode, Read(output), Read(error), timedOut);
    }

    /// <summary>
    /// Starts a long-running process (stdin closed) whose output lines go to the callbacks, on
    /// thread-pool threads, as they arrive. Stop it with <see cref="RunningProcess.StopAsync"/> or by disposing.
    /// </summary>
    public static RunningProcess Start(
        string fileName,
        IEnumerable<string> arguments,
        string? workingDirectory = null,
        Action<IDictionary<string, string?>>? configureEnvironment = null,
        Action<string>? onOutputLine = null,
        Action<string>? onErrorLine = null)
    {
        var process = Launch(fileName, arguments, workingDirectory, configureEnvironment, onOutputLine, onErrorLine);
        process.Process.StandardInput.Close();
        return process;
    }

    private static async Task IgnoringBrokenPipeAsync(Func<Task> write)
    {
        try
        {
            await write().ConfigureAwait(false);
        }
        catch (IOException)
        {
        }
    }

    private static RunningProcess Launch(
        string fileName,
        IEnumerable<string> arguments,
        string? workingDirectory,
        Action<IDictionary<string, string?>>? configureEnvironment,
        Action<string>? onOutputLine,
        Action<string>? onErrorLine)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Path.GetTempPath(),
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        configureEnvironment?.Invoke(startInfo.Environment);

        var process = new Process { StartInfo = startInfo };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { onOutputLine?.Invoke(e.Data); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { onErrorLine?.Invoke(e.Data); } };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            process.Dispose();
            throw new InvalidOperationException($"Could not start '{fileName}': {exception.Message}. Is it installed and on PATH?", exception);
        }

        ProcessExitCleanup.Track(process);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new RunningProcess(process, startInfo.ArgumentList.ToArray());
    }

    private static void Append(StringBuilder builder, string line)
    {
        lock (builder)
        {
            builder.AppendLine(line);
        }
    }

    private static string Read(StringBuilder builder)
    {
        lock (builder)
        {
            return builder.ToString();
        }
    }
}

/// <summary>A child process started by <see cref="ProcessRunner"/>; stopping kills its whole tree.</summary>
public sealed class RunningProcess : IAsyncDisposable
{
    private readonly Task _exited;
    private int _stopped;

    internal RunningProcess(Process process, IReadOnlyList<string> arguments)
    {
        Process = process;
        Arguments = arguments;
        // The parameterless wait also drains the output callbacks, so a caller that saw the exit has seen every line.
        _exited = process.WaitForExitAsync(CancellationToken.None);
    }

    public IReadOnlyList<string> Arguments { get; }

    public bool HasExited => Process.HasExited;

    /// <summary>Completes when the process has exited and its last output line was delivered.</summary>
    public Task Exited => _exited;

    internal Process Process { get; }

    /// <summary>Kills the process tree (if still running) and waits for it to be gone.</summary>
    public async Task StopAsync()
    {
        ProcessExitCleanup.Kill(Process);
        await _exited.ConfigureAwait(false);
        if (Interlocked.Exchange(ref _stopped, 1) == 0)
        {
            ProcessExitCleanup.Untrack(Process);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        Process.Dispose();
    }
}
