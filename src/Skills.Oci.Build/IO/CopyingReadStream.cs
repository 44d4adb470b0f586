namespace Skills.Oci.Build.IO;

/// <summary>
/// Hands on what it reads from <c>inner</c> and writes the same bytes to <c>sink</c>, so one read of a
/// download both feeds its consumer (the archive extractor) and fills its cache file. Neither stream
/// is disposed here.
/// </summary>
public sealed class CopyingReadStream(Stream inner, Stream sink) : ReadOnlyForwardStream
{
    public override int Read(Span<byte> buffer)
    {
        var read = inner.Read(buffer);
        sink.Write(buffer[..read]);
        return read;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        if (read > 0)
        {
            await sink.WriteAsync(buffer[..read], cancellationToken).ConfigureAwait(false);
        }

        return read;
    }
}
