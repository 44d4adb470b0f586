using System.Text.Json;
using Skills.Oci.Tool.Cli;

namespace Skills.Oci.Tool.Commands;

/// <summary>
/// The JSON an agent writes on a session-start hook's standard input (see the agent hook formats):
/// only <c>cwd</c> matters to sync. Never blocks a session: a terminal is not read, and an input that
/// does not end quickly, or is not JSON, is ignored.
/// </summary>
internal static class HookInput
{
    /// <summary>Agents write their JSON at once and close the pipe; a pipe left open is not waited on longer than this.</summary>
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(1);

    /// <summary>The working folder the agent gives (<c>cwd</c>), or null.</summary>
    public static async Task<string?> ReadWorkingDirectoryAsync(ToolConsole console, CancellationToken cancellationToken)
    {
        if (ReferenceEquals(console.In, Console.In) && !Console.IsInputRedirected)
        {
            return null;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // Console.In reads synchronously whatever the method's name: on a pool thread, so a pipe left open cannot hold the session.
        var read = Task.Run(() => console.In.ReadToEndAsync(timeout.Token), CancellationToken.None);
        if (await Task.WhenAny(read, Task.Delay(ReadTimeout, cancellationToken)).ConfigureAwait(false) != read)
        {
            await timeout.CancelAsync().ConfigureAwait(false);
            return null;
        }

        return WorkingDirectoryOf(await read.ConfigureAwait(false));
    }

    /// <summary><c>cwd</c> of the hook's JSON when it is an existing folder; null for anything else.</summary>
    public static string? WorkingDirectoryOf(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.ValueKind == JsonValueKind.Object &&
                   document.RootElement.TryGetProperty("cwd", out var cwd) && cwd.ValueKind == JsonValueKind.String &&
                   cwd.GetString() is { Length: > 0 } folder && Path.IsPathRooted(folder) && Directory.Exists(folder)
                ? folder
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
