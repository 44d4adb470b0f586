using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Skills.Oci.Build.Auth;
using Skills.Oci.Build.Oci;

namespace Skills.Oci.Build.Registry;

/// <summary>
/// Owns how requests reach a registry: the scheme (HTTPS, with a remembered fall-back to plain HTTP
/// for loopback and insecure hosts when TLS fails), authorization (challenge, token, resend),
/// bounded retries with back-off for connection failures, 429 and 5xx (honouring Retry-After), and
/// redirects for downloads (without credentials when the origin changes).
/// </summary>
internal sealed class RegistryTransport : IDisposable
{
    private const int MaxRedirects = 5;
    private readonly RegistryClientOptions _options;
    private readonly RetryPolicy _retries;
    private readonly HttpClient _secure;
    private readonly Lazy<HttpClient> _insecure;
    private readonly ConcurrentDictionary<string, string> _schemes = new(StringComparer.OrdinalIgnoreCase);
    private readonly SchemeProbes _schemeProbes = new();

    public RegistryTransport(RegistryClientOptions options)
    {
        _options = options;
        _retries = new RetryPolicy(options);
        _secure = CreateClient(verifyCertificates: true);
        _insecure = new Lazy<HttpClient>(() => CreateClient(verifyCertificates: false));
        Authenticator = new RegistryAuthenticator(
            options.Credentials ?? new DefaultCredentialProvider(options.Environment),
            _secure,
            options.UserAgent,
            options.IsInsecure);
    }

    public RegistryAuthenticator Authenticator { get; }

    public RetryPolicy Retries => _retries;

