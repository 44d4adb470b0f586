using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Skills.Oci.Build.Auth;
using Skills.Oci.Build.Oci;

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

/// <summary>A manifest or index, its descriptor and its exact bytes (the bytes are what digests and signatures cover).</summary>
public sealed record ManifestContent(Descriptor Descriptor, byte[] Bytes)
{
    public OciManifest ParseManifest() => OciManifest.Parse(Bytes);

    public OciIndex ParseIndex() => OciIndex.Parse(Bytes);
}

/// <summary>
/// The OCI distribution operations skills need: check, resolve, fetch, exists, push, mount, tags,
/// referrers. Every fetched byte is verified against its digest and size while it streams; the
/// transport underneath owns the scheme, credentials, retries and redirects. Thread-safe; share one
/// per build.
/// </summary>
public sealed class RegistryClient : IDisposable
{
    private const string OctetStream = "application/octet-stream";
    private const int MaxErrorBodyBytes = 64 * 1024;
    private const int MaxPages = 1000;
    private readonly RegistryClientOptions _options;
    private readonly RegistryTransport _transport;

    public RegistryClient(RegistryClientOptions? options = null)
    {
        _options = options ?? new RegistryClientOptions();
        _transport = new RegistryTransport(_options);
    }

    public RegistryClientOptions Options => _options;

    /// <summary>The scheme used for a host once decided (<c>https</c>, or <c>http</c> after a fall-back).</summary>
    public string? SchemeFor(string registryHost) => _transport.SchemeFor(registryHost);

