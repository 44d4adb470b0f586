using Skills.Oci.Build.IO;

namespace Skills.Oci.Build.Oci;

/// <summary>
/// Wraps content from an untrusted source and checks it against its descriptor while it streams.
/// The last bytes are released only after the whole content has hashed to the expected digest and
/// no byte follows, so a reader that reaches the end has seen verified content; any mismatch is a
/// <see cref="RegistryException"/> of kind <see cref="RegistryErrorKind.DigestMismatch"/>.
/// </summary>
public sealed class VerifyingReadStream : ReadOnlyForwardStream
{
    private readonly Stream _inner;
    private readonly Digest _expectedDigest;
    private readonly long _expectedSize;
    private readonly System.Security.Cryptography.IncrementalHash _hash;
    private readonly bool _leaveOpen;
    private long _position;
    private bool _verified;

    public VerifyingReadStream(Stream inner, Digest expectedDigest, long expectedSize, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentOutOfRangeException.ThrowIfNegative(expectedSize);
        _inner = inner;
        _expectedDigest = expectedDigest;
        _expectedSize = expectedSize;
        _hash = expectedDigest.CreateHash();
        _leaveOpen = leaveOpen;
    }

    /// <summary>
    /// True when nothing has been read yet and this stream checks exactly <paramref name="digest"/> and
    /// <paramref name="size"/>: reading it to its end verifies that content, so a second check is redundant.
    /// </summary>
    public bool Verifies(Digest digest, long size) => _position == 0 && !_verified && digest == _expectedDigest && size == _expectedSize;

    /// <summary>Where the content came from, for error messages (a URL without query, a file).</summary>
    public string? Source { get; init; }

    public override long Length => _expectedSize;

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public override int Read(Span<byte> buffer)
    {
        if (_verified || buffer.Length == 0)
        {
            return 0;
        }

        var scratch = System.Buffers.ArrayPool<byte>.Shared.Rent(ChunkLength(buffer.Length));
        try
        {
            var read = _inner.Read(scratch, 0, ChunkLength(buffer.Length));
            var accepted = Accept(scratch.AsSpan(0, read), () => _inner.Read(new byte[1]) == 0);
            scratch.AsSpan(0, accepted).CopyTo(buffer);
            return accepted;
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_verified || buffer.Length == 0)
        {
            return 0;
        }

        // Bytes land in a scratch buffer and reach the caller only once accepted, so the read that
        // completes the content hands over nothing unless the whole content verified.
        var length = ChunkLength(buffer.Length);
        var scratch = System.Buffers.ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var read = await _inner.ReadAsync(scratch.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
            var atEnd = false;
            if (read > 0 && _position + read == _expectedSize)
            {
                atEnd = await _inner.ReadAsync(new byte[1], cancellationToken).ConfigureAwait(false) == 0;
            }

            var accepted = Accept(scratch.AsSpan(0, read), () => atEnd);
            scratch.AsSpan(0, accepted).CopyTo(buffer.Span);
            return accepted;
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    /// <summary>
    /// Reads the whole content into memory, verified: the one way small blobs (manifests, configs,
    /// signatures) are read whole, from a registry or an image layout.
    /// </summary>
    public async Task<byte[]> ReadAllAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[_expectedSize - _position];
        await this.ReadExactlyAsync(buffer, cancellationToken).ConfigureAwait(false);
        // Verification completes on the read that reaches the end; an empty blob needs one more read.
        _ = await ReadAsync(new byte[1], cancellationToken).ConfigureAwait(false);
        return buffer;
    }

    /// <summary>At most one byte past the expected end: enough to notice over-long content.</summary>
    private int ChunkLength(int bufferLength) => (int)Math.Min(bufferLength, _expectedSize - _position + 1);

    private int Accept(ReadOnlySpan<byte> chunk, Func<bool> innerAtEnd)
    {
        if (chunk.Length == 0)
        {
            if (_position != _expectedSize)
            {
                throw Mismatch($"the content ended after {_position} bytes; {_expectedSize} were expected");
            }

            Verify();
            return 0;
        }

        if (_position + chunk.Length > _expectedSize)
        {
            throw Mismatch($"the content is longer than the expected {_expectedSize} bytes");
        }

        _hash.AppendData(chunk);
        _position += chunk.Length;
        if (_position == _expectedSize)
        {
            if (!innerAtEnd())
            {
                throw Mismatch($"the content is longer than the expected {_expectedSize} bytes");
            }

            Verify();
        }

        return chunk.Length;
    }

    private void Verify()
    {
        if (_verified)
        {
            return;
        }

        var actual = _expectedDigest.WithHash(_hash.GetHashAndReset());
        if (actual != _expectedDigest)
        {
            throw Mismatch($"the content hashes to {actual}");
        }

        _verified = true;
    }

    private RegistryException Mismatch(string detail) =>
        new(RegistryErrorKind.DigestMismatch,
            $"Digest mismatch{(Source is null ? string.Empty : " for " + Source)}: expected {_expectedDigest} ({_expectedSize} bytes), but {detail}.");

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hash.Dispose();
            if (!_leaveOpen)
            {
                _inner.Dispose();
            }
        }

        base.Dispose(disposing);
    }
}
