using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Skills.Oci.Build.Tests.Infrastructure;

/// <summary>Who may get which token from a <see cref="TokenIssuer"/>.</summary>
public sealed record TokenIssuerOptions
{
    public string Service { get; init; } = "test-registry";

    public string Issuer { get; init; } = "test-issuer";

    /// <summary>Known users (name → password); they get every action they ask for.</summary>
    public IReadOnlyDictionary<string, string> Users { get; init; } = new Dictionary<string, string> { ["testuser"] = "testpass" };

    /// <summary>Identity (refresh) tokens accepted by the OAuth2 <c>refresh_token</c> grant, token → user name.</summary>
    public IReadOnlyDictionary<string, string> IdentityTokens { get; init; } = new Dictionary<string, string>();

    /// <summary>Callers without credentials get <c>pull</c> on repositories; otherwise they get a token with no access.</summary>
    public bool AllowAnonymousPull { get; init; } = true;

    /// <summary>Users granted only <c>pull</c>, whatever they ask for (for "denied" cases).</summary>
    public IReadOnlyCollection<string> ReadOnlyUsers { get; init; } = [];

    public TimeSpan TokenLifetime { get; init; } = TimeSpan.FromMinutes(5);
}

/// <summary>One call to the token endpoint, as the issuer understood it.</summary>
/// <param name="Method">GET (Docker token protocol) or POST (OAuth2 form).</param>
/// <param name="GrantType">null for GET; <c>password</c> or <c>refresh_token</c> for POST.</param>
/// <param name="Account">The authenticated user, or null for anonymous callers.</param>
/// <param name="Scopes">Every requested scope, with space-separated scope parameters split apart.</param>
/// <param name="HadAuthorization">Whether an Authorization header was sent.</param>
/// <param name="Status">200, 400 or 401.</param>
public sealed record TokenRequest(string Method, string? GrantType, string? Account, IReadOnlyList<string> Scopes, bool HadAuthorization, string? Service, string? ClientId, int Status);

/// <summary>
/// The token endpoint of Docker/distribution token auth (the registry answers 401 with a Bearer realm
/// pointing here; clients fetch a scoped token), in process: issues
/// ES256 JWTs with an <c>x5c</c> header whose signing certificate the registry trusts via
/// <c>rootcertbundle</c> (<see cref="CertificatePemPath"/>).
/// </summary>
public sealed class TokenIssuer : IAsyncDisposable
{
    private const string TokenPath = "/token";

    private readonly TokenIssuerOptions _options;
    private readonly X509Certificate2 _signer;
    private readonly ECDsa _signingKey;
    private readonly TempFolder _root;
    private readonly ConcurrentQueue<TokenRequest> _requests = new();
    private LoopbackWebServer? _server;

    private TokenIssuer(TokenIssuerOptions options)
    {
        _options = options;
        _root = new TempFolder("token-issuer");
        _signer = SelfSignedCertificates.CreateTokenSigningCertificate();
        _signingKey = _signer.GetECDsaPrivateKey()!;
        CertificatePemPath = _root.Combine("signer.crt");
        SelfSignedCertificates.WritePem(_signer, CertificatePemPath);
    }

    /// <summary>The token endpoint, <c>http://127.0.0.1:PORT/token</c>, for the registry's <c>auth.token.realm</c>.</summary>
    public Uri Realm => new(_server!.BaseUri, TokenPath);

    public string Service => _options.Service;

    public string Issuer => _options.Issuer;

    /// <summary>The signing certificate as PEM, for the registry's <c>auth.token.rootcertbundle</c>.</summary>
    public string CertificatePemPath { get; }

    public IReadOnlyList<TokenRequest> Requests => _requests.ToArray();

    public static async Task<TokenIssuer> StartAsync(TokenIssuerOptions? options = null, CancellationToken cancellationToken = default)
    {
        var issuer = new TokenIssuer(options ?? new TokenIssuerOptions());
        issuer._server = await LoopbackWebServer.StartAsync(issuer.HandleAsync, cancellationToken).ConfigureAwait(false);
        return issuer;
    }

    public void ClearRequests() => _requests.Clear();

