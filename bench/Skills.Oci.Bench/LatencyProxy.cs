using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;

namespace Skills.Oci.Bench;

/// <summary>
/// A TCP forwarder on a free 127.0.0.1 port that behaves like a link with a round-trip time of
/// <see cref="RoundTrip"/>: every chunk of bytes is held for half of it in each direction (so each
/// request and its response cost one round trip), and a new connection waits one round trip before
/// its first byte moves (the TCP handshake). Bandwidth is not limited. Transparent to HTTP, so the
/// registry builds its upload URLs from the Host header, which names the proxy.
/// </summary>
public sealed class LatencyProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _upstream;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _connections = [];
    private Task? _acceptLoop;

    private LatencyProxy(int upstreamPort, TimeSpan roundTrip)
    {
        _upstream = new IPEndPoint(IPAddress.Loopback, upstreamPort);
        RoundTrip = roundTrip;
    }

    public TimeSpan RoundTrip { get; }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public string HostPort => $"127.0.0.1:{Port}";

    public static LatencyProxy Start(int upstreamPort, TimeSpan roundTrip)
    {
        var proxy = new LatencyProxy(upstreamPort, roundTrip);
        proxy._listener.Start();
        proxy._acceptLoop = proxy.AcceptAsync();
        return proxy;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        Task[] running;
        lock (_connections)
        {
            running = [.. _connections];
        }

        try
        {
            await Task.WhenAll(running.Append(_acceptLoop ?? Task.CompletedTask));
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopping: connections end abruptly, as on a real link going down.
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            var connection = RelayAsync(client);
            lock (_connections)
            {
                _connections.RemoveAll(t => t.IsCompleted);
                _connections.Add(connection);
            }
        }
    }

    private async Task RelayAsync(TcpClient client)
    {
        using (client)
        using (var upstream = new TcpClient())
        {
            try
            {
                client.NoDelay = true;
                upstream.NoDelay = true;
                await upstream.ConnectAsync(_upstream, _stop.Token);
                await Task.Delay(RoundTrip, _stop.Token);
                var half = RoundTrip / 2;
                using var broken = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                var toUpstream = PumpAsync(client.Client, upstream.Client, half, broken);
                var toClient = PumpAsync(upstream.Client, client.Client, half, broken);
                await Task.WhenAll(toUpstream, toClient);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or IOException or ObjectDisposedException or ChannelClosedException)
            {
                // A connection reset by either side ends this relay only.
            }
        }
    }

    /// <summary>One direction: a reader that stamps each chunk with its due time, a writer that sends it then.</summary>
    private static async Task PumpAsync(Socket from, Socket to, TimeSpan delay, CancellationTokenSource broken)
    {
        var queue = Channel.CreateUnbounded<(byte[] Buffer, int Length, long Due)>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var reader = ReadAsync(from, queue.Writer, delay, broken);
        try
        {
            await foreach (var (buffer, length, due) in queue.Reader.ReadAllAsync(broken.Token))
            {
                var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, broken.Token);
                }

                await to.SendAsync(buffer.AsMemory(0, length), SocketFlags.None, broken.Token);
                ArrayPool<byte>.Shared.Return(buffer);
            }

            // The sender finished: pass the half-close on, as the link would.
            to.Shutdown(SocketShutdown.Send);
        }
        catch
        {
            await broken.CancelAsync();
            throw;
        }
        finally
        {
            await reader;
        }
    }

    private static async Task ReadAsync(Socket from, ChannelWriter<(byte[] Buffer, int Length, long Due)> queue, TimeSpan delay, CancellationTokenSource broken)
    {
        var delayTicks = (long)(delay.TotalSeconds * Stopwatch.Frequency);
        try
        {
            while (true)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
                var read = await from.ReceiveAsync(buffer, SocketFlags.None, broken.Token);
                if (read == 0)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    break;
                }

                queue.TryWrite((buffer, read, Stopwatch.GetTimestamp() + delayTicks));
            }

            queue.TryComplete();
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            queue.TryComplete(e);
            await broken.CancelAsync();
        }
    }
}
