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

/// <summary>Runs a short-lived tool to completion, capturing its output; kills its process tree on timeout or cancellation.</summary>
public static class ChildProcess
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(2);

    public static async Task<ProcessResult> RunAsync(
        string fileName,
        IEnumerable<string> arguments,
        string? workingDirectory = null,
        Action<IDictionary<string, string?>>? configureEnvironment = null,
        string? standardInput = null,
        TimeSpan? timeout = null,
        CancellationToken cancellationToken = default)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Path.GetTempPath(),
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        configureEnvironment?.Invoke(startInfo.Environment);

        using var process = new Process { StartInfo = startInfo };
        var output = new StringBuilder();
        var error = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (error) { error.AppendLine(e.Data); } } };

        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            throw new InvalidOperationException($"Could not start '{fileName}': {exception.Message}. Is it installed and on PATH?", exception);
        }

        ProcessExitCleanup.Track(process);
        try
        {
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            if (standardInput is not null)
            {
                await process.StandardInput.WriteAsync(standardInput).ConfigureAwait(false);
            }

            process.StandardInput.Close();

            using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeoutSource.CancelAfter(timeout ?? DefaultTimeout);
            var timedOut = false;
            try
            {
                await process.WaitForExitAsync(timeoutSource.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                ProcessExitCleanup.Kill(process);
                cancellationToken.ThrowIfCancellationRequested();
                timedOut = true;
            }

            // The parameterless wait drains the redirected streams after exit.
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            string outputText, errorText;
            lock (output)
            {
                outputText = output.ToString();
            }

            lock (error)
            {
                errorText = error.ToString();
            }

            return new ProcessResult(fileName, startInfo.ArgumentList.ToArray(), timedOut ? -1 : process.ExitCode, outputText, errorText, timedOut);
        }
        finally
        {
            ProcessExitCleanup.Kill(process);
            ProcessExitCleanup.Untrack(process);
        }
    }
}
