using System.Net;
using System.Security.Authentication;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Registry;

namespace Skills.Oci.Build.Tests.Oci.Registry;

/// <summary>
/// A plain-HTTP registry on loopback is found by trying HTTPS first. Many requests starting at once
/// (a concurrent restore) must make that TLS attempt once, not once each: the others used to see
/// their TLS failure as transient and back off.
/// </summary>
public sealed class SchemeProbeTests
{
    [Fact]
    public async Task Concurrent_first_requests_to_a_plain_http_loopback_registry_try_tls_once()
    {
        var handler = new PlainHttpOnly();
        using var client = new RegistryClient(new RegistryClientOptions
        {
            HandlerFactory = () => handler,
            // A back-off would stall this test for minutes, so it could not pass by retrying.
            RetryBaseDelay = TimeSpan.FromMinutes(5),
            Environment = _ => null,
        });
        var repository = ImageReference.Parse("127.0.0.1:5999/probe/skill");

        var found = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            client.BlobExistsAsync(repository, Digest.ComputeSha256([(byte)i]))));

        Assert.All(found, Assert.True);
        Assert.Equal(1, handler.TlsAttempts);
        Assert.Equal(8, handler.PlainRequests);
    }

    /// <summary>Answers plain HTTP with 200; an HTTPS request fails its handshake as against a plain-HTTP port.</summary>
    private sealed class PlainHttpOnly : HttpMessageHandler
    {
        private int _tls;
        private int _plain;

        public int TlsAttempts => _tls;

        public int PlainRequests => _plain;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            // Long enough that every concurrent request has started before the first answer.
            await Task.Delay(50, cancellationToken);
            if (request.RequestUri!.Scheme == Uri.UriSchemeHttps)
            {
                Interlocked.Increment(ref _tls);
                throw new HttpRequestException("The SSL connection could not be established.", new AuthenticationException("Cannot determine the frame size or a corrupted frame was received."));
            }

            Interlocked.Increment(ref _plain);
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent([]) };
        }
    }
}
