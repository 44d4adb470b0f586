using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;

namespace Skills.Oci.Build.IO;

/// <summary>
/// Writes one gzip member (RFC 1952) whose header never varies: <c>1F 8B 08 00 00000000 02 03</c>
/// (deflate, no flags, MTIME 0, XFL 2 = best compression, OS 3 = Unix on every platform), then raw
/// deflate at <see cref="CompressionLevel.SmallestSize"/>, then CRC-32 and ISIZE. <see cref="GZipStream"/>
/// takes the OS byte from the zlib build, which would make the same skill hash differently per OS.
/// </summary>
internal sealed class DeterministicGzipStream : Stream
{
    public static readonly byte[] Header = [0x1F, 0x8B, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03];

    private readonly Stream _inner;
    private readonly DeflateStream _deflate;
    private readonly Crc32 _crc = new();
    private long _length;
    private bool _headerWritten;
    private bool _finished;

    public DeterministicGzipStream(Stream inner)
    {
        _inner = inner;
        _deflate = new DeflateStream(inner, CompressionLevel.SmallestSize, leaveOpen: true);
    }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => !_finished;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => _length;
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        EnsureHeader();
        _crc.Append(buffer);
        _length += buffer.Length;
        _deflate.Write(buffer);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (!_headerWritten)
        {
            _headerWritten = true;
            await _inner.WriteAsync(Header, cancellationToken).ConfigureAwait(false);
        }

        _crc.Append(buffer.Span);
        _length += buffer.Length;
        await _deflate.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Ends the deflate stream and writes the trailer. Nothing may be written afterwards.</summary>
    public async Task FinishAsync(CancellationToken cancellationToken)
    {
        if (_finished)
        {
            return;
        }

        if (!_headerWritten)
        {
            _headerWritten = true;
            await _inner.WriteAsync(Header, cancellationToken).ConfigureAwait(false);
        }

        await _deflate.DisposeAsync().ConfigureAwait(false);
        var trailer = new byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(trailer, _crc.GetCurrentHashAsUInt32());
        BinaryPrimitives.WriteUInt32LittleEndian(trailer.AsSpan(4), unchecked((uint)_length));
        await _inner.WriteAsync(trailer, cancellationToken).ConfigureAwait(false);
        _finished = true;
    }

    public override void Flush()
    {
        // Flushing deflate mid-stream would emit a sync block and change the bytes; only Finish ends it.
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _deflate.Dispose();
        }

        base.Dispose(disposing);
    }

    private void EnsureHeader()
    {
        if (!_headerWritten)
        {
            _headerWritten = true;
            _inner.Write(Header);
        }
    }
}
