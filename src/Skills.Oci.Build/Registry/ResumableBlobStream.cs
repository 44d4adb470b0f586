using System.Net;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.IO;

namespace Skills.Oci.Build.Registry;

/// <summary>
/// The body of a blob download that survives a connection cut or reset mid-stream: the download is
/// asked for again from the first missing byte (<c>Range: bytes=N-</c>); a registry that answers
/// 206 continues there, one that answers 200 restarts and the bytes already delivered are skipped.
/// Retries are bounded by the client's <see cref="RetryPolicy"/>; once spent, the failure is
/// <see cref="RegistryErrorKind.Unreachable"/>. The digest is checked above this stream, over the
/// bytes as delivered, so a resumed download is verified end to end.
/// </summary>
internal sealed class ResumableBlobStream(
    HttpResponseMessage response,
    Stream body,
    long length,
    ImageReference repository,
    RetryBudget retries,
    Func<long, CancellationToken, Task<HttpResponseMessage>> requestFrom,
    Func<Exception, int, RegistryException> unreachable) : ReadOnlyForwardStream
{
    private HttpResponseMessage? _response = response;
    private Stream? _body = body;
    private long _position;

    /// <summary>Reads without resuming: resumption needs asynchronous requests, and downloads read asynchronously.</summary>
    public override int Read(Span<byte> buffer)
    {
        try
        {
            var read = (_body ?? throw new ObjectDisposedException(nameof(ResumableBlobStream))).Read(buffer);
            EnsureNotCut(read, buffer.Length);
            _position += read;
            return read;
        }
        catch (Exception ex) when (RegistryTransport.IsTransient(ex, CancellationToken.None))
        {
            throw unreachable(ex, retries.Attempts);
        }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            try
            {
                _body ??= await ReopenAsync(cancellationToken).ConfigureAwait(false);
                var read = await _body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
                EnsureNotCut(read, buffer.Length);
                _position += read;
                return read;
            }
            catch (Exception ex) when (RegistryTransport.IsTransient(ex, cancellationToken))
            {
                DropResponse();
                if (!await retries.WaitAsync(ex, repository, cancellationToken).ConfigureAwait(false))
                {
                    throw unreachable(ex, retries.Attempts);
                }
            }
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            DropResponse();
        }

        base.Dispose(disposing);
    }

    /// <summary>A body that ends before the blob does was cut (a connection closed without a length).</summary>
    private void EnsureNotCut(int read, int wanted)
    {
        if (read == 0 && wanted > 0 && _position < length)
        {
            throw new IOException($"The response ended after {_position} of {length} bytes.");
        }
    }

    private async Task<Stream> ReopenAsync(CancellationToken cancellationToken)
    {
        var next = await requestFrom(_position, cancellationToken).ConfigureAwait(false);
        try
        {
            Stream stream;
            if (next.StatusCode == HttpStatusCode.PartialContent)
            {
                if (next.Content.Headers.ContentRange?.From != _position)
                {
                    throw RegistryResponse.Protocol(repository,
                        $"The registry {repository.Registry} answered a request for bytes {_position}- of a blob with the range '{next.Content.Headers.ContentRange}'.");
                }

                stream = await next.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await RegistryResponse.EnsureSuccessAsync(next, repository, "resume a blob download", cancellationToken).ConfigureAwait(false);
                stream = await next.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
                await SkipAsync(stream, _position, cancellationToken).ConfigureAwait(false);
            }

            _response = next;
            return stream;
        }
        catch
        {
            next.Dispose();
            throw;
        }
    }

    private static async Task SkipAsync(Stream stream, long count, CancellationToken cancellationToken)
    {
        var scratch = new byte[(int)Math.Min(81920, Math.Max(1, count))];
        while (count > 0)
        {
            var read = await stream.ReadAsync(scratch.AsMemory(0, (int)Math.Min(scratch.Length, count)), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw new IOException("The restarted response ended before the bytes already received.");
            }

            count -= read;
        }
    }

    private void DropResponse()
    {
        _body?.Dispose();
        _body = null;
        _response?.Dispose();
        _response = null;
    }
}