    /// <summary>Issues a token directly, e.g. to test expiry or hand-made scopes without an HTTP round trip.</summary>
    public string CreateToken(string? account, IEnumerable<string> scopes, TimeSpan? lifetime = null) =>
        CreateJwt(account ?? string.Empty, Grant(account, scopes), DateTimeOffset.UtcNow, lifetime ?? _options.TokenLifetime);

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync().ConfigureAwait(false);
        }

        _signingKey.Dispose();
        _signer.Dispose();
        _root.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        if (request.Path != TokenPath || !(HttpMethods.IsGet(request.Method) || HttpMethods.IsPost(request.Method)))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        var hadAuthorization = request.Headers.Authorization.Count > 0;
        StringValues scopeValues, service, clientId;
        string? grantType = null;
        string? account;
        bool authenticated;
        var offline = false;
        if (HttpMethods.IsGet(request.Method))
        {
            scopeValues = request.Query["scope"];
            service = request.Query["service"];
            clientId = request.Query["client_id"];
            (authenticated, account) = hadAuthorization ? CheckBasic(request.Headers.Authorization.ToString()) : (true, null);
        }
        else
        {
            var form = await request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
            scopeValues = form["scope"];
            service = form["service"];
            clientId = form["client_id"];
            grantType = form["grant_type"].ToString();
            offline = form["access_type"] == "offline";
            (authenticated, account) = grantType switch
            {
                "password" => CheckPassword(form["username"].ToString(), form["password"].ToString()),
                "refresh_token" => _options.IdentityTokens.TryGetValue(form["refresh_token"].ToString(), out var user) ? (true, user) : (false, null),
                _ => (false, null),
            };
        }

        var scopes = scopeValues.SelectMany(value => (value ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToArray();
        var unsupportedGrant = grantType is not null and not "password" and not "refresh_token";
        var status = unsupportedGrant ? StatusCodes.Status400BadRequest : authenticated ? StatusCodes.Status200OK : StatusCodes.Status401Unauthorized;
        _requests.Enqueue(new TokenRequest(request.Method, grantType, account, scopes, hadAuthorization, service.ToString(), clientId.ToString(), status));

        context.Response.StatusCode = status;
        if (status != StatusCodes.Status200OK)
        {
            context.Response.ContentType = "application/json";
            var error = unsupportedGrant ? "unsupported_grant_type" : "invalid_grant";
            await context.Response.WriteAsync($$"""{"error":"{{error}}","details":"injected by the test token issuer"}""", context.RequestAborted).ConfigureAwait(false);
            return;
        }

        var now = DateTimeOffset.UtcNow;
        var token = CreateJwt(account ?? string.Empty, Grant(account, scopes), now, _options.TokenLifetime);
        var body = new JsonObject
        {
            ["token"] = token,
            ["access_token"] = token,
            ["expires_in"] = (int)_options.TokenLifetime.TotalSeconds,
            ["issued_at"] = now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        };
        if (offline && account is not null && _options.IdentityTokens.FirstOrDefault(pair => pair.Value == account).Key is { } refreshToken)
        {
            body["refresh_token"] = refreshToken;
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body.ToJsonString(), context.RequestAborted).ConfigureAwait(false);
    }

    private (bool Authenticated, string? Account) CheckBasic(string header)
    {
        if (!AuthenticationHeaderValue.TryParse(header, out var value) || !string.Equals(value.Scheme, "Basic", StringComparison.OrdinalIgnoreCase) || value.Parameter is null)
        {
            return (false, null);
        }

        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(value.Parameter));
        }
        catch (FormatException)
        {
            return (false, null);
        }

        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? (false, null) : CheckPassword(decoded[..colon], decoded[(colon + 1)..]);
    }

    private (bool Authenticated, string? Account) CheckPassword(string user, string password) =>
        _options.Users.TryGetValue(user, out var expected) && expected == password ? (true, user) : (false, null);

    /// <summary>Known users get what they ask for; anonymous callers at most <c>pull</c> on repositories.</summary>
    private JsonArray Grant(string? account, IEnumerable<string> scopes)
    {
        var access = new JsonArray();
        foreach (var scope in scopes)
        {
            var firstColon = scope.IndexOf(':', StringComparison.Ordinal);
            var lastColon = scope.LastIndexOf(':');
            if (firstColon < 0 || lastColon == firstColon)
            {
                continue;
            }

            var type = scope[..firstColon];
            var name = scope[(firstColon + 1)..lastColon];
            var requested = scope[(lastColon + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries);
            var granted = account is not null
                ? _options.ReadOnlyUsers.Contains(account) ? requested.Where(action => action == "pull").ToArray() : requested
                : _options.AllowAnonymousPull && type == "repository" ? requested.Where(action => action == "pull").ToArray() : [];
            access.Add(new JsonObject
            {
                ["type"] = type,
                ["name"] = name,
                ["actions"] = new JsonArray(granted.Select(action => (JsonNode)action).ToArray()),
            });
        }

        return access;
    }

    private string CreateJwt(string subject, JsonArray access, DateTimeOffset now, TimeSpan lifetime)
    {
        var header = new JsonObject
        {
            ["typ"] = "JWT",
            ["alg"] = "ES256",
            ["x5c"] = new JsonArray(Convert.ToBase64String(_signer.RawData)),
        };
        var claims = new JsonObject
        {
            ["iss"] = _options.Issuer,
            ["sub"] = subject,
            ["aud"] = _options.Service,
            ["exp"] = now.Add(lifetime).ToUnixTimeSeconds(),
            // A little in the past: the registry rejects tokens "not yet valid" under clock skew.
            ["nbf"] = now.AddSeconds(-10).ToUnixTimeSeconds(),
            ["iat"] = now.ToUnixTimeSeconds(),
            ["jti"] = Convert.ToHexString(RandomNumberGenerator.GetBytes(16)),
            ["access"] = access,
        };
        var signingInput = Base64Url(Encoding.UTF8.GetBytes(header.ToJsonString())) + "." + Base64Url(Encoding.UTF8.GetBytes(claims.ToJsonString()));
        // .NET's default ECDSA signature format is IEEE P1363 (r‖s), which JWS requires.
        var signature = _signingKey.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256);
        return signingInput + "." + Base64Url(signature);
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
