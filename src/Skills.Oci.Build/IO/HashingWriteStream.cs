using System.Security.Cryptography;

namespace Skills.Oci.Build.IO;

/// <summary>
/// A write-only pass-through that counts bytes, optionally hashes them with SHA-256, and stops the
/// write that would cross a limit, so a packer measures and bounds its output in the same single pass.
/// </summary>
internal sealed class HashingWriteStream : Stream
{
    private readonly Stream _inner;
    private readonly IncrementalHash? _hash;
    private readonly long _limit;
    private readonly Func<long, Exception> _overLimit;

    public HashingWriteStream(Stream inner, bool computeSha256, long limit, Func<long, Exception> overLimit)
    {
        _inner = inner;
        _hash = computeSha256 ? IncrementalHash.CreateHash(HashAlgorithmName.SHA256) : null;
        _limit = limit;
        _overLimit = overLimit;
    }

    public long BytesWritten { get; private set; }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => BytesWritten;
        set => throw new NotSupportedException();
    }

    /// <summary>The SHA-256 of everything written; call once, after the last write.</summary>
    public byte[] GetHash() => _hash?.GetHashAndReset() ?? throw new InvalidOperationException("This stream does not hash.");

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        Account(buffer);
        _inner.Write(buffer);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Account(buffer.Span);
        return _inner.WriteAsync(buffer, cancellationToken);
    }

    public override void Flush() => _inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => _inner.FlushAsync(cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hash?.Dispose();
        }

        base.Dispose(disposing);
    }

    private void Account(ReadOnlySpan<byte> buffer)
    {
        if (BytesWritten + buffer.Length > _limit)
        {
            throw _overLimit(BytesWritten + buffer.Length);
        }

        BytesWritten += buffer.Length;
        _hash?.AppendData(buffer);
    }
}
