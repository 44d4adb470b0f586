using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Skills.Oci.Build.Tests.Infrastructure.Tests;

public sealed class RegistryProcessTests : IDisposable
{
    private readonly CancellationTokenSource _hangGuard = new(TimeSpan.FromSeconds(60));

    private CancellationToken Timeout => _hangGuard.Token;

    public void Dispose() => _hangGuard.Dispose();

    [Fact]
    public async Task Plain_registry_answers_v2_with_200()
    {
        await using var registry = await RegistryProcess.StartAsync(cancellationToken: Timeout);
        using var client = registry.CreateHttpClient();

        using var response = await client.GetAsync("/v2/", Timeout);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("http", registry.BaseUri.Scheme);
        Assert.Equal($"127.0.0.1:{registry.Port}", registry.HostPort);
    }

    [Fact]
    public async Task Access_log_records_requests_with_method_path_status_and_user_agent()
    {
        await using var registry = await RegistryProcess.StartAsync(new RegistryOptions { AccessLog = true }, Timeout);
        using var client = registry.CreateHttpClient();
        client.DefaultRequestHeaders.UserAgent.ParseAdd("harness-test/1.0");

        using (await client.GetAsync("/v2/skills/missing/tags/list", Timeout))
        {
        }

        var requests = await registry.WaitForRequestsAsync(Timeout);

        var request = Assert.Single(requests);
        Assert.Equal("GET", request.Method);
        Assert.Equal("/v2/skills/missing/tags/list", request.PathAndQuery);
        Assert.Equal(404, request.Status);
        Assert.Equal("harness-test/1.0", request.UserAgent);

        registry.ClearRequests();
        Assert.Empty(await registry.WaitForRequestsAsync(Timeout));
    }

    [Fact]
    public async Task Basic_auth_registry_answers_401_without_credentials_and_200_with_them()
    {
        await using var registry = await RegistryProcess.StartAsync(new RegistryOptions { BasicAuth = BasicAuthUser.Default }, Timeout);
        using var client = registry.CreateHttpClient();

        using var anonymous = await client.GetAsync("/v2/", Timeout);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v2/");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("testuser:testpass")));
        using var authenticated = await client.SendAsync(request, Timeout);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("Basic", anonymous.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal(HttpStatusCode.OK, authenticated.StatusCode);
    }

    [Fact]
    public async Task Tls_registry_answers_over_https_when_the_client_trusts_its_certificate()
    {
        await using var registry = await RegistryProcess.StartAsync(new RegistryOptions { Tls = true }, Timeout);
        using var trusting = registry.CreateHttpClient();
        using var untrusting = new HttpClient { BaseAddress = registry.BaseUri };

        using var response = await trusting.GetAsync("/v2/", Timeout);
        var untrusted = await Assert.ThrowsAsync<HttpRequestException>(() => untrusting.GetAsync("/v2/", Timeout));

        Assert.Equal("https", registry.BaseUri.Scheme);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpRequestError.SecureConnectionError, untrusted.HttpRequestError);
        Assert.True(File.Exists(registry.TlsCertificatePath));
    }

    [Fact]
    public async Task Stopped_registry_refuses_connections_and_serves_the_same_content_after_starting_again()
    {
        await using var registry = await RegistryProcess.StartAsync(cancellationToken: Timeout);
        using (var client = registry.CreateHttpClient())
        {
            await RegistryBlobs.PushSmallArtifactAsync(client, "skills/restart", "1.0.0", Timeout);
        }

        await registry.StopAsync();
        using (var client = registry.CreateHttpClient())
        {
            var refused = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync("/v2/", Timeout));
            Assert.Equal(HttpRequestError.ConnectionError, refused.HttpRequestError);
        }

        await registry.StartAgainAsync(Timeout);
        using (var client = registry.CreateHttpClient())
        {
            using var tags = await client.GetAsync("/v2/skills/restart/tags/list", Timeout);
            using var json = JsonDocument.Parse(await tags.Content.ReadAsStringAsync(Timeout));
            Assert.Equal("1.0.0", json.RootElement.GetProperty("tags")[0].GetString());
        }
    }

    [Fact]
    public async Task Registry_started_again_moves_to_a_new_port_when_its_old_port_is_taken()
    {
        await using var registry = await RegistryProcess.StartAsync(cancellationToken: Timeout);
        var oldPort = registry.Port;
        await registry.StopAsync();
        using var squatter = new System.Net.Sockets.TcpListener(IPAddress.Loopback, oldPort);
        squatter.Start();

        await registry.StartAgainAsync(Timeout);
        using var client = registry.CreateHttpClient();
        using var response = await client.GetAsync("/v2/", Timeout);

        Assert.NotEqual(oldPort, registry.Port);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Registry_that_cannot_start_fails_with_its_stderr_in_the_message()
    {
        await using var issuer = await TokenIssuer.StartAsync(cancellationToken: Timeout);
        File.Delete(issuer.CertificatePemPath);

        var failure = await Assert.ThrowsAsync<RegistryStartException>(() => RegistryProcess.StartAsync(new RegistryOptions { TokenAuth = issuer }, Timeout));

        Assert.Contains("exited during start-up", failure.Message, StringComparison.Ordinal);
        Assert.Contains("unable to open token auth root certificate bundle", failure.Message, StringComparison.Ordinal);
    }
}
