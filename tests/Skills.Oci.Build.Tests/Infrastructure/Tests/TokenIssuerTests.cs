using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Skills.Oci.Build.Tests.Infrastructure.Tests;

public sealed class TokenIssuerTests : IDisposable
{
    private readonly CancellationTokenSource _hangGuard = new(TimeSpan.FromSeconds(60));

    private CancellationToken Timeout => _hangGuard.Token;

    public void Dispose() => _hangGuard.Dispose();

    [Fact]
    public async Task User_token_from_basic_auth_lets_a_blob_be_pushed_with_bearer_auth()
    {
        await using var issuer = await TokenIssuer.StartAsync(cancellationToken: Timeout);
        await using var registry = await RegistryProcess.StartAsync(new RegistryOptions { TokenAuth = issuer }, Timeout);
        using var client = registry.CreateHttpClient();

        using var challenge = await client.PostAsync("/v2/skills/token/blobs/uploads/", null, Timeout);
        var token = await GetTokenAsync(issuer, "repository:skills/token:pull,push", Basic("testuser", "testpass"));
        using var pushed = await RegistryBlobs.PushAsync(client, "skills/token", "hello"u8.ToArray(), new AuthenticationHeaderValue("Bearer", token), Timeout);

        Assert.Equal(HttpStatusCode.Unauthorized, challenge.StatusCode);
        var bearer = challenge.Headers.WwwAuthenticate.Single();
        Assert.Equal("Bearer", bearer.Scheme);
        Assert.Contains($"realm=\"{issuer.Realm}\"", bearer.Parameter, StringComparison.Ordinal);
        // distribution builds the action list from a Go map: either order is the same scope.
        Assert.Matches("scope=\"repository:skills/token:(pull,push|push,pull)\"", bearer.Parameter);
        Assert.Equal(HttpStatusCode.Created, pushed.StatusCode);
        var recorded = Assert.Single(issuer.Requests);
        Assert.Equal("testuser", recorded.Account);
        Assert.True(recorded.HadAuthorization);
        Assert.Equal(["repository:skills/token:pull,push"], recorded.Scopes);
        Assert.Equal("test-registry", recorded.Service);
    }

    [Fact]
    public async Task Anonymous_token_can_pull_but_push_answers_insufficient_scope()
    {
        await using var issuer = await TokenIssuer.StartAsync(cancellationToken: Timeout);
        await using var registry = await RegistryProcess.StartAsync(new RegistryOptions { TokenAuth = issuer }, Timeout);
        using var client = registry.CreateHttpClient();
        var userToken = new AuthenticationHeaderValue("Bearer", await GetTokenAsync(issuer, "repository:skills/anon:pull,push", Basic("testuser", "testpass")));
        using (var seeded = await RegistryBlobs.PushAsync(client, "skills/anon", "seed"u8.ToArray(), userToken, Timeout))
        {
            Assert.Equal(HttpStatusCode.Created, seeded.StatusCode);
        }

        var anonymousToken = new AuthenticationHeaderValue("Bearer", await GetTokenAsync(issuer, "repository:skills/anon:pull,push", authorization: null));
        using var pull = new HttpRequestMessage(HttpMethod.Get, "/v2/skills/anon/tags/list") { Headers = { Authorization = anonymousToken } };
        using var pulled = await client.SendAsync(pull, Timeout);
        using var pushed = await RegistryBlobs.PushAsync(client, "skills/anon", "nope"u8.ToArray(), anonymousToken, Timeout);

        // The repository has blobs but no tags: 404 NAME_UNKNOWN proves the token was accepted for pull.
        Assert.NotEqual(HttpStatusCode.Unauthorized, pulled.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, pushed.StatusCode);
        Assert.Contains("error=\"insufficient_scope\"", pushed.Headers.WwwAuthenticate.Single().Parameter, StringComparison.Ordinal);
        var anonymous = issuer.Requests[^1];
        Assert.Null(anonymous.Account);
        Assert.False(anonymous.HadAuthorization);
    }

    [Fact]
    public async Task Bad_credentials_get_401()
    {
        await using var issuer = await TokenIssuer.StartAsync(cancellationToken: Timeout);
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{issuer.Realm}?service={issuer.Service}&scope=repository:x:pull") { Headers = { Authorization = Basic("testuser", "wrong") } };

        using var response = await client.SendAsync(request, Timeout);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(401, Assert.Single(issuer.Requests).Status);
    }

    [Fact]
    public async Task OAuth2_password_and_refresh_token_grants_issue_tokens_the_registry_accepts()
    {
        await using var issuer = await TokenIssuer.StartAsync(new TokenIssuerOptions { IdentityTokens = new Dictionary<string, string> { ["identity-123"] = "testuser" } }, Timeout);
        await using var registry = await RegistryProcess.StartAsync(new RegistryOptions { TokenAuth = issuer }, Timeout);
        using var client = registry.CreateHttpClient();
        using var tokenClient = new HttpClient();

        foreach (var grant in new Dictionary<string, string>[]
        {
            new() { ["grant_type"] = "password", ["username"] = "testuser", ["password"] = "testpass" },
            new() { ["grant_type"] = "refresh_token", ["refresh_token"] = "identity-123" },
        })
        {
            grant["service"] = issuer.Service;
            grant["scope"] = "repository:skills/oauth:pull,push";
            grant["client_id"] = "skills-oci-tests";
            using var response = await tokenClient.PostAsync(issuer.Realm, new FormUrlEncodedContent(grant), Timeout);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Timeout));
            var token = json.RootElement.GetProperty("access_token").GetString();

            using var pushed = await RegistryBlobs.PushAsync(client, "skills/oauth", Encoding.UTF8.GetBytes(grant["grant_type"]), new AuthenticationHeaderValue("Bearer", token), Timeout);
            Assert.Equal(HttpStatusCode.Created, pushed.StatusCode);
        }

        Assert.Equal(["password", "refresh_token"], issuer.Requests.Select(r => r.GrantType));
        Assert.All(issuer.Requests, r => Assert.Equal("testuser", r.Account));
        Assert.All(issuer.Requests, r => Assert.Equal("skills-oci-tests", r.ClientId));
    }

    [Fact]
    public async Task Space_separated_scopes_are_split_and_recorded()
    {
        await using var issuer = await TokenIssuer.StartAsync(cancellationToken: Timeout);

        await GetTokenAsync(issuer, "repository:skills/y:pull,push repository:skills/x:pull", Basic("testuser", "testpass"));

        Assert.Equal(["repository:skills/y:pull,push", "repository:skills/x:pull"], Assert.Single(issuer.Requests).Scopes);
    }

    private async Task<string> GetTokenAsync(TokenIssuer issuer, string scope, AuthenticationHeaderValue? authorization)
    {
        using var client = new HttpClient();
        var account = authorization is null ? string.Empty : "&account=testuser";
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{issuer.Realm}?service={issuer.Service}&scope={Uri.EscapeDataString(scope)}{account}");
        request.Headers.Authorization = authorization;
        using var response = await client.SendAsync(request, Timeout);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Timeout));
        Assert.Equal(json.RootElement.GetProperty("token").GetString(), json.RootElement.GetProperty("access_token").GetString());
        return json.RootElement.GetProperty("token").GetString()!;
    }

    private static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
}
