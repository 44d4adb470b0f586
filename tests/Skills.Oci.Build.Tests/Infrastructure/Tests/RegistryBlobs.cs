using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Skills.Oci.Build.Oci;

namespace Skills.Oci.Build.Tests.Infrastructure.Tests;

/// <summary>Raw distribution-API calls the infrastructure tests make with a plain <see cref="HttpClient"/>.</summary>
internal static class RegistryBlobs
{
    /// <summary>POST + monolithic PUT, following the <c>Location</c> the registry (or proxy) returns; returns the final response.</summary>
    public static async Task<HttpResponseMessage> PushAsync(HttpClient client, string repository, byte[] content, AuthenticationHeaderValue? authorization = null, CancellationToken cancellationToken = default)
    {
        using var start = new HttpRequestMessage(HttpMethod.Post, $"/v2/{repository}/blobs/uploads/");
        start.Headers.Authorization = authorization;
        var started = await client.SendAsync(start, cancellationToken);
        if (started.StatusCode != HttpStatusCode.Accepted)
        {
            return started;
        }

        var location = started.Headers.Location ?? throw new InvalidOperationException("No Location on 202.");
        started.Dispose();
        var digest = Digest.ComputeSha256(content);
        var separator = location.OriginalString.Contains('?', StringComparison.Ordinal) ? "&" : "?";
        var target = new Uri(location.OriginalString + separator + "digest=" + Uri.EscapeDataString(digest.ToString()), UriKind.RelativeOrAbsolute);
        using var put = new HttpRequestMessage(HttpMethod.Put, target) { Content = new ByteArrayContent(content) };
        put.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        put.Headers.Authorization = authorization;
        return await client.SendAsync(put, cancellationToken);
    }

    public static async Task<HttpResponseMessage> PutManifestAsync(HttpClient client, string repository, string reference, byte[] manifest, string mediaType = MediaTypes.OciManifest, CancellationToken cancellationToken = default)
    {
        using var put = new HttpRequestMessage(HttpMethod.Put, $"/v2/{repository}/manifests/{reference}") { Content = new ByteArrayContent(manifest) };
        put.Content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        return await client.SendAsync(put, cancellationToken);
    }

    /// <summary>Pushes an empty config blob and a small layer, then a manifest referencing both; returns the manifest bytes.</summary>
    public static async Task<byte[]> PushSmallArtifactAsync(HttpClient client, string repository, string tag, CancellationToken cancellationToken = default)
    {
        var config = "{}"u8.ToArray();
        var layer = Encoding.UTF8.GetBytes("layer content " + Guid.NewGuid());
        foreach (var blob in new[] { config, layer })
        {
            using var pushed = await PushAsync(client, repository, blob, cancellationToken: cancellationToken);
            Assert.Equal(HttpStatusCode.Created, pushed.StatusCode);
        }

        var manifest = Encoding.UTF8.GetBytes(
            $$"""{"schemaVersion":2,"mediaType":"{{MediaTypes.OciManifest}}","artifactType":"{{MediaTypes.SkillArtifact}}","config":{"mediaType":"{{MediaTypes.OciEmpty}}","digest":"{{Digest.ComputeSha256(config)}}","size":{{config.Length}}},"layers":[{"mediaType":"{{MediaTypes.SkillContentLayer}}","digest":"{{Digest.ComputeSha256(layer)}}","size":{{layer.Length}}}]}""");
        using var response = await PutManifestAsync(client, repository, tag, manifest, cancellationToken: cancellationToken);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return manifest;
    }
}
