using System.Net;
using Skills.Oci.Build.Oci;

namespace Skills.Oci.Build.Tests.Infrastructure.Tests;

[Collection("Registry")]
public sealed class FaultProxyTests : IAsyncLifetime, IDisposable
{
    private readonly RegistryFixture _registry;
    private readonly CancellationTokenSource _hangGuard = new(TimeSpan.FromSeconds(60));
    private FaultProxy _proxy = null!;
    private HttpClient _client = null!;

    public FaultProxyTests(RegistryFixture registry) => _registry = registry;

    private CancellationToken Timeout => _hangGuard.Token;

    public async Task InitializeAsync()
    {
        _proxy = await FaultProxy.StartAsync(_registry.Registry.BaseUri, Timeout);
        _client = new HttpClient { BaseAddress = _proxy.BaseUri };
    }

    public async Task DisposeAsync() => await _proxy.DisposeAsync();

    public void Dispose()
    {
        _client.Dispose();
        _hangGuard.Dispose();
    }

    [Fact]
    public async Task Monolithic_upload_flows_through_the_proxy_because_Location_is_rewritten()
    {
        var content = "proxied upload"u8.ToArray();

        using var pushed = await RegistryBlobs.PushAsync(_client, "skills/proxied", content, cancellationToken: Timeout);
        var blob = await _client.GetByteArrayAsync($"/v2/skills/proxied/blobs/{Digest.ComputeSha256(content)}", Timeout);

        Assert.Equal(HttpStatusCode.Created, pushed.StatusCode);
        Assert.Equal(_proxy.Port, pushed.Headers.Location!.Port);
        Assert.Equal(content, blob);
        Assert.Equal(["POST", "PUT", "GET"], _proxy.Requests.Select(r => r.Method));
        Assert.Equal(3, _proxy.ForwardedCount);
    }

    [Fact]
    public async Task Corrupted_blob_body_keeps_its_length_but_not_its_digest()
    {
        var content = "bytes that will be corrupted on the way back"u8.ToArray();
        var digest = Digest.ComputeSha256(content);
        using (var pushed = await RegistryBlobs.PushAsync(_client, "skills/corrupt", content, cancellationToken: Timeout))
        {
            Assert.Equal(HttpStatusCode.Created, pushed.StatusCode);
        }

        var rule = _proxy.CorruptResponseBody("GET", "/blobs/sha256:");
        using var corrupted = await _client.GetAsync($"/v2/skills/corrupt/blobs/{digest}", Timeout);
        var corruptedBytes = await corrupted.Content.ReadAsByteArrayAsync(Timeout);
        var intact = await _client.GetByteArrayAsync($"/v2/skills/corrupt/blobs/{digest}", Timeout);

        Assert.Equal(content.Length, corrupted.Content.Headers.ContentLength);
        Assert.Equal(content.Length, corruptedBytes.Length);
        Assert.NotEqual(digest, Digest.ComputeSha256(corruptedBytes));
        Assert.Equal(content, intact);
        Assert.Equal(1, rule.Applied);
        Assert.True(rule.IsExhausted);
    }

    [Fact]
    public async Task Injected_503_carries_Retry_After_and_is_not_forwarded()
    {
        var rule = _proxy.RespondWithStatus("GET", "^/v2/$", 503, times: 2, retryAfter: TimeSpan.FromSeconds(1));

        using var first = await _client.GetAsync("/v2/", Timeout);
        using var second = await _client.GetAsync("/v2/", Timeout);
        using var third = await _client.GetAsync("/v2/", Timeout);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, first.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(1), first.Headers.RetryAfter?.Delta);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, second.StatusCode);
        Assert.Equal(HttpStatusCode.OK, third.StatusCode);
        Assert.Equal(2, rule.Applied);
        Assert.Equal(1, _proxy.ForwardedCount);
    }

    [Fact]
    public async Task Dropped_connection_fails_the_request_without_a_response()
    {
        _proxy.DropConnection(null, "/tags/list$");

        var dropped = await Assert.ThrowsAsync<HttpRequestException>(() => _client.GetAsync("/v2/skills/dropped/tags/list", Timeout));
        using var next = await _client.GetAsync("/v2/skills/dropped/tags/list", Timeout);

        // Kestrel resets the connection: the client sees a socket-level error, not an HTTP status.
        Assert.IsType<IOException>(dropped.InnerException);
        Assert.Equal(HttpStatusCode.NotFound, next.StatusCode);
        Assert.Equal([0, 404], _proxy.Requests.Select(r => r.Status));
    }
}
