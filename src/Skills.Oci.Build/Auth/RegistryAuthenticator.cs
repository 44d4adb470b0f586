using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Skills.Oci.Build.Oci;

namespace Skills.Oci.Build.Auth;

/// <summary>
/// Answers registry challenges: Basic with credentials, Bearer by asking the realm for a token
/// (with Basic credentials, an OAuth2 form, a refresh token, or anonymously). Tokens are cached per
/// registry and scope set until shortly before they expire; credentials are looked up once per
/// registry and operation. Secrets stay in memory and in Authorization headers only.
/// </summary>
internal sealed class RegistryAuthenticator
{
    private static readonly TimeSpan DefaultTokenLifetime = TimeSpan.FromSeconds(60);
    private readonly ICredentialProvider _credentials;
    private readonly HttpClient _http;
    private readonly string _userAgent;
    private readonly Func<string, bool> _isInsecureHost;
    private readonly ConcurrentDictionary<string, CachedHeader> _headers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Task<RegistryCredential?>> _credentialLookups = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<Task<CachedHeader>>> _pendingTokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, AuthChallenge> _bearerChallenges = new(StringComparer.Ordinal);

    public RegistryAuthenticator(ICredentialProvider credentials, HttpClient http, string userAgent, Func<string, bool> isInsecureHost)
    {
        _credentials = credentials;
        _http = http;
        _userAgent = userAgent;
        _isInsecureHost = isInsecureHost;
    }

    /// <summary>A cached Authorization header for these scopes, if one is still valid.</summary>
    public AuthenticationHeaderValue? GetCachedHeader(string host, IReadOnlyList<string> scopes)
    {
        if (_headers.TryGetValue(BasicKey(host), out var basic))
        {
            return basic.Header;
        }

        return _headers.TryGetValue(BearerKey(host, scopes), out var bearer) && bearer.ExpiresAt > DateTimeOffset.UtcNow
            ? bearer.Header
            : null;
    }

    /// <summary>
    /// Obtains authorization after a 401 and caches it. Throws a typed exception when the registry
    /// cannot be satisfied (no credentials, rejected credentials, token endpoint refusal).
    /// </summary>
    public async Task AuthenticateAsync(
        ImageReference target,
        HttpResponseMessage challengeResponse,
        IReadOnlyList<string> wantedScopes,
        RegistryOperation operation,
        bool retryingAfterFreshAuth,
        CancellationToken cancellationToken)
    {
        var host = target.RegistryHost;
        var challenges = AuthChallenge.ParseAll(string.Join(", ", challengeResponse.Headers.WwwAuthenticate.Select(h => h.ToString())));
        var credential = await GetCredentialAsync(target.Registry, operation, cancellationToken).ConfigureAwait(false);
        var bearer = challenges.FirstOrDefault(c => c.IsBearer);
        var basic = challenges.FirstOrDefault(c => c.IsBasic);

        if (retryingAfterFreshAuth)
        {
            // We already answered a challenge for this request and the registry still refuses.
            var insufficientScope = bearer?.Error == "insufficient_scope";
            throw Refused(target, credential, insufficientScope && credential is not null ? RegistryErrorKind.Denied : RegistryErrorKind.Unauthorized,
                insufficientScope ? "the token does not grant the access needed" : "the registry did not accept the authorization");
        }

        if (bearer is not null)
        {
            _bearerChallenges[host] = bearer;
            var scopes = bearer.Scopes.Union(wantedScopes, StringComparer.Ordinal).OrderBy(s => s, StringComparer.Ordinal).ToList();
            var token = await SharedTokenAsync(target, bearer, scopes, credential, cancellationToken).ConfigureAwait(false);
            _headers[BearerKey(host, wantedScopes)] = token;
            if (!scopes.SequenceEqual(wantedScopes.OrderBy(s => s, StringComparer.Ordinal)))
            {
                _headers[BearerKey(host, scopes)] = token;
            }

            return;
        }

        if (basic is not null)
        {
            if (credential is null || !credential.HasPassword)
            {
                throw Refused(target, credential, RegistryErrorKind.Unauthorized, "the registry requires a user name and password");
            }

            var value = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{credential.Username}:{credential.Password}"));
            _headers[BasicKey(host)] = new CachedHeader(new AuthenticationHeaderValue("Basic", value), DateTimeOffset.MaxValue);
            return;
        }

        throw new RegistryException(RegistryErrorKind.Unauthorized,
            $"The registry {target.Registry} asked for authentication (401) for {target.Repository} with no challenge this client understands (Basic or Bearer).")
        {
            Registry = target.Registry,
            Repository = target.Repository,
            StatusCode = HttpStatusCode.Unauthorized,
        };
    }

