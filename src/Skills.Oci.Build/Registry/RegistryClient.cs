using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Skills.Oci.Build.Auth;
using Skills.Oci.Build.Oci;

namespace Skills.Oci.Build.Registry;

/// <summary>
/// The OCI distribution operations skills need: check, resolve, fetch, exists, push, mount, tags,
/// referrers. Every fetched byte is verified against its digest and size while it streams; the
/// transport underneath owns the scheme, credentials, retries and redirects. Thread-safe; share one
/// per build.
/// </summary>
public sealed class RegistryClient : IDisposable
{
    private const string OctetStream = "application/octet-stream";
    private readonly RegistryClientOptions _options;
    private readonly RegistryTransport _transport;
    private readonly BlobUploader _uploader;
    private readonly ReferrersTagSchema _tagSchema;

    public RegistryClient(RegistryClientOptions? options = null)
    {
        _options = options ?? new RegistryClientOptions();
        _transport = new RegistryTransport(_options);
        _uploader = new BlobUploader(_transport, _options);
        _tagSchema = new ReferrersTagSchema(this);
    }

    public RegistryClientOptions Options => _options;

    /// <summary>The scheme used for a host once decided (<c>https</c>, or <c>http</c> after a fall-back).</summary>
    public string? SchemeFor(string registryHost) => _transport.SchemeFor(registryHost);

