using System.Diagnostics;
using System.Text.Json;
using Skills.Oci.Build.Diagnostics;

namespace Skills.Oci.Build.Auth;

/// <summary>
/// Runs a Docker credential helper (<c>docker-credential-&lt;name&gt; get</c>, the server URL on
/// standard input, JSON <c>Username</c>/<c>Secret</c> back). "Not found" answers mean no
/// credentials; any other failure is an error naming the helper, never its output's secret.
/// </summary>
public static class CredentialHelper
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public static async Task<RegistryCredential?> GetAsync(string helperName, string serverUrl, CancellationToken cancellationToken)
    {
        var executable = "docker-credential-" + helperName;
        var source = $"the Docker credential helper '{executable}'";
        var start = new ProcessStartInfo(executable, "get")
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
                await process.StandardInput.WriteAsync(serverUrl.AsMemory(), timeout.Token).ConfigureAwait(false);
                process.StandardInput.Close();
                var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
                var error = process.StandardError.ReadToEndAsync(timeout.Token);
                await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
                var stdout = await output.ConfigureAwait(false);
                var stderr = await error.ConfigureAwait(false);
                if (process.ExitCode != 0)
                {
                    if ((stdout + stderr).Contains("credentials not found", StringComparison.OrdinalIgnoreCase))
                    {
                        return null;
                    }

                    throw new SkillsOciException(ErrorCodes.CredentialHelperFailed,
                        $"The credential helper '{executable}' failed for '{serverUrl}' (exit code {process.ExitCode}). Run '{executable} get' by hand to see why, or run 'docker login' again.");
                }

                return Parse(stdout, source, executable);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                TryKill(process);
                throw new SkillsOciException(ErrorCodes.CredentialHelperFailed,
                    $"The credential helper '{executable}' did not answer within {Timeout.TotalSeconds:0} s (it may be waiting for a prompt).");
            }
            catch
            {
                TryKill(process);
                throw;
            }
        }
    }

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
            throw new SkillsOciException(ErrorCodes.CredentialHelperFailed,
                $"The credential helper '{executable}' printed something that is not the expected JSON (Username, Secret).", innerException: null);
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
