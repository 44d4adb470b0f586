using System.Net;
using System.Net.Http.Headers;
using Skills.Oci.Build.Auth;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.IO;

namespace Skills.Oci.Build.Registry;

/// <summary>What <see cref="RegistryClient.PushBlobAsync"/> had to do.</summary>
public enum BlobPushResult
{
    /// <summary>The repository already had the blob; nothing was sent.</summary>
    AlreadyExists,

    /// <summary>Mounted from another repository of the same registry; nothing was sent.</summary>
    Mounted,

    /// <summary>The bytes were uploaded.</summary>
    Uploaded,
}

/// <summary>
/// The blob upload protocol: a cross-repository mount when possible, else a session (POST) that
/// ends in one streamed PUT or in PATCH chunks and a closing PUT. What is sent is checked against
/// the descriptor as it streams, so a changed file never becomes a blob. A failed session is never
/// resumed (its server state is unknown): the whole upload starts again in a fresh one.
/// </summary>
internal sealed class BlobUploader(RegistryTransport transport, RegistryClientOptions options)
{
    private const string OctetStream = "application/octet-stream";

    public async Task<BlobPushResult> PushAsync(
        ImageReference repository,
        Descriptor descriptor,
        Func<CancellationToken, Task<Stream>> openContent,
        ImageReference? mountFrom,
        Func<CancellationToken, Task<bool>> exists,
        CancellationToken cancellationToken)
    {
        var retries = transport.Retries.Start();
        while (true)
        {
            try
            {
                if (await exists(cancellationToken).ConfigureAwait(false))
                {
                    return BlobPushResult.AlreadyExists;
                }

                return await PushOnceAsync(repository, descriptor, openContent, mountFrom, cancellationToken).ConfigureAwait(false);
            }
            catch (RegistryException ex) when (ex.Kind == RegistryErrorKind.Unreachable)
            {
                if (!await retries.WaitAsync(ex.InnerException ?? ex, repository, cancellationToken).ConfigureAwait(false))
                {
                    throw;
                }
            }
        }
    }

    private async Task<BlobPushResult> PushOnceAsync(
        ImageReference repository,
        Descriptor descriptor,
        Func<CancellationToken, Task<Stream>> openContent,
        ImageReference? mountFrom,
        CancellationToken cancellationToken)
    {
        HttpResponseMessage started;
        if (mountFrom is not null && mountFrom.Registry == repository.Registry && mountFrom.Repository != repository.Repository)
        {
            started = await transport.SendAsync(
                new RegistryRequest(repository, HttpMethod.Post,
                    $"/v2/{repository.Repository}/blobs/uploads/?mount={Uri.EscapeDataString(descriptor.Digest.ToString())}&from={Uri.EscapeDataString(mountFrom.Repository)}")
                {
                    Operation = RegistryOperation.Push,
                    ExtraScopes = [$"repository:{mountFrom.Repository}:pull"],
                },
                cancellationToken).ConfigureAwait(false);
            if (started.StatusCode == HttpStatusCode.Created)
            {
                started.Dispose();
                return BlobPushResult.Mounted;
            }
        }
        else
        {
            started = await transport.SendAsync(StartRequest(repository), cancellationToken).ConfigureAwait(false);
        }

        Uri location;
        int minimumChunk;
        using (started)
        {
            await RegistryResponse.EnsureStatusAsync(started, HttpStatusCode.Accepted, repository, "start a blob upload", cancellationToken).ConfigureAwait(false);
            location = UploadLocation(repository, started);
            minimumChunk = int.TryParse(RegistryResponse.Header(started, "OCI-Chunk-Min-Length"), out var min) && min > 0 ? min : 0;
        }

        var chunked = options.UploadMode == BlobUploadMode.Chunked ||
                      (options.UploadMode == BlobUploadMode.Auto && descriptor.Size > options.MonolithicUploadLimit);
        if (!chunked)
        {
            try
            {
                await PutMonolithicAsync(repository, descriptor, openContent, location, cancellationToken).ConfigureAwait(false);
                return BlobPushResult.Uploaded;
            }
            catch (RegistryException ex) when (ex.Kind == RegistryErrorKind.Protocol)
            {
                // Some registries refuse a single large PUT; chunks in a fresh session still work.
                location = await StartUploadAsync(repository, cancellationToken).ConfigureAwait(false);
            }
        }

        await PutChunkedAsync(repository, descriptor, openContent, location, Math.Max(options.ChunkSize, minimumChunk), cancellationToken).ConfigureAwait(false);
        return BlobPushResult.Uploaded;
    }

