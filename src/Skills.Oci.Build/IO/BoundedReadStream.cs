
namespace Skills.Oci.Build.IO;

/// <summary>
/// Reads at most a given number of bytes of another stream. Without <c>onExceeded</c> it is a window:
/// the stream ends after <c>limit</c> bytes, so one upload chunk can be sent straight from its source
/// without a copy. With <c>onExceeded</c> it is a guard: a byte past the limit throws, so a gzip bomb or
/// an over-long stream stops at the limit instead of filling the disk. Either way nothing past the
/// limit is ever handed to the caller.
/// </summary>
internal sealed class BoundedReadStream : ReadOnlyForwardStream
{
    private readonly Stream _inner;
    private readonly long _limit;
    private readonly Func<long, Exception>? _onExceeded;
    private readonly bool _leaveOpen;

    /// <summary>A window of the next <paramref name="length"/> bytes of a stream it does not own.</summary>
    public BoundedReadStream(Stream inner, long length)
        : this(inner, length, onExceeded: null, leaveOpen: true)
    {
    }

    /// <summary>A guard that throws <paramref name="onExceeded"/>(limit) when the stream holds more than <paramref name="limit"/> bytes.</summary>
    public BoundedReadStream(Stream inner, long limit, Func<long, Exception>? onExceeded, bool leaveOpen)
    {
        _inner = inner;
        _limit = limit;
        _onExceeded = onExceeded;
        _leaveOpen = leaveOpen;
    }

    public long BytesRead { get; private set; }

    /// <summary>Known only for a window, whose length is the limit.</summary>
    public override long Length => _onExceeded is null ? _limit : throw new NotSupportedException();

    public override long Position
    {
        get => BytesRead;
        set => throw new NotSupportedException();
    }

    public override int Read(Span<byte> buffer)
    {
        var request = NextRequest(buffer.Length);
        return request == 0 ? 0 : Count(_inner.Read(buffer[..request]));
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var request = NextRequest(buffer.Length);
        return request == 0 ? 0 : Count(await _inner.ReadAsync(buffer[..request], cancellationToken).ConfigureAwait(false));
    }

    /// <summary>
    /// How many bytes to ask the inner stream for. At the limit a window is done, while a guard asks
    /// for one more byte: only the inner stream knows whether it has ended.
    /// </summary>
    private int NextRequest(int wanted)
    {
        var remaining = _limit - BytesRead;
        if (wanted == 0 || (remaining <= 0 && _onExceeded is null))
        {
            return 0;
        }

        return (int)Math.Min(wanted, Math.Max(remaining, 1));
    }

    private int Count(int read)
    {
        BytesRead += read;
        if (BytesRead > _limit)
        {
            throw _onExceeded!(_limit);
        }

        return read;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_leaveOpen)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
