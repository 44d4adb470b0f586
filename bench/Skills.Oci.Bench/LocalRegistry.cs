using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Skills.Oci.Bench;

/// <summary>
/// Debian's <c>docker-registry</c> on a free 127.0.0.1 port with storage in the bench's temp folder.
/// Its access log (combined log format, on stdout) is kept so a scenario can count the blob
/// downloads it caused.
/// </summary>
public sealed partial class LocalRegistry : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _accessLog = [];
    private readonly HttpClient _http = new();

    private LocalRegistry(Process process)
    {
        _process = process;
    }

    public int Port { get; private set; }

    public string HostPort => $"127.0.0.1:{Port}";

    public int ProcessId => _process.Id;

    public static async Task<LocalRegistry> StartAsync(string folder, Commands commands, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(folder);
        var config = Path.Combine(folder, "config.yml");
        // info level: the "listening on" line that carries the port is logged at info.
        await File.WriteAllTextAsync(config, $"""
            version: 0.1
            log:
              level: info
              accesslog:
                disabled: false
            storage:
              filesystem:
                rootdirectory: '{Path.Combine(folder, "data")}'
              maintenance:
                uploadpurging:
                  enabled: false
            http:
              addr: 127.0.0.1:0
              secret: bench-only-not-a-secret
            health:
              storagedriver:
                enabled: false
            """, cancellationToken);
        var process = commands.Start(new ProcessStartInfo("docker-registry")
        {
            ArgumentList = { "serve", config },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = folder,
        });
        var listening = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var registry = new LocalRegistry(process);
        process.OutputDataReceived += (_, e) => registry.OnAccessLogLine(e.Data);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null && ListeningLine().Match(e.Data) is { Success: true } match)
            {
                listening.TrySetResult(int.Parse(match.Groups["port"].Value, CultureInfo.InvariantCulture));
            }
        };
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException("docker-registry exited during start-up."));
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            registry.Port = await listening.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
            return registry;
        }
        catch
        {
            Commands.Kill(process);
            throw;
        }
    }

    /// <summary>Blob downloads: <c>GET /v2/&lt;name&gt;/blobs/sha256:&lt;hex&gt;</c>.</summary>
    public static Regex BlobGet => BlobGetLine();

    /// <summary>Finished blob uploads: the closing <c>PUT .../blobs/uploads/&lt;id&gt;?digest=</c> of a (monolithic or chunked) upload.</summary>
    public static Regex BlobUpload => BlobUploadLine();

    /// <summary>Requests matching <paramref name="pattern"/> logged since <paramref name="mark"/>, once every earlier request's line has arrived.</summary>
    public async Task<int> CountSinceAsync(int mark, Regex pattern, CancellationToken cancellationToken)
    {
        var lines = await FlushAsync(cancellationToken);
        return lines.Skip(mark).Count(pattern.IsMatch);
    }

    /// <summary>A position in the access log, for <see cref="CountSinceAsync"/>.</summary>
    public async Task<int> MarkAsync(CancellationToken cancellationToken) => (await FlushAsync(cancellationToken)).Count;

    public async ValueTask DisposeAsync()
    {
        Commands.Kill(_process);
        await _process.WaitForExitAsync(CancellationToken.None);
        _process.Dispose();
        _http.Dispose();
    }

    /// <summary>
    /// The access log with every completed request in it: the registry writes a line after the
    /// response, so this sends a marked request of its own and waits for that line.
    /// </summary>
    private async Task<IReadOnlyList<string>> FlushAsync(CancellationToken cancellationToken)
    {
        var marker = $"bench-flush-{Guid.NewGuid():N}";
        using (await _http.GetAsync(new Uri($"http://{HostPort}/v2/?{marker}"), cancellationToken))
        {
        }

        var deadline = Stopwatch.StartNew();
        while (true)
        {
            lock (_accessLog)
            {
                var at = _accessLog.FindIndex(line => line.Contains(marker, StringComparison.Ordinal));
                if (at >= 0)
                {
                    _accessLog.RemoveAt(at);
                    return _accessLog.ToArray();
                }
            }

            if (deadline.Elapsed > TimeSpan.FromSeconds(10))
            {
                throw new TimeoutException("The registry's access log never showed the flush request.");
            }

            await Task.Delay(10, cancellationToken);
        }
    }

    private void OnAccessLogLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_accessLog)
        {
            _accessLog.Add(line);
        }
    }

    [GeneratedRegex(@"listening on 127\.0\.0\.1:(?<port>\d+)")]
    private static partial Regex ListeningLine();

    // 127.0.0.1 - - [01/Dec/2026:22:49:04 +0000] "GET /v2/bench/large-01/blobs/sha256:0a1b... HTTP/1.1" 200 1048873 "" "Skills.Oci/..."
    [GeneratedRegex("\"GET /v2/\\S+/blobs/sha256:[0-9a-f]{64} HTTP/")]
    private static partial Regex BlobGetLine();

    [GeneratedRegex("\"PUT /v2/\\S+/blobs/uploads/\\S*digest=sha256")]
    private static partial Regex BlobUploadLine();
}
