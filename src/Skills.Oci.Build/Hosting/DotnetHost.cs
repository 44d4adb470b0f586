using System.Diagnostics;
using Skills.Oci.Build.Diagnostics;

namespace Skills.Oci.Build.Hosting;

/// <summary>
/// Runs the <c>dotnet</c> host so a project's own targets do the work (the command line never evaluates a
/// project itself): the host that started us (<c>DOTNET_HOST_PATH</c>, set by the SDK for tools and
/// builds), else <c>dotnet</c> on PATH. Output is relayed line by line as it comes.
/// </summary>
public static class DotnetHost
{
    /// <summary>The SDK sets this for tools and tasks it starts: the dotnet that is running now.</summary>
    public const string HostPathVariable = "DOTNET_HOST_PATH";

    /// <summary>The dotnet executable to run.</summary>
    public static string Locate(Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        if (environment(HostPathVariable) is { Length: > 0 } host && File.Exists(host))
        {
            return host;
        }

        var name = OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet";
        foreach (var folder in (environment("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(folder.Trim('"'), name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new SkillsOciException(ErrorCodes.DotnetHostNotFound,
            $"The dotnet host was not found: {HostPathVariable} is not set and no '{name}' is on PATH. Install the .NET SDK, or set {HostPathVariable} to its dotnet executable.");
    }

    /// <summary>Runs <c>dotnet</c> with <paramref name="arguments"/>; each line goes to <paramref name="line"/> (true for standard error). Returns the exit code.</summary>
    /// <remarks>Lines are delivered one at a time (never concurrently), in the order each stream produced them.</remarks>
    public static async Task<int> RunAsync(IReadOnlyList<string> arguments, string workingDirectory, Action<string, bool> line, CancellationToken cancellationToken, Func<string, string?>? environment = null)
    {
        var start = new ProcessStartInfo(Locate(environment))
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = System.Text.Encoding.UTF8,
            StandardErrorEncoding = System.Text.Encoding.UTF8,
        };
        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Relay(e.Data, false);
        process.ErrorDataReceived += (_, e) => Relay(e.Data, true);
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new SkillsOciException(ErrorCodes.DotnetHostNotFound, $"Starting '{start.FileName}' failed: {ex.Message}", innerException: ex);
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // It exited meanwhile.
            }

            throw;
        }

        // WaitForExitAsync returns once the redirected streams reached their end, so every line was relayed.
        return process.ExitCode;

        void Relay(string? text, bool error)
        {
            if (text is not null)
            {
                lock (start)
                {
                    line(text, error);
                }
            }
        }
    }
}
