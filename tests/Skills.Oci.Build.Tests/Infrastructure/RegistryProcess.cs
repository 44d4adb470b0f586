using System.Globalization;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.RegularExpressions;
using Skills.Oci.Build.Registry;

namespace Skills.Oci.Build.Tests.Infrastructure;

/// <summary>
/// Debian's <c>docker-registry</c> (CNCF distribution 2.8.2) as a child process on a free loopback
/// port, with its storage, configuration and optional htpasswd file or TLS certificate in a temp folder.
/// </summary>
public sealed partial class RegistryProcess : IAsyncDisposable
{
    private const string Executable = "docker-registry";

    /// <summary>Requests the harness itself makes carry this marker so they stay out of <see cref="Requests"/>.</summary>
    private const string HarnessMarker = "skills-oci-harness";

    private readonly TempFolder _root;
    private readonly List<RegistryRequest> _requests = [];
    private readonly List<string> _accessLogLines = [];
    private readonly StringBuilder _standardError = new();
    private readonly object _gate = new();
    private HttpClient? _httpClient;
    private RunningProcess? _process;
    private int _port;

    private RegistryProcess(RegistryOptions options)
    {
        Options = options;
        _root = new TempFolder("registry");
        StorageRoot = _root.CreateFolder("data");
        ConfigPath = _root.Combine("config.yml");
        if (options.Tls)
        {
            TlsCertificate = SelfSignedCertificates.CreateTlsServerCertificate();
            TlsCertificatePath = _root.Combine("registry.crt");
            SelfSignedCertificates.WritePem(TlsCertificate, TlsCertificatePath, _root.Combine("registry.key"));
        }
    }

    public RegistryOptions Options { get; }

    public int Port => _port != 0 ? _port : throw new InvalidOperationException("The registry has not started.");

    /// <summary><c>127.0.0.1:PORT</c>, the registry part of an image reference.</summary>
    public string HostPort => $"127.0.0.1:{Port}";

    /// <summary><c>http://127.0.0.1:PORT/</c> or <c>https://...</c> with TLS.</summary>
    public Uri BaseUri => new($"{(Options.Tls ? "https" : "http")}://{HostPort}/");

    /// <summary>The filesystem storage folder (survives <see cref="StopAsync"/> and <see cref="StartAgainAsync"/>).</summary>
    public string StorageRoot { get; }

    public string ConfigPath { get; }

    /// <summary>The TLS certificate (also the trust anchor) when <see cref="RegistryOptions.Tls"/> is set.</summary>
    public X509Certificate2? TlsCertificate { get; }

    /// <summary>The certificate as a PEM file, e.g. for <c>SSL_CERT_FILE</c> in a child process's environment.</summary>
    public string? TlsCertificatePath { get; }

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Everything the registry wrote to stderr so far (its application log), for failure messages.</summary>
    public string StandardError
    {
        get
        {
            lock (_gate)
            {
                return _standardError.ToString();
            }
        }
    }

