using System.Text;
using System.Text.Json.Nodes;

namespace Skills.Oci.Build.Tests.Infrastructure;

/// <summary>A credential a <see cref="CredentialHelperScript"/> hands out for one server URL.</summary>
public sealed record HelperCredential(string Username, string Secret);

/// <summary>One call of the helper: its verb and the server URL it read from stdin.</summary>
public sealed record HelperInvocation(string Verb, string ServerUrl);

/// <summary>
/// A fake <c>docker-credential-&lt;name&gt;</c> shell script speaking the docker-credential-helpers
/// protocol: <c>get</c> reads a server URL on stdin and prints <c>{"ServerURL","Username","Secret"}</c>,
/// or "credentials not found in native keychain" with exit code 1. Each call is logged so tests can
/// assert which servers were asked for.
/// </summary>
public sealed class CredentialHelperScript
{
    private CredentialHelperScript(string name, string folder, string scriptPath, string logPath)
    {
        Name = name;
        Folder = folder;
        ScriptPath = scriptPath;
        LogPath = logPath;
    }

    /// <summary>The helper name as written in Docker's config (<c>credHelpers</c>, <c>credsStore</c>).</summary>
    public string Name { get; }

    /// <summary>The folder holding the script; prepend it to PATH (see <see cref="PathWithHelper"/>).</summary>
    public string Folder { get; }

    public string ScriptPath { get; }

    public string LogPath { get; }

    /// <summary>A PATH value that finds this helper first.</summary>
    public string PathWithHelper => Folder + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH");

    /// <summary>Writes the script into <paramref name="folder"/> (created if needed).</summary>
    /// <param name="credentials">Server URL exactly as the client will send it → credential.</param>
    public static CredentialHelperScript Create(string folder, string name, IReadOnlyDictionary<string, HelperCredential> credentials)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("The fake credential helper is a POSIX shell script.");
        }

        Directory.CreateDirectory(folder);
        var scriptPath = Path.Combine(folder, "docker-credential-" + name);
        var logPath = Path.Combine(folder, $"docker-credential-{name}.log");
        var script = new StringBuilder();
        script.Append("#!/bin/sh\n");
        script.Append("verb=\"$1\"\n");
        // $(cat) drops the trailing newline clients may or may not send.
        script.Append("server=$(cat)\n");
        script.Append("printf '%s %s\\n' \"$verb\" \"$server\" >> ").Append(ShellQuote(logPath)).Append('\n');
        script.Append("case \"$verb\" in\n");
        script.Append("  get)\n");
        script.Append("    case \"$server\" in\n");
        foreach (var (serverUrl, credential) in credentials)
        {
            var json = new JsonObject { ["ServerURL"] = serverUrl, ["Username"] = credential.Username, ["Secret"] = credential.Secret }.ToJsonString();
            script.Append("      ").Append(ShellQuote(serverUrl)).Append(") printf '%s\\n' ").Append(ShellQuote(json)).Append("; exit 0 ;;\n");
        }

        script.Append("    esac\n");
        script.Append("    echo 'credentials not found in native keychain'\n");
        script.Append("    exit 1 ;;\n");
        script.Append("  list) echo '{}'; exit 0 ;;\n");
        script.Append("  store|erase) cat > /dev/null; exit 0 ;;\n");
        script.Append("esac\n");
        script.Append("echo \"unknown verb: $verb\" >&2\n");
        script.Append("exit 2\n");
        File.WriteAllText(scriptPath, script.ToString());
        File.SetUnixFileMode(scriptPath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute);
        return new CredentialHelperScript(name, folder, scriptPath, logPath);
    }

    /// <summary>Every call so far, oldest first.</summary>
    public IReadOnlyList<HelperInvocation> ReadInvocations() =>
        File.Exists(LogPath)
            ? File.ReadAllLines(LogPath).Where(line => line.Length > 0).Select(line => line.Split(' ', 2)).Select(parts => new HelperInvocation(parts[0], parts.Length > 1 ? parts[1] : string.Empty)).ToArray()
            : [];

    private static string ShellQuote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