    private static RegistryRequest StartRequest(ImageReference repository) =>
        new(repository, HttpMethod.Post, $"/v2/{repository.Repository}/blobs/uploads/") { Operation = RegistryOperation.Push };

    private async Task<Uri> StartUploadAsync(ImageReference repository, CancellationToken cancellationToken)
    {
        using var response = await transport.SendAsync(StartRequest(repository), cancellationToken).ConfigureAwait(false);
        await RegistryResponse.EnsureStatusAsync(response, HttpStatusCode.Accepted, repository, "start a blob upload", cancellationToken).ConfigureAwait(false);
        return UploadLocation(repository, response);
    }

    private async Task PutMonolithicAsync(ImageReference repository, Descriptor descriptor, Func<CancellationToken, Task<Stream>> openContent, Uri location, CancellationToken cancellationToken)
    {
        await using var source = new VerifyingReadStream(await openContent(cancellationToken).ConfigureAwait(false), descriptor.Digest, descriptor.Size);
        using var response = await transport.SendAsync(
            UploadRequest(repository, HttpMethod.Put, WithDigest(location, descriptor.Digest), () => StreamBody(new BoundedReadStream(source, descriptor.Size), descriptor.Size)),
            cancellationToken).ConfigureAwait(false);
        await RegistryResponse.EnsureStatusAsync(response, HttpStatusCode.Created, repository, $"upload the blob {descriptor.Digest}", cancellationToken).ConfigureAwait(false);
    }

    private async Task PutChunkedAsync(ImageReference repository, Descriptor descriptor, Func<CancellationToken, Task<Stream>> openContent, Uri location, int chunkSize, CancellationToken cancellationToken)
    {
        await using var source = new VerifyingReadStream(await openContent(cancellationToken).ConfigureAwait(false), descriptor.Digest, descriptor.Size);
        long offset = 0;
        while (offset < descriptor.Size)
        {
            var length = Math.Min(chunkSize, descriptor.Size - offset);
            var end = offset + length - 1;
            using var response = await transport.SendAsync(
                UploadRequest(repository, HttpMethod.Patch, location, () =>
                {
                    var body = StreamBody(new BoundedReadStream(source, length), length);
                    // Added without validation: some registries reject the typed "bytes" form.
                    body.Headers.TryAddWithoutValidation("Content-Range", $"{offset}-{end}");
                    return body;
                }),
                cancellationToken).ConfigureAwait(false);
            await RegistryResponse.EnsureStatusAsync(response, HttpStatusCode.Accepted, repository, $"upload bytes {offset}-{end} of the blob {descriptor.Digest}", cancellationToken).ConfigureAwait(false);
            location = UploadLocation(repository, response, location);
            offset += length;
        }

        if (descriptor.Size == 0)
        {
            // Nothing was read, so nothing was verified yet: an empty source must hash as expected.
            _ = await source.ReadAsync(new byte[1], cancellationToken).ConfigureAwait(false);
        }

        using var final = await transport.SendAsync(
            UploadRequest(repository, HttpMethod.Put, WithDigest(location, descriptor.Digest), () => new ByteArrayContent([])),
            cancellationToken).ConfigureAwait(false);
        await RegistryResponse.EnsureStatusAsync(final, HttpStatusCode.Created, repository, $"finish the upload of the blob {descriptor.Digest}", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A request inside an upload session: never retried on its own, since repeating it could corrupt the session.</summary>
    private static RegistryRequest UploadRequest(ImageReference repository, HttpMethod method, Uri location, Func<HttpContent> content) =>
        new(repository, method, string.Empty)
        {
            AbsoluteUri = location,
            Operation = RegistryOperation.Push,
            Retryable = false,
            Content = content,
        };

    private static StreamContent StreamBody(Stream body, long length)
    {
        var content = new StreamContent(body, 81920);
        content.Headers.ContentType = new MediaTypeHeaderValue(OctetStream);
        content.Headers.ContentLength = length;
        return content;
    }

    private Uri UploadLocation(ImageReference repository, HttpResponseMessage response, Uri? previous = null)
    {
        var location = response.Headers.Location;
        if (location is null)
        {
            return previous ?? throw RegistryResponse.Protocol(repository, $"The registry {repository.Registry} started an upload without a Location header.");
        }

        return location.IsAbsoluteUri ? location : new Uri(previous ?? transport.BaseUri(repository), location);
    }

    private static Uri WithDigest(Uri location, Digest digest)
    {
        var separator = string.IsNullOrEmpty(location.Query) ? "?" : "&";
        return new Uri(location.AbsoluteUri + separator + "digest=" + Uri.EscapeDataString(digest.ToString()));
    }
}
