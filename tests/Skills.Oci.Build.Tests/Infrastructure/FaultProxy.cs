using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace Skills.Oci.Build.Tests.Infrastructure;

/// <summary>What a <see cref="FaultRule"/> does to a matching request.</summary>
public enum FaultKind
{
    /// <summary>Forward, then flip bytes of the response body while keeping its length.</summary>
    CorruptResponseBody,

    /// <summary>Answer with a status (e.g. 503, 429) without forwarding.</summary>
    RespondWithStatus,

    /// <summary>Abort the connection without any response.</summary>
    DropConnection,

    /// <summary>Forward, send the headers and half of the body, then abort the connection.</summary>
    CutResponseBody,

    /// <summary>Forward without a Content-Length and end the response cleanly after half of the body.</summary>
    TruncateResponseBody,
}

/// <summary>A fault applied to the next <see cref="Times"/> requests matching a method and a path pattern.</summary>
public sealed class FaultRule
{
    private int _remaining;
    private int _applied;

    public FaultRule(FaultKind kind, string? method, string pathPattern, int times = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(times);
        Kind = kind;
        Method = method;
        PathPattern = new Regex(pathPattern, RegexOptions.CultureInvariant);
        Times = times;
        _remaining = times;
    }

    public FaultKind Kind { get; }

    /// <summary>The HTTP method to match, or null for any.</summary>
    public string? Method { get; }

    /// <summary>Matched (unanchored) against the request path without its query.</summary>
    public Regex PathPattern { get; }

    public int Times { get; }

    /// <summary>For <see cref="FaultKind.RespondWithStatus"/>.</summary>
    public int Status { get; init; } = StatusCodes.Status503ServiceUnavailable;

    /// <summary>For <see cref="FaultKind.RespondWithStatus"/>: sent as <c>Retry-After</c> in whole seconds.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>How many requests this rule has hit so far.</summary>
    public int Applied => Volatile.Read(ref _applied);

    public bool IsExhausted => Volatile.Read(ref _remaining) <= 0;

    internal bool TryApply(HttpRequest request)
    {
        if ((Method is not null && !string.Equals(Method, request.Method, StringComparison.OrdinalIgnoreCase)) || !PathPattern.IsMatch(request.Path.Value ?? string.Empty))
        {
            return false;
        }

        if (Interlocked.Decrement(ref _remaining) < 0)
        {
            Interlocked.Increment(ref _remaining);
            return false;
        }

        Interlocked.Increment(ref _applied);
        return true;
    }

    public override string ToString() => $"{Kind} {Method ?? "*"} {PathPattern} ({Applied}/{Times})";
}

/// <summary>One request that reached the proxy.</summary>
/// <param name="Status">The status the client got; 0 when the connection was dropped or the upstream was unreachable mid-stream.</param>
/// <param name="Fault">The fault applied, if any.</param>
public sealed record ProxiedRequest(string Method, string PathAndQuery, int Status, FaultKind? Fault);