    public async Task<HttpResponseMessage> SendAsync(RegistryRequest request, CancellationToken cancellationToken)
    {
        var retries = _retries.Start();
        var probe = await AwaitSchemeAsync(request, cancellationToken).ConfigureAwait(false);
        try
        {
            if (request.AbsoluteUri is null)
            {
                await Authenticator.AuthenticateAheadAsync(request.Target, request.Scopes, request.Operation, cancellationToken).ConfigureAwait(false);
            }

            return await SendDecidedAsync(request, retries, probe, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            probe?.TrySetResult();
        }
    }

    /// <summary>The scheme probe this request must wait for or open (<see cref="SchemeProbes"/>); null when the scheme is known or cannot fall back.</summary>
    private Task<TaskCompletionSource?> AwaitSchemeAsync(RegistryRequest request, CancellationToken cancellationToken) =>
        request.AbsoluteUri is not null || _schemes.ContainsKey(request.Target.RegistryHost) || !(request.Target.IsLoopback || _options.IsInsecure(request.Target.RegistryHost))
            ? Task.FromResult<TaskCompletionSource?>(null)
            : _schemeProbes.EnterAsync(request.Target.RegistryHost, cancellationToken);

    private async Task<HttpResponseMessage> SendDecidedAsync(RegistryRequest request, RetryBudget retries, TaskCompletionSource? probe, CancellationToken cancellationToken)
    {
        var authorized = false;
        Exception? tlsFailure = null;
        while (true)
        {
            var uri = BuildUri(request);
            HttpResponseMessage response;
            try
            {
                response = await SendOnceAsync(request, uri, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException ex) when (IsTlsFailure(ex) && CanFallBackToHttp(request, uri))
            {
                // Loopback and insecure registries may speak plain HTTP: remember that and go again.
                _schemes[request.Target.RegistryHost] = Uri.UriSchemeHttp;
                tlsFailure = ex;
                continue;
            }
            catch (Exception ex) when (IsTransient(ex, cancellationToken))
            {
                if (!request.Retryable || !await retries.WaitAsync(ex, request.Target, cancellationToken).ConfigureAwait(false))
                {
                    throw Unreachable(request, uri, ex, retries.Attempts);
                }

                continue;
            }

            if (tlsFailure is not null && response.StatusCode == HttpStatusCode.BadRequest)
            {
                // An HTTPS server answering our plain-HTTP fall-back: the real problem is TLS trust.
                response.Dispose();
                _schemes.TryRemove(request.Target.RegistryHost, out _);
                throw Unreachable(request, uri, tlsFailure, retries.Attempts);
            }

            if (!_schemes.ContainsKey(request.Target.RegistryHost) && request.AbsoluteUri is null)
            {
                _schemes[request.Target.RegistryHost] = uri.Scheme;
            }

            // The scheme is decided: requests waiting for this probe go ahead.
            probe?.TrySetResult();

            if (response.StatusCode == HttpStatusCode.Unauthorized && IsSameOrigin(request, uri))
            {
                try
                {
                    await Authenticator.AuthenticateAsync(request.Target, response, request.Scopes, request.Operation, authorized, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    response.Dispose();
                }

                authorized = true;
                continue;
            }

            if (IsRetryableStatus(response.StatusCode))
            {
                var status = response.StatusCode;
                var retryAfter = response.Headers.RetryAfter;
                response.Dispose();
                if (!request.Retryable || !await retries.WaitAsync(retryAfter, cancellationToken).ConfigureAwait(false))
                {
                    throw new RegistryException(RegistryErrorKind.Unreachable,
                        $"The registry {request.Target.Registry} answered {(int)status} to {request.Method} {Describe(uri)} after {retries.Attempts} attempt(s).")
                    {
                        Registry = request.Target.Registry,
                        Repository = request.Target.Repository,
                        StatusCode = status,
                        Attempts = retries.Attempts,
                    };
                }

                continue;
            }

            if (request.FollowRedirects && IsRedirect(response.StatusCode) && response.Headers.Location is not null)
            {
                return await FollowRedirectsAsync(request, uri, response, cancellationToken).ConfigureAwait(false);
            }

            return response;
        }
    }

    /// <summary>The scheme decided for a host so far (for tests and diagnostics).</summary>
    public string? SchemeFor(string host) => _schemes.TryGetValue(host, out var scheme) ? scheme : null;

    public void Dispose()
    {
        _secure.Dispose();
        if (_insecure.IsValueCreated)
        {
            _insecure.Value.Dispose();
        }
    }

    private async Task<HttpResponseMessage> SendOnceAsync(RegistryRequest request, Uri uri, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(request.Method, uri);
        message.Headers.UserAgent.ParseAdd(_options.UserAgent);
        foreach (var accept in request.Accept)
        {
            message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
        }

        if (IsSameOrigin(request, uri))
        {
            message.Headers.Authorization = Authenticator.GetCachedHeader(request.Target.RegistryHost, request.Scopes);
        }

        SetRange(message, request);
        message.Content = request.Content?.Invoke();
        var client = uri.Scheme == Uri.UriSchemeHttps && _options.IsInsecure(request.Target.RegistryHost) ? _insecure.Value : _secure;
        return await client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
    }

    private async Task<HttpResponseMessage> FollowRedirectsAsync(RegistryRequest request, Uri from, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        for (var hop = 0; hop < MaxRedirects; hop++)
        {
            var location = new Uri(from, response.Headers.Location!);
            response.Dispose();
            using var message = new HttpRequestMessage(request.Method, location);
            message.Headers.UserAgent.ParseAdd(_options.UserAgent);
            SetRange(message, request);
            // Storage redirects carry their own signature; our credentials stay with the registry.
            if (string.Equals(location.Authority, from.Authority, StringComparison.OrdinalIgnoreCase))
            {
                message.Headers.Authorization = Authenticator.GetCachedHeader(request.Target.RegistryHost, request.Scopes);
            }

            try
            {
                response = await _secure.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsTransient(ex, cancellationToken))
            {
                throw Unreachable(request, location, ex, 1);
            }

            if (!IsRedirect(response.StatusCode) || response.Headers.Location is null)
            {
                return response;
            }

            from = location;
        }

        response.Dispose();
        throw new RegistryException(RegistryErrorKind.Protocol, $"The registry {request.Target.Registry} redirected more than {MaxRedirects} times.")
        {
            Registry = request.Target.Registry,
            Repository = request.Target.Repository,
        };
    }

    private static void SetRange(HttpRequestMessage message, RegistryRequest request)
    {
        if (request.RangeFrom is { } from)
        {
            message.Headers.Range = new RangeHeaderValue(from, null);
        }
    }

    private Uri BuildUri(RegistryRequest request)
    {
        if (request.AbsoluteUri is not null)
        {
            return request.AbsoluteUri;
        }

        var scheme = _schemes.TryGetValue(request.Target.RegistryHost, out var known) ? known : Uri.UriSchemeHttps;
        return new Uri($"{scheme}://{request.Target.RegistryHost}{request.PathAndQuery}");
    }

    /// <summary>The scheme and host a request's path is relative to (upload locations may be relative).</summary>
    public Uri BaseUri(ImageReference target)
    {
        var scheme = _schemes.TryGetValue(target.RegistryHost, out var known) ? known : Uri.UriSchemeHttps;
        return new Uri($"{scheme}://{target.RegistryHost}/");
    }

    private bool CanFallBackToHttp(RegistryRequest request, Uri uri) =>
        request.AbsoluteUri is null &&
        uri.Scheme == Uri.UriSchemeHttps &&
        !_schemes.ContainsKey(request.Target.RegistryHost) &&
        (request.Target.IsLoopback || _options.IsInsecure(request.Target.RegistryHost));

    private static bool IsSameOrigin(RegistryRequest request, Uri uri) =>
        string.Equals(uri.Authority, request.Target.RegistryHost, StringComparison.OrdinalIgnoreCase) ||
        (uri.IsDefaultPort && string.Equals(uri.Host, request.Target.RegistryHost, StringComparison.OrdinalIgnoreCase));

    private static bool IsTlsFailure(HttpRequestException exception)
    {
#if NET8_0_OR_GREATER
        if (exception.HttpRequestError == HttpRequestError.SecureConnectionError)
        {
            return true;
        }
#endif
        for (Exception? inner = exception; inner is not null; inner = inner.InnerException)
        {
            if (inner is AuthenticationException)
            {
                return true;
            }
        }

        return false;
    }

    public static bool IsTransient(Exception exception, CancellationToken cancellationToken) =>
        exception switch
        {
            HttpRequestException => true,
            IOException => true,
            // HttpClient reports its own timeout as a cancellation the caller did not ask for.
            TaskCanceledException => !cancellationToken.IsCancellationRequested,
            _ => false,
        };

    private static bool IsRetryableStatus(HttpStatusCode status) =>
        status is HttpStatusCode.TooManyRequests or HttpStatusCode.InternalServerError or HttpStatusCode.BadGateway
            or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout;

    private static bool IsRedirect(HttpStatusCode status) =>
        status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found or HttpStatusCode.SeeOther
            or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    public static RegistryException Unreachable(RegistryRequest request, Uri uri, Exception cause, int attempts)
    {
        var reason = cause is TaskCanceledException ? "the request timed out" : DescribeCause(cause);
        return new RegistryException(RegistryErrorKind.Unreachable,
            $"The registry {request.Target.Registry} could not be reached ({request.Method} {Describe(uri)}, {attempts} attempt(s)): {reason}", cause)
        {
            Registry = request.Target.Registry,
            Repository = request.Target.Repository,
            Attempts = attempts,
        };
    }

    private static string DescribeCause(Exception exception)
    {
        var innermost = exception;
        while (innermost.InnerException is not null)
        {
            innermost = innermost.InnerException;
        }

        // The socket's reason is often already in the outer message ("Connection refused (host:port)"): say it once.
        return innermost == exception || exception.Message.Contains(innermost.Message, StringComparison.OrdinalIgnoreCase)
            ? exception.Message
            : $"{exception.Message} ({innermost.Message})";
    }

    /// <summary>A URL for messages: query strings are dropped because upload state and signatures live there.</summary>
    public static string Describe(Uri uri) => uri.GetLeftPart(UriPartial.Path);

    /// <summary>The first receive window of an HTTP/2 stream: a skill's layer (1 MB is typical) in one window.</summary>
    private const int Http2StreamWindow = 8 * 1024 * 1024;

    private HttpClient CreateClient(bool verifyCertificates)
    {
        HttpMessageHandler handler;
        if (_options.HandlerFactory is not null)
        {
            handler = _options.HandlerFactory();
        }
        else
        {
            var sockets = new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                UseCookies = false,
                AutomaticDecompression = DecompressionMethods.None,
                ConnectTimeout = _options.ConnectTimeout,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                // Over HTTP/2 every skill in flight shares one connection; with .NET's 64 KiB first
                // window each blob stream starts a round trip per 64 KiB, and a cold restore of 20 x 1 MB
                // through a 50 ms round trip was 0.23-0.49 s slower than over HTTP/1.1. With 8 MiB
                // a skill's layer arrives without waiting on the window (docs/performance.md).
                InitialHttp2StreamWindowSize = Http2StreamWindow,
            };
            if (!verifyCertificates)
            {
                // Only for hosts the user listed as insecure, as Docker does for insecure-registries.
#pragma warning disable CA5359
                sockets.SslOptions.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
#pragma warning restore CA5359
            }
            else if (_options.AdditionalTrustedCertificates is { Count: > 0 } roots)
            {
                sockets.SslOptions.RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
                    ValidateWithAdditionalRoots(certificate, chain, errors, roots);
            }

            handler = sockets;
        }

        return new HttpClient(new PreferHttp2(handler), disposeHandler: true) { Timeout = _options.RequestTimeout };
    }

    /// <summary>
    /// Asks for HTTP/2 on every request (registry, token service, storage redirect), falling back to
    /// HTTP/1.1 where TLS does not negotiate it (ALPN) and on plain HTTP. The requests of a restore to
    /// one host then share one connection: one TCP and TLS handshake instead of one per request in
    /// flight. A request's own version is 1.1 unless set, whatever the client's default.
    /// </summary>
    private sealed class PreferHttp2(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Version = HttpVersion.Version20;
            request.VersionPolicy = HttpVersionPolicy.RequestVersionOrLower;
            return base.SendAsync(request, cancellationToken);
        }
    }

    private static bool ValidateWithAdditionalRoots(X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors, X509Certificate2Collection roots)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        // Only an untrusted chain may be rescued by our roots; a name mismatch never is.
        if (errors != SslPolicyErrors.RemoteCertificateChainErrors || certificate is null)
        {
            return false;
        }

        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        custom.ChainPolicy.CustomTrustStore.AddRange(roots);
        if (chain is not null)
        {
            foreach (var element in chain.ChainElements)
            {
                custom.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        using var leaf = new X509Certificate2(certificate);
        return custom.Build(leaf);
    }
}
