using System.Diagnostics;
using System.Text.Json;
using Skills.Oci.Build.Diagnostics;

namespace Skills.Oci.Build.Auth;

/// <summary>
/// Runs a Docker credential helper (<c>docker-credential-&lt;name&gt; get|store|erase</c>): <c>get</c>
/// and <c>erase</c> take the server URL on standard input, <c>store</c> takes JSON <c>ServerURL</c>/
/// <c>Username</c>/<c>Secret</c>; <c>get</c> answers JSON <c>Username</c>/<c>Secret</c>. "Not found"
/// answers mean no credentials; any other failure is an error naming the helper, never its output's secret.
/// </summary>
public static class CredentialHelper
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public static async Task<RegistryCredential?> GetAsync(string helperName, string serverUrl, CancellationToken cancellationToken)
    {
        var answer = await RunAsync(helperName, "get", serverUrl, cancellationToken).ConfigureAwait(false);
        if (answer.ExitCode != 0)
        {
            if (answer.IsNotFound)
            {
                return null;
            }

            throw Failed(answer.Executable, $"failed for '{serverUrl}' (exit code {answer.ExitCode}). Run '{answer.Executable} get' by hand to see why, or log in again.");
        }

        return Parse(answer.Output, $"the Docker credential helper '{answer.Executable}'", answer.Executable);
    }

    /// <summary>Saves credentials in the helper's store (what <c>docker login</c> does when a helper is configured).</summary>
    public static async Task StoreAsync(string helperName, string serverUrl, string username, string secret, CancellationToken cancellationToken)
    {
        var input = JsonSerializer.Serialize(new Dictionary<string, string> { ["ServerURL"] = serverUrl, ["Username"] = username, ["Secret"] = secret });
        var answer = await RunAsync(helperName, "store", input, cancellationToken).ConfigureAwait(false);
        if (answer.ExitCode != 0)
        {
            throw Failed(answer.Executable, $"could not store the credentials for '{serverUrl}' (exit code {answer.ExitCode}). Check that its store is unlocked, or remove it from the Docker configuration.");
        }
    }

    /// <summary>Removes the helper's credentials for the server; false when it had none.</summary>
    public static async Task<bool> EraseAsync(string helperName, string serverUrl, CancellationToken cancellationToken)
    {
        var answer = await RunAsync(helperName, "erase", serverUrl, cancellationToken).ConfigureAwait(false);
        if (answer.ExitCode != 0)
        {
            return answer.IsNotFound
                ? false
                : throw Failed(answer.Executable, $"could not erase the credentials for '{serverUrl}' (exit code {answer.ExitCode}).");
        }

        return true;
    }

    private sealed record Answer(string Executable, int ExitCode, string Output, string Error)
    {
        public bool IsNotFound => (Output + Error).Contains("credentials not found", StringComparison.OrdinalIgnoreCase);
    }

    private static async Task<Answer> RunAsync(string helperName, string verb, string input, CancellationToken cancellationToken)
    {
        var executable = "docker-credential-" + helperName;
        var start = new ProcessStartInfo(executable, verb)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            CreateNoWindow = true,
        };

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("the process did not start");
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            throw new SkillsOciException(ErrorCodes.CredentialHelperFailed,
                $"The Docker configuration names the credential helper '{executable}', but it could not be started ({ex.Message}). " +
                "Install it or put it on PATH (IDEs started from a desktop menu may not see your shell's PATH), or remove it from the Docker configuration.",
                innerException: ex);
        }

        using (process)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(Timeout);
            try
            {
                await process.StandardInput.WriteAsync(input.AsMemory(), timeout.Token).ConfigureAwait(false);
                process.StandardInput.Close();
                var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
                var error = process.StandardError.ReadToEndAsync(timeout.Token);
                await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
                return new Answer(executable, process.ExitCode, await output.ConfigureAwait(false), await error.ConfigureAwait(false));
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                TryKill(process);
                throw Failed(executable, $"did not answer within {Timeout.TotalSeconds:0} s (it may be waiting for a prompt).");
            }
            catch
            {
                TryKill(process);
                throw;
            }
        }
    }

    private static SkillsOciException Failed(string executable, string what) =>
        new(ErrorCodes.CredentialHelperFailed, $"The credential helper '{executable}' {what}");

    private static RegistryCredential? Parse(string output, string source, string executable)
    {
        try
        {
            using var document = JsonDocument.Parse(output);
            var root = document.RootElement;
            var user = root.TryGetProperty("Username", out var u) ? u.GetString() : null;
            var secret = root.TryGetProperty("Secret", out var s) ? s.GetString() : null;
            if (string.IsNullOrEmpty(secret))
            {
                return null;
            }

            return RegistryCredential.FromPassword(source, user ?? string.Empty, secret);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // The output may hold a secret: never quote it.
            throw Failed(executable, "printed something that is not the expected JSON (Username, Secret).");
        }
    }

    private static void TryKill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
        }
    }
}
