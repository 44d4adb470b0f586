using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Registry;

namespace Skills.Oci.Build.Tests.Oci.Registry;

/// <summary>A fault-injecting proxy in front of the real registry: corrupted bytes, 5xx, 429, dropped connections.</summary>
[Collection(RegistryCollectionDefinition.Name)]
public sealed class FaultToleranceTests(RegistryFixture fixture) : IAsyncLifetime
{
    private FaultProxy _proxy = null!;

    public async Task InitializeAsync() => _proxy = await FaultProxy.StartAsync(fixture.Registry.BaseUri);

    public async Task DisposeAsync() => await _proxy.DisposeAsync();

    private async Task<(SampleArtifact Artifact, ImageReference ViaProxy)> PushedAsync(string name)
    {
        using var direct = TestClients.Isolated();
        var artifact = SampleArtifact.Create(name, layerBytes: 50_000);
        await artifact.PushAsync(direct, ImageReference.Parse($"{fixture.Registry.HostPort}/faults/{name}"), "1.0.0");
        return (artifact, ImageReference.Parse($"{_proxy.HostPort}/faults/{name}"));
    }

    [Fact]
    public async Task Corrupted_layer_bytes_are_a_digest_mismatch_and_never_reach_the_reader()
    {
        var (artifact, repository) = await PushedAsync("corrupt-layer");
        using var client = TestClients.Isolated();
        var rule = _proxy.CorruptResponseBody("GET", "/blobs/sha256:" + artifact.LayerDescriptor.Digest.Encoded);
        var received = new MemoryStream();

        var error = await Assert.ThrowsAsync<RegistryException>(async () =>
        {
            await using var stream = await client.FetchBlobAsync(repository, artifact.LayerDescriptor, long.MaxValue);
            await stream.CopyToAsync(received);
        });

        Assert.Equal(1, rule.Applied);
        Assert.Equal(RegistryErrorKind.DigestMismatch, error.Kind);
        Assert.True(received.Length < artifact.Layer.Length, "the reader must not receive the whole corrupted blob");
    }

    [Fact]
    public async Task A_corrupted_manifest_fetched_by_digest_is_a_digest_mismatch()
    {
        var (artifact, repository) = await PushedAsync("corrupt-manifest");
        using var client = TestClients.Isolated();
        _proxy.CorruptResponseBody("GET", "/manifests/sha256:");

        var error = await Assert.ThrowsAsync<RegistryException>(() => client.FetchManifestAsync(repository, artifact.ManifestDescriptor));

        Assert.Equal(RegistryErrorKind.DigestMismatch, error.Kind);
    }

    [Fact]
    public async Task A_corrupted_manifest_fetched_by_tag_disagrees_with_the_registry_digest()
    {
        var (_, repository) = await PushedAsync("corrupt-tag");
        using var client = TestClients.Isolated();
        _proxy.CorruptResponseBody("GET", "/manifests/1.0.0");

        var error = await Assert.ThrowsAsync<RegistryException>(() => client.FetchManifestAsync(repository.WithTag("1.0.0")));

        Assert.Equal(RegistryErrorKind.DigestMismatch, error.Kind);
    }

    [Theory]
    [InlineData(503)]
    [InlineData(502)]
    [InlineData(429)]
    public async Task Transient_statuses_are_retried(int status)
    {
        var (artifact, repository) = await PushedAsync("retry-" + status);
        using var client = TestClients.Isolated();
        var manifestRule = _proxy.RespondWithStatus("GET", "/manifests/", status, times: 2);
        var blobRule = _proxy.RespondWithStatus("GET", "/blobs/", status, times: 2);

        var manifest = await client.FetchManifestAsync(repository.WithTag("1.0.0"));
        var layer = await TestClients.ReadAllAsync(await client.FetchBlobAsync(repository, artifact.LayerDescriptor, long.MaxValue));

        Assert.Equal(artifact.Manifest, manifest.Bytes);
        Assert.Equal(artifact.Layer, layer);
        Assert.Equal(2, manifestRule.Applied);
        Assert.Equal(2, blobRule.Applied);
    }