    /// <summary>
    /// Before the first request for new scopes on a host whose token service is already known: asks for
    /// the token now, sparing the 401 round trip every new repository would otherwise cost. A failure is
    /// left to the request itself, which meets the challenge and reports it.
    /// </summary>
    public async Task AuthenticateAheadAsync(ImageReference target, IReadOnlyList<string> scopes, RegistryOperation operation, CancellationToken cancellationToken)
    {
        var host = target.RegistryHost;
        if (scopes.Count == 0 || GetCachedHeader(host, scopes) is not null || !_bearerChallenges.TryGetValue(host, out var challenge))
        {
            return;
        }

        try
        {
            var credential = await GetCredentialAsync(target.Registry, operation, cancellationToken).ConfigureAwait(false);
            _headers[BearerKey(host, scopes)] = await SharedTokenAsync(target, challenge, scopes.OrderBy(s => s, StringComparer.Ordinal).ToList(), credential, cancellationToken).ConfigureAwait(false);
        }
        catch (RegistryException)
        {
        }
    }

    /// <summary>
    /// Requests running at once for one scope share one token request; the shared request is not
    /// cancelled with the first caller (the HTTP timeout bounds it).
    /// </summary>
    private async Task<CachedHeader> SharedTokenAsync(ImageReference target, AuthChallenge challenge, IReadOnlyList<string> scopes, RegistryCredential? credential, CancellationToken cancellationToken)
    {
        var key = BearerKey(target.RegistryHost, scopes);
        var pending = _pendingTokens.GetOrAdd(key, _ => new Lazy<Task<CachedHeader>>(() => RequestTokenAsync(target, challenge, scopes, credential, CancellationToken.None)));
        try
        {
            return await pending.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _pendingTokens.TryRemove(KeyValuePair.Create(key, pending));
        }
    }

    /// <summary>Where the credentials for a registry came from, for messages.</summary>
    public async Task<string> DescribeCredentialAsync(ImageReference target, RegistryOperation operation, CancellationToken cancellationToken)
    {
        var credential = await GetCredentialAsync(target.Registry, operation, cancellationToken).ConfigureAwait(false);
        return credential?.Source ?? $"no credentials (looked in {_credentials.DescribeSources(target.Registry)})";
    }

    private Task<RegistryCredential?> GetCredentialAsync(string registry, RegistryOperation operation, CancellationToken cancellationToken) =>
        _credentialLookups.GetOrAdd($"{registry}|{operation}", _ => _credentials.GetAsync(registry, operation, cancellationToken));

    private async Task<CachedHeader> RequestTokenAsync(
        ImageReference target,
        AuthChallenge challenge,
        IReadOnlyList<string> scopes,
        RegistryCredential? credential,
        CancellationToken cancellationToken)
    {
        var realm = ValidateRealm(target, challenge.Realm);
        HttpResponseMessage response;
        if (credential?.IdentityToken is not null)
        {
            response = await PostOAuthAsync(realm, challenge.Service, scopes, credential, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            response = await GetTokenAsync(realm, challenge.Service, scopes, credential, cancellationToken).ConfigureAwait(false);
            if (credential is not null && response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed)
            {
                // Some token services only implement the OAuth2 form.
                response.Dispose();
                response = await PostOAuthAsync(realm, challenge.Service, scopes, credential, cancellationToken).ConfigureAwait(false);
            }
        }

        using (response)
        {
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                throw Refused(target, credential, credential is null ? RegistryErrorKind.Unauthorized : RegistryErrorKind.Unauthorized,
                    credential is null ? "the token service refused anonymous access" : "the token service rejected the credentials");
            }

            if (!response.IsSuccessStatusCode)
            {
                throw new RegistryException(RegistryErrorKind.Protocol,
                    $"The token service of {target.Registry} at {realm.GetLeftPart(UriPartial.Path)} answered {(int)response.StatusCode} {response.ReasonPhrase}.")
                {
                    Registry = target.Registry,
                    Repository = target.Repository,
                    StatusCode = response.StatusCode,
                };
            }

            var body = await HttpContentReader.ReadLimitedAsync(response.Content, 1024 * 1024, cancellationToken).ConfigureAwait(false);
            return ParseToken(target, body);
        }
    }

