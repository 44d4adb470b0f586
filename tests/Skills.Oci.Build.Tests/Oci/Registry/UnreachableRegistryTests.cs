using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Registry;

namespace Skills.Oci.Build.Tests.Oci.Registry;

/// <summary>A registry on this machine that is not running: refused connections fail fast and say so once.</summary>
public sealed class UnreachableRegistryTests
{
    // Production retry settings: the point is how long a refused loopback connection takes with them.
    private static RegistryClient ProductionClient() => new(new RegistryClientOptions { Environment = _ => null });

    [Fact]
    public async Task A_loopback_registry_that_refuses_connections_fails_after_at_most_one_quick_retry()
    {
        using var client = ProductionClient();
        var repository = ImageReference.Parse($"127.0.0.1:{FreePort()}/nobody/home:1.0.0");
        var clock = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<RegistryException>(() => client.FetchManifestAsync(repository));

        Assert.Equal(RegistryErrorKind.Unreachable, error.Kind);
        Assert.InRange(error.Attempts ?? 0, 1, 2);
        // Loose on purpose: five attempts with back-off took about 17 s.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task A_blob_push_to_a_refusing_loopback_registry_is_not_retried_with_back_off()
    {
        using var client = ProductionClient();
        var repository = ImageReference.Parse($"127.0.0.1:{FreePort()}/nobody/home");
        var blob = "hello"u8.ToArray();
        var descriptor = new Descriptor { MediaType = "application/octet-stream", Digest = Digest.ComputeSha256(blob), Size = blob.Length };
        var clock = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<RegistryException>(() => client.PushBlobAsync(repository, descriptor, blob));

        Assert.Equal(RegistryErrorKind.Unreachable, error.Kind);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task The_unreachable_diagnostic_names_the_refusal_once()
    {
        using var client = ProductionClient();
        var repository = ImageReference.Parse($"127.0.0.1:{FreePort()}/nobody/home:1.0.0");

        var error = await Assert.ThrowsAsync<RegistryException>(() => client.FetchManifestAsync(repository));
        var diagnostic = RegistryErrorMapping.ToDiagnostic(error);

        Assert.Equal(ErrorCodes.RegistryUnreachable, diagnostic.Code);
        Assert.Single(Regex.Matches(diagnostic.Message, "Connection refused", RegexOptions.IgnoreCase));
    }

    /// <summary>A port nobody listens on: bound to get a free one, then closed.</summary>
    private static int FreePort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
