using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Registry;

namespace Skills.Oci.Build.Tests.Infrastructure;

/// <summary>
/// A minimal in-memory OCI registry with the referrers API (distribution-spec 1.1), because no packaged
/// registry here has one (distribution 2.8 answers 404). It implements only what the referrers path
/// needs: blob HEAD/GET and uploads (POST, PATCH, PUT; also single-POST with <c>?digest=</c>), manifest
/// PUT/GET/HEAD/DELETE by tag or digest with the pushed Content-Type preserved, tags list, and
/// <c>GET /v2/&lt;name&gt;/referrers/&lt;digest&gt;[?artifactType=]</c>. No auth, no mounts, no
/// validation that referenced blobs exist.
/// </summary>
public sealed partial class ReferrersRegistry : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Repository> _repositories = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, MemoryStream> _uploads = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<RegistryRequest> _requests = new();
    private LoopbackWebServer? _server;

    private ReferrersRegistry()
    {
    }

    public int Port => _server!.Port;

    public string HostPort => _server!.HostPort;

    public Uri BaseUri => _server!.BaseUri;

    public IReadOnlyList<RegistryRequest> Requests => _requests.ToArray();

    public static async Task<ReferrersRegistry> StartAsync(CancellationToken cancellationToken = default)
    {
        var registry = new ReferrersRegistry();
        registry._server = await LoopbackWebServer.StartAsync(registry.HandleAsync, cancellationToken).ConfigureAwait(false);
        return registry;
    }

    public void ClearRequests() => _requests.Clear();

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var path = request.Path.Value ?? string.Empty;
        var cancellationToken = context.RequestAborted;
        Match match;
        if (path is "/v2/" or "/v2")
        {
            await WriteJsonAsync(context, StatusCodes.Status200OK, "{}", "application/json", cancellationToken).ConfigureAwait(false);
        }
        else if ((match = UploadsPath().Match(path)).Success && HttpMethods.IsPost(request.Method))
        {
            await StartUploadAsync(context, match.Groups["name"].Value, cancellationToken).ConfigureAwait(false);
        }
        else if ((match = UploadPath().Match(path)).Success)
        {
            await ContinueUploadAsync(context, match.Groups["name"].Value, match.Groups["id"].Value, cancellationToken).ConfigureAwait(false);
        }
        else if ((match = BlobPath().Match(path)).Success)
        {
            await ServeBlobAsync(context, match.Groups["name"].Value, match.Groups["digest"].Value, cancellationToken).ConfigureAwait(false);
        }
        else if ((match = ManifestPath().Match(path)).Success)
        {
            await HandleManifestAsync(context, match.Groups["name"].Value, match.Groups["reference"].Value, cancellationToken).ConfigureAwait(false);
        }
        else if ((match = TagsPath().Match(path)).Success && HttpMethods.IsGet(request.Method))
        {
            await ListTagsAsync(context, match.Groups["name"].Value, cancellationToken).ConfigureAwait(false);
        }
        else if ((match = ReferrersPath().Match(path)).Success && HttpMethods.IsGet(request.Method))
        {
            await ListReferrersAsync(context, match.Groups["name"].Value, match.Groups["digest"].Value, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
        }

        _requests.Enqueue(new RegistryRequest(request.Method, path + request.QueryString, context.Response.StatusCode, request.Headers.UserAgent.ToString()) { Protocol = request.Protocol });
    }

    private async Task StartUploadAsync(HttpContext context, string name, CancellationToken cancellationToken)
    {
        var body = await ReadBodyAsync(context.Request, cancellationToken).ConfigureAwait(false);
        if (context.Request.Query["digest"] is { Count: > 0 } digest)
        {
            await StoreBlobAsync(context, name, digest.ToString(), body, cancellationToken).ConfigureAwait(false);
            return;
        }

        var id = Guid.NewGuid().ToString("N");
        var upload = new MemoryStream();
        upload.Write(body);
        _uploads[id] = upload;
        SetUploadHeaders(context.Response, name, id, upload.Length);
        context.Response.StatusCode = StatusCodes.Status202Accepted;
    }

    private async Task ContinueUploadAsync(HttpContext context, string name, string id, CancellationToken cancellationToken)
    {
        if (!_uploads.TryGetValue(id, out var upload))
        {
            await WriteErrorAsync(context, StatusCodes.Status404NotFound, "BLOB_UPLOAD_UNKNOWN", "blob upload unknown", cancellationToken).ConfigureAwait(false);
            return;
        }

        var method = context.Request.Method;
        if (HttpMethods.IsGet(method))
        {
            SetUploadHeaders(context.Response, name, id, upload.Length);
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            return;
        }

        if (HttpMethods.IsDelete(method))
        {
            _uploads.TryRemove(id, out _);
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            return;
        }

        var body = await ReadBodyAsync(context.Request, cancellationToken).ConfigureAwait(false);
        lock (upload)
        {
            upload.Write(body);
        }

        if (HttpMethods.IsPatch(method))
        {
            SetUploadHeaders(context.Response, name, id, upload.Length);
            context.Response.StatusCode = StatusCodes.Status202Accepted;
        }
        else if (HttpMethods.IsPut(method))
        {
            _uploads.TryRemove(id, out _);
            await StoreBlobAsync(context, name, context.Request.Query["digest"].ToString(), upload.ToArray(), cancellationToken).ConfigureAwait(false);
        }
        else
        {
            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
        }
    }

    private async Task StoreBlobAsync(HttpContext context, string name, string digestText, byte[] content, CancellationToken cancellationToken)
    {
        if (!Digest.TryParse(digestText, out var digest) || Digest.ComputeSha256(content) != digest)
        {
            await WriteErrorAsync(context, StatusCodes.Status400BadRequest, "DIGEST_INVALID", "provided digest did not match uploaded content", cancellationToken).ConfigureAwait(false);
            return;
        }

        GetRepository(name).Blobs[digest.ToString()] = content;
        context.Response.Headers.Location = $"/v2/{name}/blobs/{digest}";
        context.Response.Headers["Docker-Content-Digest"] = digest.ToString();
        context.Response.StatusCode = StatusCodes.Status201Created;
    }

    private async Task ServeBlobAsync(HttpContext context, string name, string digest, CancellationToken cancellationToken)
    {
        if (!(HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method)))
        {
            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            return;
        }

        if (!_repositories.TryGetValue(name, out var repository) || !repository.Blobs.TryGetValue(digest, out var content))
        {
            await WriteErrorAsync(context, StatusCodes.Status404NotFound, "BLOB_UNKNOWN", "blob unknown to registry", cancellationToken).ConfigureAwait(false);
            return;
        }

        context.Response.Headers["Docker-Content-Digest"] = digest;
        await WriteContentAsync(context, content, "application/octet-stream", cancellationToken).ConfigureAwait(false);
    }

    private async Task HandleManifestAsync(HttpContext context, string name, string reference, CancellationToken cancellationToken)
    {
        var method = context.Request.Method;
        if (HttpMethods.IsPut(method))
        {
            var content = await ReadBodyAsync(context.Request, cancellationToken).ConfigureAwait(false);
            var digest = Digest.ComputeSha256(content).ToString();
            if (reference.Contains(':', StringComparison.Ordinal) && reference != digest)
            {
                await WriteErrorAsync(context, StatusCodes.Status400BadRequest, "DIGEST_INVALID", "manifest digest did not match", cancellationToken).ConfigureAwait(false);
                return;
            }

            StoredManifest manifest;
            try
            {
                manifest = StoredManifest.Parse(content, context.Request.ContentType ?? string.Empty, digest);
            }
            catch (JsonException exception)
            {
                await WriteErrorAsync(context, StatusCodes.Status400BadRequest, "MANIFEST_INVALID", exception.Message, cancellationToken).ConfigureAwait(false);
                return;
            }

            var repository = GetRepository(name);
            repository.Manifests[digest] = manifest;
            if (!reference.Contains(':', StringComparison.Ordinal))
            {
                repository.Tags[reference] = digest;
            }

            context.Response.Headers.Location = $"/v2/{name}/manifests/{digest}";
            context.Response.Headers["Docker-Content-Digest"] = digest;
            if (manifest.SubjectDigest is not null)
            {
                // Tells clients this registry indexed the subject, so no tag-schema fallback is needed.
                context.Response.Headers["OCI-Subject"] = manifest.SubjectDigest;
            }

            context.Response.StatusCode = StatusCodes.Status201Created;
            return;
        }

        var found = _repositories.TryGetValue(name, out var existing) ? Resolve(existing, reference) : null;
        if (found is null)
        {
            await WriteErrorAsync(context, StatusCodes.Status404NotFound, "MANIFEST_UNKNOWN", "manifest unknown", cancellationToken).ConfigureAwait(false);
            return;
        }

        if (HttpMethods.IsDelete(method))
        {
            existing!.Manifests.TryRemove(found.Digest, out _);
            foreach (var tag in existing.Tags.Where(pair => pair.Value == found.Digest).Select(pair => pair.Key).ToArray())
            {
                existing.Tags.TryRemove(tag, out _);
            }

            context.Response.StatusCode = StatusCodes.Status202Accepted;
            return;
        }

        context.Response.Headers["Docker-Content-Digest"] = found.Digest;
        context.Response.Headers.ETag = $"\"{found.Digest}\"";
        await WriteContentAsync(context, found.Content, found.MediaType, cancellationToken).ConfigureAwait(false);
    }

    private async Task ListTagsAsync(HttpContext context, string name, CancellationToken cancellationToken)
    {
        if (!_repositories.TryGetValue(name, out var repository))
        {
            await WriteErrorAsync(context, StatusCodes.Status404NotFound, "NAME_UNKNOWN", "repository name not known to registry", cancellationToken).ConfigureAwait(false);
            return;
        }

        var body = new JsonObject
        {
            ["name"] = name,
            ["tags"] = new JsonArray(repository.Tags.Keys.Order(StringComparer.Ordinal).Select(tag => (JsonNode)tag).ToArray()),
        };
        await WriteJsonAsync(context, StatusCodes.Status200OK, body.ToJsonString(), "application/json", cancellationToken).ConfigureAwait(false);
    }

    private async Task ListReferrersAsync(HttpContext context, string name, string subject, CancellationToken cancellationToken)
    {
        var artifactType = context.Request.Query["artifactType"].ToString();
        var referrers = _repositories.TryGetValue(name, out var repository)
            ? repository.Manifests.Values.Where(manifest => manifest.SubjectDigest == subject).OrderBy(manifest => manifest.Digest, StringComparer.Ordinal).ToArray()
            : [];
        if (artifactType.Length > 0)
        {
            referrers = referrers.Where(manifest => manifest.ArtifactType == artifactType).ToArray();
            context.Response.Headers["OCI-Filters-Applied"] = "artifactType";
        }

        var manifests = new JsonArray();
        foreach (var referrer in referrers)
        {
            var descriptor = new JsonObject
            {
                ["mediaType"] = referrer.MediaType,
                ["digest"] = referrer.Digest,
                ["size"] = referrer.Content.Length,
            };
            if (referrer.ArtifactType is not null)
            {
                descriptor["artifactType"] = referrer.ArtifactType;
            }

            if (referrer.Annotations is not null)
            {
                descriptor["annotations"] = referrer.Annotations.DeepClone();
            }

            manifests.Add(descriptor);
        }

        var index = new JsonObject { ["schemaVersion"] = 2, ["mediaType"] = MediaTypes.OciIndex, ["manifests"] = manifests };
        await WriteJsonAsync(context, StatusCodes.Status200OK, index.ToJsonString(), MediaTypes.OciIndex, cancellationToken).ConfigureAwait(false);
    }

    private Repository GetRepository(string name) => _repositories.GetOrAdd(name, _ => new Repository());

    private static StoredManifest? Resolve(Repository repository, string reference) =>
        repository.Manifests.TryGetValue(reference.Contains(':', StringComparison.Ordinal) ? reference : repository.Tags.GetValueOrDefault(reference) ?? string.Empty, out var manifest) ? manifest : null;

    private static void SetUploadHeaders(HttpResponse response, string name, string id, long length)
    {
        response.Headers.Location = $"/v2/{name}/blobs/uploads/{id}";
        response.Headers["Docker-Upload-UUID"] = id;
        response.Headers["Range"] = string.Create(CultureInfo.InvariantCulture, $"0-{Math.Max(0, length - 1)}");
    }

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        return buffer.ToArray();
    }

    private static async Task WriteContentAsync(HttpContext context, byte[] content, string contentType, CancellationToken cancellationToken, int status = StatusCodes.Status200OK)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        context.Response.ContentLength = content.Length;
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await context.Response.Body.WriteAsync(content, cancellationToken).ConfigureAwait(false);
        }
    }

    private static Task WriteErrorAsync(HttpContext context, int status, string code, string message, CancellationToken cancellationToken) =>
        WriteJsonAsync(context, status, new JsonObject { ["errors"] = new JsonArray(new JsonObject { ["code"] = code, ["message"] = message }) }.ToJsonString(), "application/json", cancellationToken);

    private static Task WriteJsonAsync(HttpContext context, int status, string json, string contentType, CancellationToken cancellationToken) =>
        WriteContentAsync(context, System.Text.Encoding.UTF8.GetBytes(json), contentType, cancellationToken, status);

    [GeneratedRegex("^/v2/(?<name>.+)/blobs/uploads/?$")]
    private static partial Regex UploadsPath();

    [GeneratedRegex("^/v2/(?<name>.+)/blobs/uploads/(?<id>[^/]+)$")]
    private static partial Regex UploadPath();

    [GeneratedRegex("^/v2/(?<name>.+)/blobs/(?<digest>sha256:[a-f0-9]{64})$")]
    private static partial Regex BlobPath();

    [GeneratedRegex("^/v2/(?<name>.+)/manifests/(?<reference>[^/]+)$")]
    private static partial Regex ManifestPath();

    [GeneratedRegex("^/v2/(?<name>.+)/tags/list$")]
    private static partial Regex TagsPath();

    [GeneratedRegex("^/v2/(?<name>.+)/referrers/(?<digest>sha256:[a-f0-9]{64})$")]
    private static partial Regex ReferrersPath();

    private sealed class Repository
    {
        public ConcurrentDictionary<string, byte[]> Blobs { get; } = new(StringComparer.Ordinal);

        public ConcurrentDictionary<string, StoredManifest> Manifests { get; } = new(StringComparer.Ordinal);

        public ConcurrentDictionary<string, string> Tags { get; } = new(StringComparer.Ordinal);
    }

    private sealed record StoredManifest(byte[] Content, string MediaType, string Digest, string? SubjectDigest, string? ArtifactType, JsonObject? Annotations)
    {
        public static StoredManifest Parse(byte[] content, string contentType, string digest)
        {
            var root = JsonNode.Parse(content) as JsonObject ?? throw new JsonException("A manifest must be a JSON object.");
            var mediaType = contentType.Length > 0 ? contentType : root["mediaType"]?.GetValue<string>() ?? MediaTypes.OciManifest;
            // Per distribution-spec, an image manifest without artifactType is listed under its config media type.
            var artifactType = root["artifactType"]?.GetValue<string>() ?? root["config"]?["mediaType"]?.GetValue<string>();
            return new StoredManifest(content, mediaType, digest, root["subject"]?["digest"]?.GetValue<string>(), artifactType, root["annotations"] as JsonObject);
        }
    }
}