    private async Task<HttpResponseMessage> GetTokenAsync(Uri realm, string? service, IReadOnlyList<string> scopes, RegistryCredential? credential, CancellationToken cancellationToken)
    {
        var query = new StringBuilder();
        if (service is not null)
        {
            AppendQuery(query, "service", service);
        }

        foreach (var scope in scopes)
        {
            AppendQuery(query, "scope", scope);
        }

        if (credential?.Username is { Length: > 0 } account)
        {
            AppendQuery(query, "account", account);
        }

        var builder = new UriBuilder(realm);
        builder.Query = string.IsNullOrEmpty(builder.Query) ? query.ToString() : builder.Query.TrimStart('?') + "&" + query;
        using var request = new HttpRequestMessage(HttpMethod.Get, builder.Uri);
        request.Headers.UserAgent.ParseAdd(_userAgent);
        if (credential is { HasPassword: true })
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(Encoding.UTF8.GetBytes($"{credential.Username}:{credential.Password}")));
        }

        return await SendTokenRequestAsync(request, cancellationToken).ConfigureAwait(false);
    }

    private async Task<HttpResponseMessage> PostOAuthAsync(Uri realm, string? service, IReadOnlyList<string> scopes, RegistryCredential credential, CancellationToken cancellationToken)
    {
        var form = new List<KeyValuePair<string, string>>
        {
            new("client_id", "skills-oci"),
            new("scope", string.Join(' ', scopes)),
        };
        if (service is not null)
        {
            form.Add(new("service", service));
        }

        if (credential.IdentityToken is not null)
        {
            form.Add(new("grant_type", "refresh_token"));
            form.Add(new("refresh_token", credential.IdentityToken));
        }
        else
        {
            form.Add(new("grant_type", "password"));
            form.Add(new("username", credential.Username ?? string.Empty));
            form.Add(new("password", credential.Password ?? string.Empty));
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, realm) { Content = new FormUrlEncodedContent(form) };
        request.Headers.UserAgent.ParseAdd(_userAgent);
        return await SendTokenRequestAsync(request, cancellationToken).ConfigureAwait(false);
    }

    private async Task<HttpResponseMessage> SendTokenRequestAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new RegistryException(RegistryErrorKind.Unreachable,
                $"The token service at {request.RequestUri!.GetLeftPart(UriPartial.Path)} could not be reached: {ex.Message}", ex);
        }
    }

    private static CachedHeader ParseToken(ImageReference target, byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            var token = root.TryGetProperty("token", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            if (string.IsNullOrEmpty(token) && root.TryGetProperty("access_token", out var a) && a.ValueKind == JsonValueKind.String)
            {
                token = a.GetString();
            }

            if (string.IsNullOrEmpty(token))
            {
                throw new JsonException("no token or access_token");
            }

            var lifetime = root.TryGetProperty("expires_in", out var e) && e.TryGetInt32(out var seconds) && seconds > 0
                ? TimeSpan.FromSeconds(seconds)
                : DefaultTokenLifetime;
            var issued = root.TryGetProperty("issued_at", out var i) && i.ValueKind == JsonValueKind.String &&
                         DateTimeOffset.TryParse(i.GetString(), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var at)
                ? at
                : DateTimeOffset.UtcNow;
            if (issued > DateTimeOffset.UtcNow)
            {
                issued = DateTimeOffset.UtcNow; // a registry clock ahead of ours must not extend the token
            }

            // Renew a little early so a request never carries a token that expires in flight.
            var expires = issued + lifetime - TimeSpan.FromSeconds(Math.Min(10, lifetime.TotalSeconds / 10));
            return new CachedHeader(new AuthenticationHeaderValue("Bearer", token), expires);
        }
        catch (JsonException ex)
        {
            throw new RegistryException(RegistryErrorKind.Protocol,
                $"The token service of {target.Registry} answered without a usable token ({ex.Message}).", ex)
            {
                Registry = target.Registry,
                Repository = target.Repository,
            };
        }
    }

    private Uri ValidateRealm(ImageReference target, string? realm)
    {
        if (!Uri.TryCreate(realm, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            throw new RegistryException(RegistryErrorKind.Protocol,
                $"The registry {target.Registry} sent a Bearer challenge whose realm '{realm}' is not an absolute http(s) URL.")
            {
                Registry = target.Registry,
                Repository = target.Repository,
            };
        }

        // Credentials go to the realm: plain HTTP or a loopback realm is only acceptable when the
        // registry itself is local or explicitly insecure, so a remote registry cannot redirect
        // secrets to a service on the user's machine or over an unencrypted connection.
        var registryIsLocal = target.IsLoopback || _isInsecureHost(target.RegistryHost);
        var realmIsLocal = ImageReference.IsLoopbackHost(uri.Authority);
        if (!registryIsLocal && (uri.Scheme == Uri.UriSchemeHttp || realmIsLocal))
        {
            throw new RegistryException(RegistryErrorKind.Protocol,
                $"The registry {target.Registry} asked for credentials to be sent to '{uri.GetLeftPart(UriPartial.Path)}', which is not allowed for a remote registry (plain HTTP or a loopback address).")
            {
                Registry = target.Registry,
                Repository = target.Repository,
            };
        }

        return uri;
    }

    private RegistryException Refused(ImageReference target, RegistryCredential? credential, RegistryErrorKind kind, string what) =>
        new(kind,
            $"The registry {target.Registry} refused access to {target.Repository}: {what}. " +
            (credential is null
                ? $"No credentials were found (looked in {_credentials.DescribeSources(target.Registry)})."
                : $"Credentials came from {credential.Source}."))
        {
            Registry = target.Registry,
            Repository = target.Repository,
            StatusCode = HttpStatusCode.Unauthorized,
            CredentialSource = credential?.Source ?? "anonymous",
        };

    private static void AppendQuery(StringBuilder query, string name, string value)
    {
        if (query.Length > 0)
        {
            query.Append('&');
        }

        query.Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
    }

    private static string BasicKey(string host) => "basic|" + host;

    private static string BearerKey(string host, IEnumerable<string> scopes) =>
        "bearer|" + host + "|" + string.Join(' ', scopes.OrderBy(s => s, StringComparer.Ordinal));

    private sealed record CachedHeader(AuthenticationHeaderValue Header, DateTimeOffset ExpiresAt);
}
