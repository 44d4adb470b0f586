using System.Net;
using System.Text;
using System.Text.Json;
using Skills.Oci.Build.Oci;

namespace Skills.Oci.Build.Tests.Infrastructure.Tests;

public sealed class ReferrersRegistryTests : IAsyncLifetime, IDisposable
{
    private readonly CancellationTokenSource _hangGuard = new(TimeSpan.FromSeconds(60));
    private ReferrersRegistry _registry = null!;
    private HttpClient _client = null!;

    private CancellationToken Timeout => _hangGuard.Token;

    public async Task InitializeAsync()
    {
        _registry = await ReferrersRegistry.StartAsync(Timeout);
        _client = new HttpClient { BaseAddress = _registry.BaseUri };
    }

    public async Task DisposeAsync() => await _registry.DisposeAsync();

    public void Dispose()
    {
        _client.Dispose();
        _hangGuard.Dispose();
    }

    [Fact]
    public async Task Referrers_API_lists_manifests_whose_subject_matches_and_filters_by_artifact_type()
    {
        var subject = await RegistryBlobs.PushSmallArtifactAsync(_client, "skills/referred", "1.0.0", Timeout);
        var subjectDigest = Digest.ComputeSha256(subject);
        var signature = Referrer(subject, MediaTypes.SigstoreBundleV03);
        var other = Referrer(subject, "application/vnd.example.sbom");
        foreach (var referrer in new[] { signature, other })
        {
            using var put = await RegistryBlobs.PutManifestAsync(_client, "skills/referred", Digest.ComputeSha256(referrer).ToString(), referrer, cancellationToken: Timeout);
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
            Assert.Equal(subjectDigest.ToString(), put.Headers.GetValues("OCI-Subject").Single());
        }

        using var all = await _client.GetAsync($"/v2/skills/referred/referrers/{subjectDigest}", Timeout);
        using var filtered = await _client.GetAsync($"/v2/skills/referred/referrers/{subjectDigest}?artifactType={Uri.EscapeDataString(MediaTypes.SigstoreBundleV03)}", Timeout);
        using var fetched = new HttpRequestMessage(HttpMethod.Get, $"/v2/skills/referred/manifests/{Digest.ComputeSha256(signature)}");
        using var manifest = await _client.SendAsync(fetched, Timeout);

        Assert.Equal(MediaTypes.OciIndex, all.Content.Headers.ContentType?.MediaType);
        using var allIndex = JsonDocument.Parse(await all.Content.ReadAsStringAsync(Timeout));
        Assert.Equal(2, allIndex.RootElement.GetProperty("manifests").GetArrayLength());
        using var filteredIndex = JsonDocument.Parse(await filtered.Content.ReadAsStringAsync(Timeout));
        var only = Assert.Single(filteredIndex.RootElement.GetProperty("manifests").EnumerateArray());
        Assert.Equal(MediaTypes.SigstoreBundleV03, only.GetProperty("artifactType").GetString());
        Assert.Equal(Digest.ComputeSha256(signature).ToString(), only.GetProperty("digest").GetString());
        Assert.Equal("artifactType", filtered.Headers.GetValues("OCI-Filters-Applied").Single());
        Assert.Equal(signature, await manifest.Content.ReadAsByteArrayAsync(Timeout));
        Assert.Equal(MediaTypes.OciManifest, manifest.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Tags_list_and_unknown_manifest_answer_like_a_registry()
    {
        await RegistryBlobs.PushSmallArtifactAsync(_client, "skills/tagged", "2.0.0", Timeout);
        await RegistryBlobs.PushSmallArtifactAsync(_client, "skills/tagged", "1.0.0", Timeout);

        var tags = await _client.GetStringAsync("/v2/skills/tagged/tags/list", Timeout);
        using var missing = await _client.GetAsync("/v2/skills/tagged/manifests/9.9.9", Timeout);
        using var head = new HttpRequestMessage(HttpMethod.Head, "/v2/skills/tagged/manifests/1.0.0");
        using var headResponse = await _client.SendAsync(head, Timeout);

        Assert.Equal("""{"name":"skills/tagged","tags":["1.0.0","2.0.0"]}""", tags);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(HttpStatusCode.OK, headResponse.StatusCode);
        Assert.StartsWith("sha256:", headResponse.Headers.GetValues("Docker-Content-Digest").Single(), StringComparison.Ordinal);
    }

    private static byte[] Referrer(byte[] subject, string artifactType) => Encoding.UTF8.GetBytes(
        $$"""{"schemaVersion":2,"mediaType":"{{MediaTypes.OciManifest}}","artifactType":"{{artifactType}}","config":{"mediaType":"{{MediaTypes.OciEmpty}}","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2},"layers":[],"subject":{"mediaType":"{{MediaTypes.OciManifest}}","digest":"{{Digest.ComputeSha256(subject)}}","size":{{subject.Length}}} }""");
}