    /// <summary>Checks that the registry speaks the v2 API and that we can authenticate to it.</summary>
    public async Task CheckApiAsync(ImageReference registry, CancellationToken cancellationToken = default)
    {
        using var response = await _transport.SendAsync(
            new RegistryRequest(registry, HttpMethod.Get, "/v2/") { RegistryLevel = true }, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, registry, "check the registry API", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Resolves a tag (or digest) to the manifest's descriptor: HEAD, falling back to GET.</summary>
    public async Task<Descriptor> ResolveAsync(ImageReference reference, CancellationToken cancellationToken = default)
    {
        var target = RequireManifestReference(reference);
        using (var head = await _transport.SendAsync(ManifestRequest(reference, HttpMethod.Head, target), cancellationToken).ConfigureAwait(false))
        {
            if (head.IsSuccessStatusCode &&
                Digest.TryParse(FirstHeader(head, "Docker-Content-Digest"), out var digest) &&
                head.Content.Headers.ContentLength is { } length &&
                head.Content.Headers.ContentType?.MediaType is { } mediaType)
            {
                if (reference.Digest is { } expected && expected != digest)
                {
                    throw Mismatch(reference, $"the registry reports {digest} for {expected}");
                }

                if (length > _options.Limits.MaxManifestBytes)
                {
                    throw TooLarge(reference, "manifest", length, _options.Limits.MaxManifestBytes);
                }

                return new Descriptor { MediaType = mediaType, Digest = digest, Size = length };
            }

            if (head.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Forbidden)
            {
                await EnsureSuccessAsync(head, reference, $"resolve {target}", cancellationToken).ConfigureAwait(false);
            }
        }

        // Some registries do not answer HEAD fully; GET gives the bytes to hash ourselves.
        var manifest = await FetchManifestAsync(reference, cancellationToken).ConfigureAwait(false);
        return manifest.Descriptor;
    }

    /// <summary>Fetches a manifest or index by tag or digest, verified and size-limited.</summary>
    public async Task<ManifestContent> FetchManifestAsync(ImageReference reference, CancellationToken cancellationToken = default)
    {
        var target = RequireManifestReference(reference);
        using var response = await _transport.SendAsync(ManifestRequest(reference, HttpMethod.Get, target), cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, reference, $"fetch the manifest {target}", cancellationToken).ConfigureAwait(false);
        var bytes = await ReadLimitedAsync(response, reference, "manifest", _options.Limits.MaxManifestBytes, cancellationToken).ConfigureAwait(false);

        var actual = reference.Digest is { } expected ? Hash(expected, bytes) : Digest.ComputeSha256(bytes);
        if (reference.Digest is { } wanted && actual != wanted)
        {
            throw Mismatch(reference, $"the manifest bytes hash to {actual}");
        }

        if (Digest.TryParse(FirstHeader(response, "Docker-Content-Digest"), out var reported) &&
            reported.Algorithm == actual.Algorithm && reported != actual)
        {
            throw Mismatch(reference, $"the registry reports {reported} but the bytes hash to {actual}");
        }

        var mediaType = response.Content.Headers.ContentType?.MediaType;
        if (string.IsNullOrEmpty(mediaType) || mediaType == OctetStream)
        {
            mediaType = ReadMediaTypeField(bytes) ?? MediaTypes.OciManifest;
        }

        return new ManifestContent(new Descriptor { MediaType = mediaType, Digest = actual, Size = bytes.Length }, bytes);
    }

    /// <summary>Fetches a manifest whose descriptor is known; refused before any byte if over the limit.</summary>
    public async Task<ManifestContent> FetchManifestAsync(ImageReference repository, Descriptor descriptor, CancellationToken cancellationToken = default)
    {
        if (descriptor.Size > _options.Limits.MaxManifestBytes)
        {
            throw TooLarge(repository, "manifest", descriptor.Size, _options.Limits.MaxManifestBytes);
        }

        var content = await FetchManifestAsync(repository.WithDigest(descriptor.Digest), cancellationToken).ConfigureAwait(false);
        if (content.Bytes.Length != descriptor.Size)
        {
            throw Mismatch(repository, $"the manifest is {content.Bytes.Length} bytes, the descriptor says {descriptor.Size}");
        }

        return content with { Descriptor = descriptor };
    }

    /// <summary>
    /// Opens a blob as a stream that verifies digest and size as it is read; the final bytes are
    /// released only once the whole blob has verified. Refused before any byte when the descriptor
    /// is over <paramref name="maxBytes"/>.
    /// </summary>
    public async Task<Stream> FetchBlobAsync(ImageReference repository, Descriptor descriptor, long maxBytes, CancellationToken cancellationToken = default)
    {
        if (descriptor.Size > maxBytes)
        {
            throw TooLarge(repository, "blob", descriptor.Size, maxBytes);
        }

        var response = await _transport.SendAsync(
            new RegistryRequest(repository, HttpMethod.Get, $"/v2/{repository.Repository}/blobs/{descriptor.Digest}") { FollowRedirects = true },
            cancellationToken).ConfigureAwait(false);
        try
        {
            await EnsureSuccessAsync(response, repository, $"fetch the blob {descriptor.Digest}", cancellationToken).ConfigureAwait(false);
            if (response.Content.Headers.ContentLength is { } length && length != descriptor.Size)
            {
                throw Mismatch(repository, $"the registry sends {length} bytes for {descriptor.Digest}, the descriptor says {descriptor.Size}");
            }

            var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            return new ResponseOwningStream(
                new VerifyingReadStream(body, descriptor.Digest, descriptor.Size) { Source = $"{repository.RepositoryName}@{descriptor.Digest}" },
                response);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    /// <summary>Fetches a small blob (a config) whole, verified.</summary>
    public async Task<byte[]> FetchBlobBytesAsync(ImageReference repository, Descriptor descriptor, long maxBytes, CancellationToken cancellationToken = default)
    {
        await using var stream = await FetchBlobAsync(repository, descriptor, maxBytes, cancellationToken).ConfigureAwait(false);
        var buffer = new byte[descriptor.Size];
        await stream.ReadExactlyAsync(buffer, cancellationToken).ConfigureAwait(false);
        // One more read confirms the end (and verifies an empty blob).
        _ = await stream.ReadAsync(new byte[1], cancellationToken).ConfigureAwait(false);
        return buffer;
    }

    public Task<bool> BlobExistsAsync(ImageReference repository, Digest digest, CancellationToken cancellationToken = default) =>
        BlobExistsAsync(repository, digest, RegistryOperation.Pull, cancellationToken);

    /// <summary>
    /// Pushes a blob unless the repository has it: a cross-repository mount when
    /// <paramref name="mountFrom"/> names another repository of the same registry, else one PUT or
    /// PATCH chunks. <paramref name="openContent"/> is called once per attempt; what it returns is
    /// checked against the descriptor as it is sent, so a changed file never becomes a blob.
    /// </summary>
    public async Task<BlobPushResult> PushBlobAsync(
        ImageReference repository,
        Descriptor descriptor,
        Func<CancellationToken, Task<Stream>> openContent,
        ImageReference? mountFrom = null,
        CancellationToken cancellationToken = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await PushBlobOnceAsync(repository, descriptor, openContent, mountFrom, cancellationToken).ConfigureAwait(false);
            }
            catch (RegistryException ex) when (ex.Kind == RegistryErrorKind.Unreachable && attempt < _options.MaxAttempts)
            {
                // An upload session's state after a failed request is unknown: start a fresh one.
                await Task.Delay(TimeSpan.FromMilliseconds(_options.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, attempt - 1)), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Pushes a blob we hold in memory (a config).</summary>
    public Task<BlobPushResult> PushBlobAsync(ImageReference repository, Descriptor descriptor, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default) =>
        PushBlobAsync(repository, descriptor, _ => Task.FromResult<Stream>(new MemoryStream(content.ToArray(), writable: false)), null, cancellationToken);

    /// <summary>Puts a manifest or index under a tag or its digest; returns the digest the registry stored.</summary>
    public async Task<Digest> PushManifestAsync(
        ImageReference repository,
        string tagOrDigest,
        ReadOnlyMemory<byte> manifest,
        string mediaType,
        CancellationToken cancellationToken = default)
    {
        await PutManifestAsync(repository, tagOrDigest, manifest, mediaType, cancellationToken).ConfigureAwait(false);
        return Digest.ComputeSha256(manifest.Span);
    }

    /// <summary>Puts a manifest; returns whether the registry says it indexed the manifest's subject.</summary>
    private async Task<bool> PutManifestAsync(
        ImageReference repository,
        string tagOrDigest,
        ReadOnlyMemory<byte> manifest,
        string mediaType,
        CancellationToken cancellationToken)
    {
        if (manifest.Length > _options.Limits.MaxManifestBytes)
        {
            throw TooLarge(repository, "manifest", manifest.Length, _options.Limits.MaxManifestBytes);
        }

        var digest = Digest.ComputeSha256(manifest.Span);
        var bytes = manifest.ToArray();
        using var response = await _transport.SendAsync(
            new RegistryRequest(repository, HttpMethod.Put, $"/v2/{repository.Repository}/manifests/{tagOrDigest}")
            {
                Operation = RegistryOperation.Push,
                Content = () =>
                {
                    var content = new ByteArrayContent(bytes);
                    content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
                    return content;
                },
            },
            cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, repository, $"push the manifest {tagOrDigest}", cancellationToken).ConfigureAwait(false);
        if (Digest.TryParse(FirstHeader(response, "Docker-Content-Digest"), out var stored) && stored.Algorithm == digest.Algorithm && stored != digest)
        {
            throw Mismatch(repository, $"the registry stored the manifest as {stored}, but its bytes hash to {digest}");
        }

        return FirstHeader(response, "OCI-Subject") is not null;
    }

    /// <summary>Lists a repository's tags, following <c>Link</c> pagination where the registry paginates.</summary>
    public async Task<IReadOnlyList<string>> ListTagsAsync(ImageReference repository, CancellationToken cancellationToken = default)
    {
        var tags = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        string? next = $"/v2/{repository.Repository}/tags/list";
        for (var page = 0; next is not null && page < MaxPages; page++)
        {
            using var response = await _transport.SendAsync(PagedRequest(repository, next), cancellationToken).ConfigureAwait(false);
            await EnsureSuccessAsync(response, repository, "list the tags", cancellationToken).ConfigureAwait(false);
            var body = await ReadLimitedAsync(response, repository, "tag list", _options.Limits.MaxManifestBytes, cancellationToken).ConfigureAwait(false);
            using (var document = ParseJson(body, repository, "tag list"))
            {
                if (document.RootElement.TryGetProperty("tags", out var array) && array.ValueKind == JsonValueKind.Array)
                {
                    foreach (var tag in array.EnumerateArray().Where(t => t.ValueKind == JsonValueKind.String).Select(t => t.GetString()!))
                    {
                        if (seen.Add(tag))
                        {
                            tags.Add(tag);
                        }
                    }
                }
            }

            next = NextLink(response);
        }

        return tags;
    }

    /// <summary>
    /// Lists the manifests that refer to <paramref name="subject"/>: the referrers API, or, where the
    /// registry lacks it (404), the index tagged <c>sha256-&lt;hex&gt;</c> (the tag schema).
    /// </summary>
    public async Task<IReadOnlyList<Descriptor>> ListReferrersAsync(
        ImageReference repository,
        Digest subject,
        string? artifactType = null,
        CancellationToken cancellationToken = default)
    {
        var referrers = new List<Descriptor>();
        string? next = $"/v2/{repository.Repository}/referrers/{subject}" +
                       (artifactType is null ? string.Empty : "?artifactType=" + Uri.EscapeDataString(artifactType));
        var filtered = false;
        for (var page = 0; next is not null && page < MaxPages; page++)
        {
            using var response = await _transport.SendAsync(PagedRequest(repository, next, [MediaTypes.OciIndex]), cancellationToken).ConfigureAwait(false);
            if (page == 0 && response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed)
            {
                return await ListReferrersByTagSchemaAsync(repository, subject, artifactType, cancellationToken).ConfigureAwait(false);
            }

            await EnsureSuccessAsync(response, repository, $"list the referrers of {subject}", cancellationToken).ConfigureAwait(false);
            filtered |= response.Headers.TryGetValues("OCI-Filters-Applied", out var applied) &&
                        applied.Any(v => v.Contains("artifactType", StringComparison.OrdinalIgnoreCase));
            var body = await ReadLimitedAsync(response, repository, "referrers index", _options.Limits.MaxManifestBytes, cancellationToken).ConfigureAwait(false);
            referrers.AddRange(ParseIndex(body, repository).Manifests);
            next = NextLink(response);
        }

        return artifactType is null || filtered ? referrers : referrers.Where(r => r.ArtifactType == artifactType).ToList();
    }

    /// <summary>
    /// Pushes a manifest that refers to another (<c>subject</c>) by its digest. When the registry does
    /// not confirm it indexes referrers (no <c>OCI-Subject</c> header), the referrer is also listed in
    /// the index tagged <c>sha256-&lt;hex&gt;</c> of the subject, the tag-schema fallback readers use.
    /// </summary>
    public async Task<Descriptor> PushReferrerAsync(
        ImageReference repository,
        Descriptor subject,
        ReadOnlyMemory<byte> manifest,
        string mediaType,
        string? artifactType,
        IReadOnlyDictionary<string, string>? annotations = null,
        CancellationToken cancellationToken = default)
    {
        var digest = Digest.ComputeSha256(manifest.Span);
        var indexedByRegistry = await PutManifestAsync(repository, digest.ToString(), manifest, mediaType, cancellationToken).ConfigureAwait(false);
        var descriptor = new Descriptor
        {
            MediaType = mediaType,
            ArtifactType = artifactType,
            Digest = digest,
            Size = manifest.Length,
            Annotations = annotations,
        };

        if (!indexedByRegistry)
        {
            await AddToTagSchemaIndexAsync(repository, subject.Digest, descriptor, cancellationToken).ConfigureAwait(false);
        }

        return descriptor;
    }

    private async Task AddToTagSchemaIndexAsync(ImageReference repository, Digest subject, Descriptor referrer, CancellationToken cancellationToken)
    {
        var tag = subject.ToTagSchema();
        var manifests = new List<Descriptor>();
        try
        {
            var existing = await FetchManifestAsync(repository.WithDigest(null).WithTag(tag), cancellationToken).ConfigureAwait(false);
            manifests.AddRange(ParseIndex(existing.Bytes, repository).Manifests);
        }
        catch (RegistryException ex) when (ex.Kind == RegistryErrorKind.NotFound)
        {
        }

        if (manifests.Any(m => m.Digest == referrer.Digest))
        {
            return;
        }

        manifests.Add(referrer);
        var index = OciJsonWriter.WriteIndex(manifests);
        await PutManifestAsync(repository, tag, index, MediaTypes.OciIndex, cancellationToken).ConfigureAwait(false);
    }

    public void Dispose() => _transport.Dispose();

    private async Task<IReadOnlyList<Descriptor>> ListReferrersByTagSchemaAsync(ImageReference repository, Digest subject, string? artifactType, CancellationToken cancellationToken)
    {
        ManifestContent index;
        try
        {
            index = await FetchManifestAsync(repository.WithDigest(null).WithTag(subject.ToTagSchema()), cancellationToken).ConfigureAwait(false);
        }
        catch (RegistryException ex) when (ex.Kind == RegistryErrorKind.NotFound)
        {
            return [];
        }

        var manifests = ParseIndex(index.Bytes, repository).Manifests;
        return artifactType is null ? manifests : manifests.Where(m => m.ArtifactType == artifactType).ToList();
    }

    private async Task<BlobPushResult> PushBlobOnceAsync(
        ImageReference repository,
        Descriptor descriptor,
        Func<CancellationToken, Task<Stream>> openContent,
        ImageReference? mountFrom,
        CancellationToken cancellationToken)
    {
        if (await BlobExistsAsync(repository, descriptor.Digest, RegistryOperation.Push, cancellationToken).ConfigureAwait(false))
        {
            return BlobPushResult.AlreadyExists;
        }

        HttpResponseMessage started;
        if (mountFrom is not null && mountFrom.Registry == repository.Registry && mountFrom.Repository != repository.Repository)
        {
            started = await _transport.SendAsync(
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
            started = await _transport.SendAsync(
                new RegistryRequest(repository, HttpMethod.Post, $"/v2/{repository.Repository}/blobs/uploads/") { Operation = RegistryOperation.Push },
                cancellationToken).ConfigureAwait(false);
        }

        Uri location;
        int minimumChunk;
        using (started)
        {
            await EnsureStatusAsync(started, HttpStatusCode.Accepted, repository, "start a blob upload", cancellationToken).ConfigureAwait(false);
            location = UploadLocation(repository, started);
            minimumChunk = int.TryParse(FirstHeader(started, "OCI-Chunk-Min-Length"), out var min) && min > 0 ? min : 0;
        }

        var chunked = _options.UploadMode == BlobUploadMode.Chunked ||
                      (_options.UploadMode == BlobUploadMode.Auto && descriptor.Size > _options.MonolithicUploadLimit);
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

        await PutChunkedAsync(repository, descriptor, openContent, location, Math.Max(_options.ChunkSize, minimumChunk), cancellationToken).ConfigureAwait(false);
        return BlobPushResult.Uploaded;
    }

    private async Task<Uri> StartUploadAsync(ImageReference repository, CancellationToken cancellationToken)
    {
        using var response = await _transport.SendAsync(
            new RegistryRequest(repository, HttpMethod.Post, $"/v2/{repository.Repository}/blobs/uploads/") { Operation = RegistryOperation.Push },
            cancellationToken).ConfigureAwait(false);
        await EnsureStatusAsync(response, HttpStatusCode.Accepted, repository, "start a blob upload", cancellationToken).ConfigureAwait(false);
        return UploadLocation(repository, response);
    }

    private async Task PutMonolithicAsync(ImageReference repository, Descriptor descriptor, Func<CancellationToken, Task<Stream>> openContent, Uri location, CancellationToken cancellationToken)
    {
        await using var source = new VerifyingReadStream(await openContent(cancellationToken).ConfigureAwait(false), descriptor.Digest, descriptor.Size);
        using var response = await _transport.SendAsync(
            new RegistryRequest(repository, HttpMethod.Put, string.Empty)
            {
                AbsoluteUri = WithDigest(location, descriptor.Digest),
                Operation = RegistryOperation.Push,
                Retryable = false,
                Content = () => StreamBody(new BoundedReadStream(source, descriptor.Size), descriptor.Size),
            },
            cancellationToken).ConfigureAwait(false);
        await EnsureStatusAsync(response, HttpStatusCode.Created, repository, $"upload the blob {descriptor.Digest}", cancellationToken).ConfigureAwait(false);
    }

    private async Task PutChunkedAsync(ImageReference repository, Descriptor descriptor, Func<CancellationToken, Task<Stream>> openContent, Uri location, int chunkSize, CancellationToken cancellationToken)
    {
        await using var source = new VerifyingReadStream(await openContent(cancellationToken).ConfigureAwait(false), descriptor.Digest, descriptor.Size);
        long offset = 0;
        while (offset < descriptor.Size)
        {
            var length = Math.Min(chunkSize, descriptor.Size - offset);
            var end = offset + length - 1;
            using var response = await _transport.SendAsync(
                new RegistryRequest(repository, HttpMethod.Patch, string.Empty)
                {
                    AbsoluteUri = location,
                    Operation = RegistryOperation.Push,
                    Retryable = false,
                    Content = () =>
                    {
                        var body = StreamBody(new BoundedReadStream(source, length), length);
                        // Added without validation: some registries reject the typed "bytes" form.
                        body.Headers.TryAddWithoutValidation("Content-Range", $"{offset}-{end}");
                        return body;
                    },
                },
                cancellationToken).ConfigureAwait(false);
            await EnsureStatusAsync(response, HttpStatusCode.Accepted, repository, $"upload bytes {offset}-{end} of the blob {descriptor.Digest}", cancellationToken).ConfigureAwait(false);
            location = UploadLocation(repository, response, location);
            offset += length;
        }

        if (descriptor.Size == 0)
        {
            // Nothing was read, so nothing was verified yet: an empty source must hash as expected.
            _ = await source.ReadAsync(new byte[1], cancellationToken).ConfigureAwait(false);
        }

        using var final = await _transport.SendAsync(
            new RegistryRequest(repository, HttpMethod.Put, string.Empty)
            {
                AbsoluteUri = WithDigest(location, descriptor.Digest),
                Operation = RegistryOperation.Push,
                Retryable = false,
                Content = () => new ByteArrayContent([]),
            },
            cancellationToken).ConfigureAwait(false);
        await EnsureStatusAsync(final, HttpStatusCode.Created, repository, $"finish the upload of the blob {descriptor.Digest}", cancellationToken).ConfigureAwait(false);
    }

    private async Task<bool> BlobExistsAsync(ImageReference repository, Digest digest, RegistryOperation operation, CancellationToken cancellationToken)
    {
        using var response = await _transport.SendAsync(
            new RegistryRequest(repository, HttpMethod.Head, $"/v2/{repository.Repository}/blobs/{digest}") { Operation = operation },
            cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }

        await EnsureSuccessAsync(response, repository, $"check for the blob {digest}", cancellationToken).ConfigureAwait(false);
        return true;
    }

    private static StreamContent StreamBody(Stream body, long length)
    {
        var content = new StreamContent(body, 81920);
        content.Headers.ContentType = new MediaTypeHeaderValue(OctetStream);
        content.Headers.ContentLength = length;
        return content;
    }

    private static RegistryRequest ManifestRequest(ImageReference reference, HttpMethod method, string target) =>
        new(reference, method, $"/v2/{reference.Repository}/manifests/{target}") { Accept = MediaTypes.ManifestAccept };

    private static RegistryRequest PagedRequest(ImageReference repository, string next, IReadOnlyList<string>? accept = null) =>
        Uri.TryCreate(next, UriKind.Absolute, out var absolute) && absolute.Scheme.StartsWith("http", StringComparison.Ordinal)
            ? new RegistryRequest(repository, HttpMethod.Get, string.Empty) { AbsoluteUri = absolute, Accept = accept ?? [] }
            : new RegistryRequest(repository, HttpMethod.Get, next.StartsWith('/') ? next : "/" + next) { Accept = accept ?? [] };

    private static string RequireManifestReference(ImageReference reference) =>
        reference.ManifestReference ?? throw new ArgumentException($"'{reference}' names no tag or digest.", nameof(reference));

    private Uri UploadLocation(ImageReference repository, HttpResponseMessage response, Uri? previous = null)
    {
        var location = response.Headers.Location;
        if (location is null)
        {
            if (previous is not null)
            {
                return previous;
            }

            throw new RegistryException(RegistryErrorKind.Protocol, $"The registry {repository.Registry} started an upload without a Location header.")
            {
                Registry = repository.Registry,
                Repository = repository.Repository,
            };
        }

        return location.IsAbsoluteUri ? location : new Uri(previous ?? _transport.BaseUri(repository), location);
    }

    private static Uri WithDigest(Uri location, Digest digest)
    {
        var separator = string.IsNullOrEmpty(location.Query) ? "?" : "&";
        return new Uri(location.AbsoluteUri + separator + "digest=" + Uri.EscapeDataString(digest.ToString()));
    }

    private static string? NextLink(HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues("Link", out var values))
        {
            return null;
        }

        foreach (var value in values.SelectMany(v => v.Split(',')))
        {
            var parts = value.Split(';', StringSplitOptions.TrimEntries);
            if (parts.Length > 1 && parts[0].StartsWith('<') && parts[0].EndsWith('>') &&
                parts.Skip(1).Any(p => p.Replace(" ", string.Empty, StringComparison.Ordinal).Equals("rel=\"next\"", StringComparison.OrdinalIgnoreCase) ||
                                       p.Equals("rel=next", StringComparison.OrdinalIgnoreCase)))
            {
                return parts[0][1..^1];
            }
        }

        return null;
    }

    private static string? FirstHeader(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? values.FirstOrDefault()
            : null;

    private static string? ReadMediaTypeField(byte[] bytes)
    {
        try
        {
            using var document = JsonDocument.Parse(bytes);
            return document.RootElement.ValueKind == JsonValueKind.Object &&
                   document.RootElement.TryGetProperty("mediaType", out var mediaType) && mediaType.ValueKind == JsonValueKind.String
                ? mediaType.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static OciIndex ParseIndex(byte[] body, ImageReference repository)
    {
        try
        {
            return OciIndex.Parse(body);
        }
        catch (RegistryException ex)
        {
            throw new RegistryException(ex.Kind, ex.Message, ex) { Registry = repository.Registry, Repository = repository.Repository };
        }
    }

    private static JsonDocument ParseJson(byte[] body, ImageReference repository, string what)
    {
        try
        {
            return JsonDocument.Parse(body);
        }
        catch (JsonException ex)
        {
            throw new RegistryException(RegistryErrorKind.Protocol, $"The registry {repository.Registry} sent a {what} that is not valid JSON.", ex)
            {
                Registry = repository.Registry,
                Repository = repository.Repository,
            };
        }
    }

    private static async Task<byte[]> ReadLimitedAsync(HttpResponseMessage response, ImageReference repository, string what, long maxBytes, CancellationToken cancellationToken)
    {
        try
        {
            return await HttpContentReader.ReadLimitedAsync(response.Content, maxBytes, cancellationToken).ConfigureAwait(false);
        }
        catch (RegistryException ex) when (ex.Kind == RegistryErrorKind.TooLarge)
        {
            throw TooLarge(repository, what, response.Content.Headers.ContentLength, maxBytes);
        }
    }

    private static Task EnsureSuccessAsync(HttpResponseMessage response, ImageReference repository, string action, CancellationToken cancellationToken) =>
        response.IsSuccessStatusCode ? Task.CompletedTask : ThrowForStatusAsync(response, repository, action, cancellationToken);

    private static Task EnsureStatusAsync(HttpResponseMessage response, HttpStatusCode expected, ImageReference repository, string action, CancellationToken cancellationToken) =>
        response.StatusCode == expected ? Task.CompletedTask : ThrowForStatusAsync(response, repository, action, cancellationToken);

    private static async Task ThrowForStatusAsync(HttpResponseMessage response, ImageReference repository, string action, CancellationToken cancellationToken)
    {
        string? code = null;
        string? message = null;
        string? excerpt = null;
        try
        {
            var body = await HttpContentReader.ReadLimitedAsync(response.Content, MaxErrorBodyBytes, cancellationToken).ConfigureAwait(false);
            (code, message) = ParseErrorBody(body);
            excerpt = code is null && body.Length > 0 ? System.Text.Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 200)).Trim() : null;
        }
        catch (Exception ex) when (ex is RegistryException or HttpRequestException or IOException)
        {
            // The status is the error; an unreadable body only loses detail.
        }

        var status = response.StatusCode;
        var kind = status switch
        {
            HttpStatusCode.Unauthorized => RegistryErrorKind.Unauthorized,
            HttpStatusCode.Forbidden => RegistryErrorKind.Denied,
            HttpStatusCode.NotFound => RegistryErrorKind.NotFound,
            HttpStatusCode.RequestEntityTooLarge => RegistryErrorKind.TooLarge,
            HttpStatusCode.BadRequest when code == "DIGEST_INVALID" => RegistryErrorKind.DigestMismatch,
            _ when code is "DENIED" => RegistryErrorKind.Denied,
            _ when code is "NAME_UNKNOWN" or "MANIFEST_UNKNOWN" or "BLOB_UNKNOWN" => RegistryErrorKind.NotFound,
            _ => RegistryErrorKind.Protocol,
        };

        var detail = code is not null ? $"{code}: {message}" : excerpt is { Length: > 0 } ? excerpt : response.ReasonPhrase;
        throw new RegistryException(kind,
            $"The registry {repository.Registry} could not {action} in {repository.Repository}: {(int)status} {detail}.")
        {
            Registry = repository.Registry,
            Repository = repository.Repository,
            StatusCode = status,
            ErrorCode = code,
            RegistryMessage = message,
        };
    }

    private static (string? Code, string? Message) ParseErrorBody(byte[] body)
    {
        if (body.Length == 0)
        {
            return (null, null);
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object &&
                document.RootElement.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array)
            {
                foreach (var error in errors.EnumerateArray())
                {
                    var code = error.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
                    var message = error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
                    if (code is not null)
                    {
                        return (code, message);
                    }
                }
            }
        }
        catch (JsonException)
        {
        }

        return (null, null);
    }

    private static Digest Hash(Digest like, byte[] bytes)
    {
        using var hash = like.CreateHash();
        hash.AppendData(bytes);
        return like.WithHash(hash.GetHashAndReset());
    }

    private static RegistryException Mismatch(ImageReference reference, string detail) =>
        new(RegistryErrorKind.DigestMismatch, $"Digest mismatch for {reference}: {detail}.")
        {
            Registry = reference.Registry,
            Repository = reference.Repository,
        };

    private static RegistryException TooLarge(ImageReference reference, string what, long? size, long limit) =>
        new(RegistryErrorKind.TooLarge,
            $"The {what} of {reference.RepositoryName} is {(size is null ? "larger than the limit" : size + " bytes")}; the limit is {limit} bytes.")
        {
            Registry = reference.Registry,
            Repository = reference.Repository,
        };

    /// <summary>Keeps the HTTP response alive as long as its body stream is read.</summary>
    private sealed class ResponseOwningStream(Stream inner, HttpResponseMessage response) : ReadOnlyForwardStream
    {
        public override long Length => inner.Length;

        public override long Position
        {
            get => inner.Position;
            set => throw new NotSupportedException();
        }

        public override int Read(Span<byte> buffer) => inner.Read(buffer);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            inner.ReadAsync(buffer, cancellationToken);

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
                response.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