    [Fact]
    public async Task Retry_After_is_honoured()
    {
        var (_, repository) = await PushedAsync("retry-after");
        using var client = TestClients.Isolated();
        _proxy.RespondWithStatus("HEAD", "/manifests/", 429, times: 1, retryAfter: TimeSpan.FromSeconds(1));
        var started = DateTime.UtcNow;

        await client.ResolveAsync(repository.WithTag("1.0.0"));

        // A lower bound only: the client waited at least what the registry asked (never an upper bound).
        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromMilliseconds(900));
    }

    [Fact]
    public async Task Dropped_connections_are_retried()
    {
        var (artifact, repository) = await PushedAsync("dropped");
        using var client = TestClients.Isolated();
        var rule = _proxy.DropConnection("GET", "/manifests/", times: 2);

        var manifest = await client.FetchManifestAsync(repository.WithTag("1.0.0"));

        Assert.Equal(2, rule.Applied);
        Assert.Equal(artifact.Manifest, manifest.Bytes);
    }

    [Fact]
    public async Task Retries_are_bounded_and_end_in_an_unreachable_error()
    {
        var (_, repository) = await PushedAsync("bounded");
        using var client = TestClients.Isolated(new RegistryClientOptions { Environment = _ => null, MaxAttempts = 3 });
        var rule = _proxy.RespondWithStatus("GET", "/manifests/", 503, times: 100);

        var error = await Assert.ThrowsAsync<RegistryException>(() => client.FetchManifestAsync(repository.WithTag("1.0.0")));

        Assert.Equal(RegistryErrorKind.Unreachable, error.Kind);
        Assert.Equal(3, rule.Applied);
        Assert.Contains("503", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(FaultKind.CutResponseBody)]
    [InlineData(FaultKind.TruncateResponseBody)]
    public async Task A_blob_body_that_ends_early_resumes_from_the_first_missing_byte(FaultKind fault)
    {
        var (artifact, repository) = await PushedAsync("ends-early-" + fault.ToString().ToLowerInvariant());
        using var client = TestClients.Isolated();
        var rule = _proxy.AddFault(new FaultRule(fault, "GET", "/blobs/sha256:" + artifact.LayerDescriptor.Digest.Encoded));

        var layer = await TestClients.ReadAllAsync(await client.FetchBlobAsync(repository, artifact.LayerDescriptor, long.MaxValue));

        Assert.Equal(artifact.Layer, layer);
        Assert.Equal(1, rule.Applied);
        // The registry answered the resumption with the rest of the blob only.
        Assert.Contains(_proxy.Requests, r => r.Method == "GET" && r.PathAndQuery.Contains("/blobs/", StringComparison.Ordinal) && r.Status == 206);
    }

    [Fact]
    public async Task A_cut_blob_restarts_when_the_registry_ignores_the_range_and_is_still_verified()
    {
        var (artifact, repository) = await PushedAsync("cut-no-range");
        using var client = TestClients.Isolated();
        _proxy.IgnoreRangeRequests = true;
        var cut = _proxy.CutResponseBody("GET", "/blobs/sha256:" + artifact.LayerDescriptor.Digest.Encoded);

        var layer = await TestClients.ReadAllAsync(await client.FetchBlobAsync(repository, artifact.LayerDescriptor, long.MaxValue));

        Assert.Equal(artifact.Layer, layer);
        Assert.Equal(1, cut.Applied);
        Assert.Equal(2, _proxy.Requests.Count(r => r.Method == "GET" && r.PathAndQuery.Contains("/blobs/", StringComparison.Ordinal) && r.Status == 200));
    }

    [Fact]
    public async Task A_blob_body_cut_every_time_is_unreachable_once_the_retries_are_spent()
    {
        var (artifact, repository) = await PushedAsync("cut-always");
        using var client = TestClients.Isolated(new RegistryClientOptions { Environment = _ => null, MaxAttempts = 3 });
        var rule = _proxy.CutResponseBody("GET", "/blobs/sha256:" + artifact.LayerDescriptor.Digest.Encoded, times: 100);

        var error = await Assert.ThrowsAsync<RegistryException>(async () =>
            await TestClients.ReadAllAsync(await client.FetchBlobAsync(repository, artifact.LayerDescriptor, long.MaxValue)));

        Assert.Equal(RegistryErrorKind.Unreachable, error.Kind);
        Assert.Equal(3, error.Attempts);
        Assert.Equal(3, rule.Applied);
        Assert.Equal(ErrorCodes.RegistryUnreachable, RegistryErrorMapping.ToDiagnostic(error).Code);
    }

    [Fact]
    public async Task A_small_blob_read_whole_survives_a_cut_body()
    {
        var (artifact, repository) = await PushedAsync("cut-config");
        using var client = TestClients.Isolated();
        var rule = _proxy.CutResponseBody("GET", "/blobs/sha256:" + artifact.LayerDescriptor.Digest.Encoded);

        var bytes = await client.FetchBlobBytesAsync(repository, artifact.LayerDescriptor, long.MaxValue);

        Assert.Equal(artifact.Layer, bytes);
        Assert.Equal(1, rule.Applied);
    }

    [Fact]
    public async Task An_upload_interrupted_by_faults_starts_a_fresh_session_and_succeeds()
    {
        using var client = TestClients.Isolated(new RegistryClientOptions { Environment = _ => null, UploadMode = BlobUploadMode.Chunked, ChunkSize = 16 * 1024 });
        var artifact = SampleArtifact.Create("upload-faults", layerBytes: 100_000);
        var repository = ImageReference.Parse($"{_proxy.HostPort}/faults/upload-faults");
        var patch = _proxy.RespondWithStatus("PATCH", "/blobs/uploads/", 503, times: 1);
        var drop = _proxy.DropConnection("PUT", "/blobs/uploads/", times: 1);

        var result = await client.PushBlobAsync(repository, artifact.LayerDescriptor, artifact.OpenLayer);
        var back = await TestClients.ReadAllAsync(await client.FetchBlobAsync(repository, artifact.LayerDescriptor, long.MaxValue));

        Assert.Equal(BlobPushResult.Uploaded, result);
        Assert.Equal(1, patch.Applied);
        Assert.Equal(1, drop.Applied);
        Assert.Equal(artifact.Layer, back);
    }

    [Fact]
    public async Task Upload_locations_relative_to_the_registry_are_followed()
    {
        await using var registry = await RegistryProcess.StartAsync(new RegistryOptions { RelativeUrls = true });
        using var client = TestClients.Isolated(new RegistryClientOptions { Environment = _ => null, UploadMode = BlobUploadMode.Chunked, ChunkSize = 16 * 1024 });
        var artifact = SampleArtifact.Create("relative", layerBytes: 40_000);
        var repository = ImageReference.Parse($"{registry.HostPort}/faults/relative");

        await artifact.PushAsync(client, repository, "1.0.0");

        Assert.Equal(artifact.Manifest, (await client.FetchManifestAsync(repository.WithTag("1.0.0"))).Bytes);
    }
}
