using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Skills.Oci.Build.Tests.Infrastructure;

/// <summary>
/// A bare Kestrel server on a free 127.0.0.1 port running one request delegate. The empty builder
/// keeps it cheap: no configuration files or file watchers, no logging, no routing.
/// </summary>
public sealed class LoopbackWebServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LoopbackWebServer(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public int Port { get; }

    public string HostPort => $"127.0.0.1:{Port}";

    public Uri BaseUri => new($"http://{HostPort}/");

    public static async Task<LoopbackWebServer> StartAsync(RequestDelegate handler, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(options =>
        {
            options.Listen(IPAddress.Loopback, 0);
            // Registries move blobs of any size; the default 30 MB cap would break large-upload tests.
            options.Limits.MaxRequestBodySize = null;
            options.AddServerHeader = false;
        });
        var app = builder.Build();
        app.Run(handler);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new LoopbackWebServer(app, new Uri(address).Port);
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await _app.StopAsync(timeout.Token).ConfigureAwait(false);
        }
        finally
        {
            await _app.DisposeAsync().ConfigureAwait(false);
        }
    }
}