/// <summary>
/// A reverse proxy on a free loopback port in front of a plain-HTTP registry, injecting queued faults:
/// corrupted bodies, error statuses, dropped connections and bodies cut mid-stream. Absolute <c>Location</c> headers that point
/// at the upstream are rewritten to the proxy so that uploads keep flowing through it.
/// </summary>
public sealed class FaultProxy : IAsyncDisposable
{
    private static readonly HashSet<string> HopByHopHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Proxy-Authenticate", "Proxy-Authorization", "TE", "Trailer", "Transfer-Encoding", "Upgrade", "Host",
    };

    private readonly Uri _upstream;
    private readonly HttpClient _client;
    private readonly List<FaultRule> _rules = [];
    private readonly List<ProxiedRequest> _requests = [];
    private readonly object _gate = new();
    private LoopbackWebServer? _server;
    private int _forwarded;

    private FaultProxy(Uri upstream)
    {
        _upstream = upstream;
        _client = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            AutomaticDecompression = System.Net.DecompressionMethods.None,
        })
        {
            Timeout = System.Threading.Timeout.InfiniteTimeSpan,
        };
    }

    public int Port => _server!.Port;

    public string HostPort => _server!.HostPort;

    public Uri BaseUri => _server!.BaseUri;

    /// <summary>Requests that were sent on to the upstream (faults answered by the proxy itself are not counted).</summary>
    public int ForwardedCount => Volatile.Read(ref _forwarded);

    /// <summary>Drop <c>Range</c> headers, like a registry that always answers the whole blob (200).</summary>
    public bool IgnoreRangeRequests { get; set; }

    public IReadOnlyList<ProxiedRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return _requests.ToArray();
            }
        }
    }

    public static async Task<FaultProxy> StartAsync(Uri upstream, CancellationToken cancellationToken = default)
    {
        var proxy = new FaultProxy(upstream);
        proxy._server = await LoopbackWebServer.StartAsync(proxy.HandleAsync, cancellationToken).ConfigureAwait(false);
        return proxy;
    }

    public FaultRule CorruptResponseBody(string? method, string pathPattern, int times = 1) =>
        AddFault(new FaultRule(FaultKind.CorruptResponseBody, method, pathPattern, times));

    public FaultRule RespondWithStatus(string? method, string pathPattern, int status, int times = 1, TimeSpan? retryAfter = null) =>
        AddFault(new FaultRule(FaultKind.RespondWithStatus, method, pathPattern, times) { Status = status, RetryAfter = retryAfter });

    public FaultRule DropConnection(string? method, string pathPattern, int times = 1) =>
        AddFault(new FaultRule(FaultKind.DropConnection, method, pathPattern, times));

    public FaultRule CutResponseBody(string? method, string pathPattern, int times = 1) =>
        AddFault(new FaultRule(FaultKind.CutResponseBody, method, pathPattern, times));

    public FaultRule TruncateResponseBody(string? method, string pathPattern, int times = 1) =>
        AddFault(new FaultRule(FaultKind.TruncateResponseBody, method, pathPattern, times));

    /// <summary>Queues a rule; rules are tried in the order they were added and the first unexhausted match applies.</summary>
    public FaultRule AddFault(FaultRule rule)
    {
        lock (_gate)
        {
            _rules.Add(rule);
        }

        return rule;
    }

    public void ClearFaults()
    {
        lock (_gate)
        {
            _rules.Clear();
        }
    }

    public void ClearRequests()
    {
        lock (_gate)
        {
            _requests.Clear();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync().ConfigureAwait(false);
        }

        _client.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var pathAndQuery = request.Path.ToUriComponent() + request.QueryString.ToUriComponent();
        FaultRule? rule;
        lock (_gate)
        {
            rule = _rules.FirstOrDefault(candidate => candidate.TryApply(request));
        }

        switch (rule?.Kind)
        {
            case FaultKind.DropConnection:
                Record(request.Method, pathAndQuery, 0, rule.Kind);
                context.Abort();
                return;
            case FaultKind.RespondWithStatus:
                Record(request.Method, pathAndQuery, rule.Status, rule.Kind);
                context.Response.StatusCode = rule.Status;
                if (rule.RetryAfter is { } retryAfter)
                {
                    context.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                }

                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync($$"""{"errors":[{"code":"UNAVAILABLE","message":"fault injected by the test proxy (status {{rule.Status}})"}]}""", context.RequestAborted).ConfigureAwait(false);
                return;
        }

        await ForwardAsync(context, pathAndQuery, rule?.Kind).ConfigureAwait(false);
    }

    private async Task ForwardAsync(HttpContext context, string pathAndQuery, FaultKind? fault)
    {
        var corrupt = fault == FaultKind.CorruptResponseBody;
        var request = context.Request;
        using var upstreamRequest = new HttpRequestMessage(new HttpMethod(request.Method), new Uri(_upstream, pathAndQuery));
        var hasBody = request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0;
        if (hasBody)
        {
            upstreamRequest.Content = new StreamContent(request.Body);
        }

        foreach (var header in request.Headers)
        {
            if (HopByHopHeaders.Contains(header.Key) || (IgnoreRangeRequests && header.Key.Equals("Range", StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            if (!upstreamRequest.Headers.TryAddWithoutValidation(header.Key, header.Value.ToArray()) && upstreamRequest.Content is not null)
            {
                upstreamRequest.Content.Headers.TryAddWithoutValidation(header.Key, header.Value.ToArray());
            }
        }

        HttpResponseMessage upstreamResponse;
        try
        {
            upstreamResponse = await _client.SendAsync(upstreamRequest, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted).ConfigureAwait(false);
        }
        catch (HttpRequestException exception)
        {
            // The upstream is down (e.g. a "registry stopped" test): answer like a gateway would.
            Record(request.Method, pathAndQuery, StatusCodes.Status502BadGateway, null);
            context.Response.StatusCode = StatusCodes.Status502BadGateway;
            await context.Response.WriteAsync($"upstream unreachable: {exception.Message}", context.RequestAborted).ConfigureAwait(false);
            return;
        }

        Interlocked.Increment(ref _forwarded);
        using (upstreamResponse)
        {
            var response = context.Response;
            response.StatusCode = (int)upstreamResponse.StatusCode;
            foreach (var header in upstreamResponse.Headers.Concat(upstreamResponse.Content.Headers))
            {
                if (!HopByHopHeaders.Contains(header.Key))
                {
                    response.Headers[header.Key] = header.Value.ToArray();
                }
            }

            var declaredLength = upstreamResponse.Content.Headers.ContentLength;
            if (fault == FaultKind.TruncateResponseBody)
            {
                // Chunked, so ending early is a clean end the client cannot tell from a complete body.
                response.Headers.ContentLength = null;
            }

            if (upstreamResponse.Headers.Location is { IsAbsoluteUri: true } location && location.Authority == _upstream.Authority)
            {
                response.Headers.Location = new Uri(BaseUri, location.PathAndQuery).ToString();
            }

            Record(request.Method, pathAndQuery, response.StatusCode, fault);
            if (HttpMethods.IsHead(request.Method))
            {
                return;
            }

            await using var body = await upstreamResponse.Content.ReadAsStreamAsync(context.RequestAborted).ConfigureAwait(false);
            var buffer = new byte[81920];
            var first = true;
            // A cut sends half the declared body (at least one byte) and then aborts the connection.
            var cutAfter = fault is FaultKind.CutResponseBody or FaultKind.TruncateResponseBody ? Math.Max(1, (declaredLength ?? 2) / 2) : long.MaxValue;
            long sent = 0;
            int read;
            while ((read = await body.ReadAsync(buffer, context.RequestAborted).ConfigureAwait(false)) > 0)
            {
                if (sent + read >= cutAfter)
                {
                    await response.Body.WriteAsync(buffer.AsMemory(0, (int)(cutAfter - sent)), context.RequestAborted).ConfigureAwait(false);
                    if (fault == FaultKind.TruncateResponseBody)
                    {
                        return;
                    }

                    await response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
                    // A reset discards what the client has not read yet: let it take the headers and bytes sent first.
                    await Task.Delay(TimeSpan.FromMilliseconds(300), context.RequestAborted).ConfigureAwait(false);
                    context.Abort();
                    return;
                }

                if (corrupt && first)
                {
                    // Same length, different bytes: only a digest check can notice.
                    for (var i = 0; i < Math.Min(read, 8); i++)
                    {
                        buffer[i] ^= 0xFF;
                    }
                }

                first = false;
                sent += read;
                await response.Body.WriteAsync(buffer.AsMemory(0, read), context.RequestAborted).ConfigureAwait(false);
            }
        }
    }

    private void Record(string method, string pathAndQuery, int status, FaultKind? fault)
    {
        lock (_gate)
        {
            _requests.Add(new ProxiedRequest(method, pathAndQuery, status, fault));
        }
    }
}