    /// <summary>Checks that the registry speaks the v2 API and that we can authenticate to it.</summary>
    public async Task CheckApiAsync(ImageReference registry, CancellationToken cancellationToken = default)
    {
        using var response = await _transport.SendAsync(
            new RegistryRequest(registry, HttpMethod.Get, "/v2/") { RegistryLevel = true }, cancellationToken).ConfigureAwait(false);
        await RegistryResponse.EnsureSuccessAsync(response, registry, "check the registry API", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Resolves a tag (or digest) to the manifest's descriptor: HEAD, falling back to GET.</summary>
    public async Task<Descriptor> ResolveAsync(ImageReference reference, CancellationToken cancellationToken = default)
    {
        var target = RequireManifestReference(reference);
        using (var head = await _transport.SendAsync(ManifestRequest(reference, HttpMethod.Head, target), cancellationToken).ConfigureAwait(false))
        {
            if (head.IsSuccessStatusCode &&
                Digest.TryParse(RegistryResponse.Header(head, "Docker-Content-Digest"), out var digest) &&
                head.Content.Headers.ContentLength is { } length &&
                head.Content.Headers.ContentType?.MediaType is { } mediaType)
            {
                if (reference.Digest is { } expected && expected != digest)
                {
                    throw RegistryResponse.Mismatch(reference, $"the registry reports {digest} for {expected}");
                }

                if (length > _options.Limits.MaxManifestBytes)
                {
                    throw RegistryResponse.TooLarge(reference, "manifest", length, _options.Limits.MaxManifestBytes);
                }

                return new Descriptor { MediaType = mediaType, Digest = digest, Size = length };
            }

            if (head.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Forbidden)
            {
                await RegistryResponse.EnsureSuccessAsync(head, reference, $"resolve {target}", cancellationToken).ConfigureAwait(false);
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
        await RegistryResponse.EnsureSuccessAsync(response, reference, $"fetch the manifest {target}", cancellationToken).ConfigureAwait(false);
        var bytes = await RegistryResponse.ReadLimitedAsync(response, reference, "manifest", _options.Limits.MaxManifestBytes, cancellationToken).ConfigureAwait(false);

        var actual = reference.Digest is { } expected ? Hash(expected, bytes) : Digest.ComputeSha256(bytes);
        if (reference.Digest is { } wanted && actual != wanted)
        {
            throw RegistryResponse.Mismatch(reference, $"the manifest bytes hash to {actual}");
        }

        if (Digest.TryParse(RegistryResponse.Header(response, "Docker-Content-Digest"), out var reported) &&
            reported.Algorithm == actual.Algorithm && reported != actual)
        {
            throw RegistryResponse.Mismatch(reference, $"the registry reports {reported} but the bytes hash to {actual}");
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
            throw RegistryResponse.TooLarge(repository, "manifest", descriptor.Size, _options.Limits.MaxManifestBytes);
        }

        var content = await FetchManifestAsync(repository.WithDigest(descriptor.Digest), cancellationToken).ConfigureAwait(false);
        if (content.Bytes.Length != descriptor.Size)
        {
            throw RegistryResponse.Mismatch(repository, $"the manifest is {content.Bytes.Length} bytes, the descriptor says {descriptor.Size}");
        }

        return content with { Descriptor = descriptor };
    }

    /// <summary>
    /// Opens a blob as a stream that verifies digest and size as it is read; the final bytes are
    /// released only once the whole blob has verified. Refused before any byte when the descriptor
    /// is over <paramref name="maxBytes"/>.
    /// </summary>
    public async Task<Stream> FetchBlobAsync(ImageReference repository, Descriptor descriptor, long maxBytes, CancellationToken cancellationToken = default) =>
        await OpenBlobAsync(repository, descriptor, maxBytes, cancellationToken).ConfigureAwait(false);

    /// <summary>Fetches a small blob (a config, a signature) whole, verified.</summary>
    public async Task<byte[]> FetchBlobBytesAsync(ImageReference repository, Descriptor descriptor, long maxBytes, CancellationToken cancellationToken = default)
    {
        await using var stream = await OpenBlobAsync(repository, descriptor, maxBytes, cancellationToken).ConfigureAwait(false);
        return await stream.ReadAllAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task<bool> BlobExistsAsync(ImageReference repository, Digest digest, CancellationToken cancellationToken = default) =>
        BlobExistsAsync(repository, digest, RegistryOperation.Pull, cancellationToken);

    /// <summary>
    /// Pushes a blob unless the repository has it: a cross-repository mount when
    /// <paramref name="mountFrom"/> names another repository of the same registry, else one PUT or
    /// PATCH chunks. <paramref name="openContent"/> is called once per attempt; what it returns is
    /// checked against the descriptor as it is sent, so a changed file never becomes a blob.
    /// </summary>
    public Task<BlobPushResult> PushBlobAsync(
        ImageReference repository,
        Descriptor descriptor,
        Func<CancellationToken, Task<Stream>> openContent,
        ImageReference? mountFrom = null,
        CancellationToken cancellationToken = default) =>
        _uploader.PushAsync(
            repository,
            descriptor,
            openContent,
            mountFrom,
            ct => BlobExistsAsync(repository, descriptor.Digest, RegistryOperation.Push, ct),
            cancellationToken);

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
            throw RegistryResponse.TooLarge(repository, "manifest", manifest.Length, _options.Limits.MaxManifestBytes);
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
        await RegistryResponse.EnsureSuccessAsync(response, repository, $"push the manifest {tagOrDigest}", cancellationToken).ConfigureAwait(false);
        if (Digest.TryParse(RegistryResponse.Header(response, "Docker-Content-Digest"), out var stored) && stored.Algorithm == digest.Algorithm && stored != digest)
        {
            throw RegistryResponse.Mismatch(repository, $"the registry stored the manifest as {stored}, but its bytes hash to {digest}");
        }

        return RegistryResponse.Header(response, "OCI-Subject") is not null;
    }

    /// <summary>Lists a repository's tags, following <c>Link</c> pagination where the registry paginates.</summary>
    public async Task<IReadOnlyList<string>> ListTagsAsync(ImageReference repository, CancellationToken cancellationToken = default)
    {
        var tags = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        string? next = $"/v2/{repository.Repository}/tags/list";
        for (var page = 0; next is not null && page < LinkPagination.MaxPages; page++)
        {
            using var response = await _transport.SendAsync(LinkPagination.PageRequest(repository, next), cancellationToken).ConfigureAwait(false);
            await RegistryResponse.EnsureSuccessAsync(response, repository, "list the tags", cancellationToken).ConfigureAwait(false);
            var body = await RegistryResponse.ReadLimitedAsync(response, repository, "tag list", _options.Limits.MaxManifestBytes, cancellationToken).ConfigureAwait(false);
            using (var document = RegistryResponse.ParseJson(body, repository, "tag list"))
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

            next = LinkPagination.NextPage(response);
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
        for (var page = 0; next is not null && page < LinkPagination.MaxPages; page++)
        {
            using var response = await _transport.SendAsync(LinkPagination.PageRequest(repository, next, [MediaTypes.OciIndex]), cancellationToken).ConfigureAwait(false);
            if (page == 0 && response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed)
            {
                return await _tagSchema.ListAsync(repository, subject, artifactType, cancellationToken).ConfigureAwait(false);
            }

            await RegistryResponse.EnsureSuccessAsync(response, repository, $"list the referrers of {subject}", cancellationToken).ConfigureAwait(false);
            filtered |= response.Headers.TryGetValues("OCI-Filters-Applied", out var applied) &&
                        applied.Any(v => v.Contains("artifactType", StringComparison.OrdinalIgnoreCase));
            var body = await RegistryResponse.ReadLimitedAsync(response, repository, "referrers index", _options.Limits.MaxManifestBytes, cancellationToken).ConfigureAwait(false);
            referrers.AddRange(RegistryResponse.ParseIndex(body, repository).Manifests);
            next = LinkPagination.NextPage(response);
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
            await _tagSchema.AddAsync(repository, subject.Digest, descriptor, cancellationToken).ConfigureAwait(false);
        }

        return descriptor;
    }

    public void Dispose() => _transport.Dispose();

    private async Task<bool> BlobExistsAsync(ImageReference repository, Digest digest, RegistryOperation operation, CancellationToken cancellationToken)
    {
        using var response = await _transport.SendAsync(
            new RegistryRequest(repository, HttpMethod.Head, $"/v2/{repository.Repository}/blobs/{digest}") { Operation = operation },
            cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }

        await RegistryResponse.EnsureSuccessAsync(response, repository, $"check for the blob {digest}", cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>The blob's body under a verifying stream; a body cut mid-stream resumes (see <see cref="ResumableBlobStream"/>).</summary>
    private async Task<VerifyingReadStream> OpenBlobAsync(ImageReference repository, Descriptor descriptor, long maxBytes, CancellationToken cancellationToken)
    {
        if (descriptor.Size > maxBytes)
        {
            throw RegistryResponse.TooLarge(repository, "blob", descriptor.Size, maxBytes);
        }

        var response = await SendBlobRequestAsync(repository, descriptor, null, cancellationToken).ConfigureAwait(false);
        try
        {
            await RegistryResponse.EnsureSuccessAsync(response, repository, $"fetch the blob {descriptor.Digest}", cancellationToken).ConfigureAwait(false);
            if (response.Content.Headers.ContentLength is { } length && length != descriptor.Size)
            {
                throw RegistryResponse.Mismatch(repository, $"the registry sends {length} bytes for {descriptor.Digest}, the descriptor says {descriptor.Size}");
            }

            var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            var resumable = new ResumableBlobStream(
                response,
                body,
                descriptor.Size,
                repository,
                _transport.Retries.Start(),
                (offset, ct) => SendBlobRequestAsync(repository, descriptor, offset, ct),
                (cause, attempts) => RegistryTransport.Unreachable(
                    BlobRequest(repository, descriptor, null), new Uri(_transport.BaseUri(repository), $"v2/{repository.Repository}/blobs/{descriptor.Digest}"), cause, attempts));
            return new VerifyingReadStream(resumable, descriptor.Digest, descriptor.Size) { Source = $"{repository.RepositoryName}@{descriptor.Digest}" };
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    private Task<HttpResponseMessage> SendBlobRequestAsync(ImageReference repository, Descriptor descriptor, long? from, CancellationToken cancellationToken) =>
        _transport.SendAsync(BlobRequest(repository, descriptor, from), cancellationToken);

    private static RegistryRequest BlobRequest(ImageReference repository, Descriptor descriptor, long? from) =>
        new(repository, HttpMethod.Get, $"/v2/{repository.Repository}/blobs/{descriptor.Digest}") { FollowRedirects = true, RangeFrom = from };

    private static RegistryRequest ManifestRequest(ImageReference reference, HttpMethod method, string target) =>
        new(reference, method, $"/v2/{reference.Repository}/manifests/{target}") { Accept = MediaTypes.ManifestAccept };

    private static string RequireManifestReference(ImageReference reference) =>
        reference.ManifestReference ?? throw new ArgumentException($"'{reference}' names no tag or digest.", nameof(reference));

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

    private static Digest Hash(Digest like, byte[] bytes)
    {
        using var hash = like.CreateHash();
        hash.AppendData(bytes);
        return like.WithHash(hash.GetHashAndReset());
    }
}
