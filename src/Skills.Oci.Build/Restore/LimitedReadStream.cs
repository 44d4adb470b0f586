namespace Skills.Oci.Build.Restore;

/// <summary>
/// Counts the bytes read through it and fails as soon as they pass a limit, so a gzip bomb or an
/// over-long stream stops at the limit instead of filling the disk.
/// </summary>
internal sealed class LimitedReadStream(Stream inner, long limit, Func<long, Exception> onExceeded) : Skills.Oci.Build.Oci.ReadOnlyForwardStream
{
    public long BytesRead { get; private set; }

    public override long Position
    {
        get => BytesRead;
        set => throw new NotSupportedException();
    }

    public override int Read(Span<byte> buffer) => Count(inner.Read(buffer));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Count(await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));

    private int Count(int read)
    {
        BytesRead += read;
        if (BytesRead > limit)
        {
            throw onExceeded(limit);
        }

        return read;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
