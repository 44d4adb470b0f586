using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Skills.Oci.Bench;

/// <summary>One finished child process: its wall time, and its peak memory when it was asked for.</summary>
public sealed record CommandResult(string CommandLine, int ExitCode, string Output, TimeSpan Elapsed, long? MaxRssKiB)
{
    public double Seconds => Elapsed.TotalSeconds;
}

/// <summary>
/// Runs child processes with an environment isolated from the shell that started the bench, times
/// them, and kills every one still running when the bench is cancelled, so Ctrl-C leaves nothing behind.
/// </summary>
public sealed class Commands
{
    /// <summary>Inherited variables that would leak the caller's configuration (or a parent dotnet's MSBuild) into the children.</summary>
    private static readonly string[] RemovedPrefixes = ["SKILLS_OCI_", "MSBUILD", "NUGET_PACKAGES", "DOTNET_CONTAINER_", "SDK_CONTAINER_"];

    private readonly Dictionary<string, string> _environment;

    public Commands(IReadOnlyDictionary<string, string> environment)
    {
        _environment = new Dictionary<string, string>(environment, StringComparer.Ordinal);
    }

    /// <summary>The same isolated environment plus one variable, for a row that measures its effect.</summary>
    public Commands With(string name, string value) =>
        new(new Dictionary<string, string>(_environment, StringComparer.Ordinal) { [name] = value });

    /// <summary>Runs a command to its end; a non-zero exit is an error carrying the output.</summary>
    public async Task<CommandResult> RunAsync(string file, IEnumerable<string> arguments, string? workingDirectory, CancellationToken cancellationToken, bool measureMemory = false)
    {
        var args = arguments.ToList();
        string? rssFile = null;
        if (measureMemory)
        {
            // GNU time reports the peak RSS of the command (and of the children it reaped) in KiB.
            rssFile = Path.GetTempFileName();
            args = ["-f", "%M", "-o", rssFile, file, .. args];
            file = "/usr/bin/time";
        }

        var commandLine = $"{file} {string.Join(' ', args)}";
        var startInfo = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var arg in args)
        {
            startInfo.ArgumentList.Add(arg);
        }

        ConfigureEnvironment(startInfo.Environment);
        var output = new StringBuilder();
        using var process = new Process { StartInfo = startInfo };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        var clock = Stopwatch.StartNew();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            Kill(process);
            throw;
        }

        clock.Stop();
        long? rss = null;
        if (rssFile is not null)
        {
            var text = (await File.ReadAllLinesAsync(rssFile, CancellationToken.None)).LastOrDefault(l => l.Trim().All(char.IsDigit) && l.Trim().Length > 0);
            File.Delete(rssFile);
            rss = text is null ? null : long.Parse(text.Trim(), CultureInfo.InvariantCulture);
        }

        string captured;
        lock (output)
        {
            captured = output.ToString();
        }

        var result = new CommandResult(commandLine, process.ExitCode, captured, clock.Elapsed, rss);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"{commandLine} (in {startInfo.WorkingDirectory}) exited with {result.ExitCode}:{Environment.NewLine}{captured}");
        }

        return result;
    }

    /// <summary>Starts commands at once and waits for all of them; the time is until the last one ends.</summary>
    public async Task<TimeSpan> RunAllAsync(IReadOnlyList<(string File, string[] Arguments)> commands, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(commands.Select(c => RunAsync(c.File, c.Arguments, null, cancellationToken)));
        return clock.Elapsed;
    }

    /// <summary>Starts a long-running child (the registry) with this environment; the caller owns and kills it.</summary>
    public Process Start(ProcessStartInfo startInfo)
    {
        ConfigureEnvironment(startInfo.Environment);
        return Process.Start(startInfo) ?? throw new InvalidOperationException($"{startInfo.FileName} did not start.");
    }

    public static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private void ConfigureEnvironment(IDictionary<string, string?> environment)
    {
        foreach (var name in environment.Keys.ToArray())
        {
            if (RemovedPrefixes.Any(prefix => name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)))
            {
                environment.Remove(name);
            }
        }

        foreach (var (name, value) in _environment)
        {
            environment[name] = value;
        }
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }
}