    /// <summary>Requests seen in the access log so far; call <see cref="WaitForRequestsAsync"/> first to include the latest ones.</summary>
    public IReadOnlyList<RegistryRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return _requests.ToArray();
            }
        }
    }

    public static async Task<RegistryProcess> StartAsync(RegistryOptions? options = null, CancellationToken cancellationToken = default)
    {
        var registry = new RegistryProcess(options ?? new RegistryOptions());
        try
        {
            if (registry.Options.BasicAuth is { } user)
            {
                await registry.WriteHtpasswdAsync(user, cancellationToken).ConfigureAwait(false);
            }

            await registry.LaunchAsync(requestedPort: 0, cancellationToken).ConfigureAwait(false);
            return registry;
        }
        catch
        {
            await registry.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>An <see cref="HttpClient"/> for this registry that trusts its TLS certificate and never follows redirects.</summary>
    public HttpClient CreateHttpClient()
    {
        var handler = TlsCertificate is null
            ? new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false }
            : SelfSignedCertificates.CreateHandlerTrusting(TlsCertificate);
        return new HttpClient(handler) { BaseAddress = BaseUri, Timeout = TimeSpan.FromSeconds(30) };
    }

    public void ClearRequests()
    {
        lock (_gate)
        {
            _requests.Clear();
        }
    }

    /// <summary>
    /// The access log after every request the test has completed is in it. distribution writes a
    /// request's line when its handler returns, normally before the client has read the end of the
    /// response, so a marked request sent now is logged after them. A large response can reach the
    /// client before its line is written, so the log counts as settled only once a whole marker round
    /// trip brought no line of another request.
    /// </summary>
    public async Task<IReadOnlyList<RegistryRequest>> WaitForRequestsAsync(CancellationToken cancellationToken = default)
    {
        if (!Options.AccessLog)
        {
            throw new InvalidOperationException("The access log is disabled; start the registry with RegistryOptions { AccessLog = true }.");
        }

        var seen = -1;
        await Poll.UntilAsync(
            async token =>
            {
                await FlushAccessLogAsync(token).ConfigureAwait(false);
                var count = Requests.Count;
                return count == Interlocked.Exchange(ref seen, count);
            },
            TimeSpan.FromSeconds(10),
            () => $"the registry's access log kept growing.{Environment.NewLine}{StandardError}",
            cancellationToken).ConfigureAwait(false);
        return Requests;
    }

    /// <summary>Kills the registry; storage stays so that <see cref="StartAgainAsync"/> serves the same content.</summary>
    public async Task StopAsync()
    {
        var process = _process;
        if (process is null)
        {
            return;
        }

        _process = null;
        await process.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Starts the registry again on the same storage, on the same port if it is still free (else a new one, reflected in <see cref="Port"/>).</summary>
    public async Task StartAgainAsync(CancellationToken cancellationToken = default)
    {
        await StopAsync().ConfigureAwait(false);
        try
        {
            await LaunchAsync(_port, cancellationToken).ConfigureAwait(false);
        }
        catch (RegistryStartException exception) when (exception.Message.Contains("address already in use", StringComparison.Ordinal))
        {
            await LaunchAsync(requestedPort: 0, cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _httpClient?.Dispose();
        TlsCertificate?.Dispose();
        _root.Dispose();
    }

    private HttpClient Client => _httpClient ??= CreateHttpClient();

    /// <summary>Sends a marked request and waits until its access-log line has arrived.</summary>
    private async Task FlushAccessLogAsync(CancellationToken cancellationToken)
    {
        var marker = $"{HarnessMarker}-flush={Guid.NewGuid():N}";
        using (await Client.GetAsync($"/v2/?{marker}", cancellationToken).ConfigureAwait(false))
        {
        }

        await Poll.UntilAsync(
            () => ContainsAccessLogLine(marker),
            TimeSpan.FromSeconds(10),
            () => $"the registry's access log never showed the flush request.{Environment.NewLine}{StandardError}",
            cancellationToken).ConfigureAwait(false);
    }

    private bool ContainsAccessLogLine(string marker)
    {
        lock (_gate)
        {
            return _accessLogLines.Exists(line => line.Contains(marker, StringComparison.Ordinal));
        }
    }

    private async Task WriteHtpasswdAsync(BasicAuthUser user, CancellationToken cancellationToken)
    {
        ProcessResult result;
        try
        {
            result = await ProcessRunner.RunAsync("htpasswd", ["-Bbn", user.Username, user.Password], cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidOperationException exception)
        {
            throw new InvalidOperationException("htpasswd is not installed: apt-get install apache2-utils", exception);
        }

        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"htpasswd failed: {result}");
        }

        await File.WriteAllTextAsync(_root.Combine("htpasswd"), result.Output.Trim() + "\n", cancellationToken).ConfigureAwait(false);
    }

    private async Task LaunchAsync(int requestedPort, CancellationToken cancellationToken)
    {
        await File.WriteAllTextAsync(ConfigPath, BuildConfig(requestedPort), cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            _standardError.Clear();
        }

        var listening = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnErrorLine(string line)
        {
            lock (_gate)
            {
                _standardError.AppendLine(line);
            }

            if (ListeningLine().Match(line) is { Success: true } match)
            {
                listening.TrySetResult(int.Parse(match.Groups["port"].Value, CultureInfo.InvariantCulture));
            }
        }

        try
        {
            _process = ProcessRunner.Start(Executable, ["serve", ConfigPath], _root.Path, onOutputLine: OnAccessLogLine, onErrorLine: OnErrorLine);
        }
        catch (InvalidOperationException exception)
        {
            throw new InvalidOperationException("docker-registry is not installed: apt-get install docker-registry", exception);
        }

        var exited = _process.Exited;
        using var hangGuard = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        hangGuard.CancelAfter(Options.StartTimeout);
        try
        {
            if (await Task.WhenAny(listening.Task, exited).WaitAsync(hangGuard.Token).ConfigureAwait(false) != listening.Task)
            {
                throw new RegistryStartException("The registry exited during start-up.");
            }

            _port = await listening.Task.ConfigureAwait(false);
            _httpClient?.Dispose();
            _httpClient = null;
            await Poll.UntilAsync(IsAnsweringAsync, Options.StartTimeout, () => "the registry did not answer HTTP.", hangGuard.Token).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is RegistryStartException or TimeoutException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            await StopAsync().ConfigureAwait(false);
            var reason = exception is RegistryStartException ? "exited during start-up" : $"did not start within {Options.StartTimeout.TotalSeconds:0} s";
            throw new RegistryStartException($"docker-registry {reason} (config {ConfigPath}). Its stderr:{Environment.NewLine}{StandardError}", exception);
        }
    }

    /// <summary>Any HTTP answer (200, or 401 with auth) means the registry is serving.</summary>
    private async Task<bool> IsAnsweringAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var response = await Client.GetAsync($"/v2/?{HarnessMarker}-ready", cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private void OnAccessLogLine(string line)
    {
        lock (_gate)
        {
            _accessLogLines.Add(line);
            if (CombinedLogLine().Match(line) is { Success: true } match && !match.Groups["target"].Value.Contains(HarnessMarker, StringComparison.Ordinal))
            {
                _requests.Add(new RegistryRequest(
                    match.Groups["method"].Value,
                    match.Groups["target"].Value,
                    int.Parse(match.Groups["status"].Value, CultureInfo.InvariantCulture),
                    match.Groups["agent"].Value)
                {
                    Protocol = match.Groups["protocol"].Value,
                });
            }
        }
    }

    private string BuildConfig(int port)
    {
        var yaml = new StringBuilder();
        yaml.AppendLine("version: 0.1");
        yaml.AppendLine("log:");
        // info is needed: the "listening on" line that carries the port is logged at info.
        yaml.AppendLine("  level: info");
        yaml.AppendLine("  accesslog:");
        yaml.AppendLine(CultureInfo.InvariantCulture, $"    disabled: {(Options.AccessLog ? "false" : "true")}");
        yaml.AppendLine("storage:");
        yaml.AppendLine("  filesystem:");
        yaml.AppendLine(CultureInfo.InvariantCulture, $"    rootdirectory: {Quote(StorageRoot)}");
        yaml.AppendLine("  delete:");
        yaml.AppendLine("    enabled: true");
        yaml.AppendLine("  maintenance:");
        yaml.AppendLine("    uploadpurging:");
        yaml.AppendLine("      enabled: false");
        yaml.AppendLine("http:");
        yaml.AppendLine(CultureInfo.InvariantCulture, $"  addr: 127.0.0.1:{port}");
        yaml.AppendLine("  secret: not-a-real-secret-test-only");
        if (Options.RelativeUrls)
        {
            yaml.AppendLine("  relativeurls: true");
        }

        if (Options.Tls)
        {
            yaml.AppendLine("  tls:");
            yaml.AppendLine(CultureInfo.InvariantCulture, $"    certificate: {Quote(TlsCertificatePath!)}");
            yaml.AppendLine(CultureInfo.InvariantCulture, $"    key: {Quote(_root.Combine("registry.key"))}");
        }

        yaml.AppendLine("health:");
        yaml.AppendLine("  storagedriver:");
        yaml.AppendLine("    enabled: false");
        if (Options.BasicAuth is not null && Options.TokenAuth is not null)
        {
            throw new InvalidOperationException("Choose either BasicAuth or TokenAuth, not both.");
        }

        if (Options.BasicAuth is not null)
        {
            yaml.AppendLine("auth:");
            yaml.AppendLine("  htpasswd:");
            yaml.AppendLine("    realm: test-realm");
            yaml.AppendLine(CultureInfo.InvariantCulture, $"    path: {Quote(_root.Combine("htpasswd"))}");
        }

        if (Options.TokenAuth is { } issuer)
        {
            yaml.AppendLine("auth:");
            yaml.AppendLine("  token:");
            yaml.AppendLine(CultureInfo.InvariantCulture, $"    realm: {Quote(issuer.Realm.ToString())}");
            yaml.AppendLine(CultureInfo.InvariantCulture, $"    service: {Quote(issuer.Service)}");
            yaml.AppendLine(CultureInfo.InvariantCulture, $"    issuer: {Quote(issuer.Issuer)}");
            yaml.AppendLine(CultureInfo.InvariantCulture, $"    rootcertbundle: {Quote(issuer.CertificatePemPath)}");
        }

        return yaml.ToString();
    }

    private static string Quote(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    [GeneratedRegex(@"listening on 127\.0\.0\.1:(?<port>\d+)")]
    private static partial Regex ListeningLine();

    // 127.0.0.1 - - [25/Nov/2026:03:34:41 +0000] "GET /v2/ HTTP/1.1" 200 2 "" "curl/7.88.1"
    [GeneratedRegex("""\] "(?<method>[A-Z]+) (?<target>\S+) (?<protocol>HTTP/[\d.]+)" (?<status>\d{3}) \S+ "(?:[^"\\]|\\.)*" "(?<agent>(?:[^"\\]|\\.)*)"$""")]
    private static partial Regex CombinedLogLine();
}
