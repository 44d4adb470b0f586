using System.Text;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Registry;

namespace Skills.Oci.Build.Tests.Oci.Registry;

[Collection(RegistryCollectionDefinition.Name)]
public class RegistryRoundTripTests(RegistryFixture fixture)
{
    private ImageReference Repository(string name) => ImageReference.Parse($"{fixture.Registry.HostPort}/roundtrip/{name}");

    [Fact]
    public async Task Pushed_config_layer_and_manifest_come_back_byte_identical()
    {
        using var client = TestClients.Isolated();
        var repository = Repository("identical");
        var artifact = SampleArtifact.Create("identical");

        await artifact.PushAsync(client, repository, "1.0.0");
        var manifest = await client.FetchManifestAsync(repository.WithTag("1.0.0"));
        var config = await client.FetchBlobBytesAsync(repository, artifact.ConfigDescriptor, 1024 * 1024);
        var layer = await TestClients.ReadAllAsync(await client.FetchBlobAsync(repository, artifact.LayerDescriptor, long.MaxValue));

        Assert.Equal(artifact.Manifest, manifest.Bytes);
        Assert.Equal(artifact.ManifestDescriptor.Digest, manifest.Descriptor.Digest);
        Assert.Equal(MediaTypes.OciManifest, manifest.Descriptor.MediaType);
        Assert.Equal(artifact.Config, config);
        Assert.Equal(artifact.Layer, layer);
        var parsed = manifest.ParseManifest();
        Assert.Equal(MediaTypes.SkillArtifact, parsed.ArtifactType);
        Assert.Equal("identical", parsed.GetAnnotation(AnnotationKeys.SkillName));
        Assert.Equal("identical.tar.gz", Assert.Single(parsed.Layers!).GetAnnotation(AnnotationKeys.Title));
    }

    [Fact]
    public async Task Resolving_a_tag_uses_HEAD_and_returns_the_manifest_descriptor()
    {
        using var client = TestClients.Isolated();
        var repository = Repository("resolve");
        var artifact = SampleArtifact.Create("resolve");
        await artifact.PushAsync(client, repository, "2.0.0");
        fixture.Registry.ClearRequests();

        var descriptor = await client.ResolveAsync(repository.WithTag("2.0.0"));
        var requests = (await fixture.Registry.WaitForRequestsAsync()).Where(r => r.Path.Contains("/roundtrip/resolve/", StringComparison.Ordinal)).ToList();

        Assert.Equal(artifact.ManifestDescriptor.Digest, descriptor.Digest);
        Assert.Equal(artifact.Manifest.Length, descriptor.Size);
        Assert.Equal(MediaTypes.OciManifest, descriptor.MediaType);
        var request = Assert.Single(requests);
        Assert.Equal("HEAD", request.Method);
        Assert.StartsWith("Skills.Oci/", request.UserAgent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fetching_by_digest_verifies_the_manifest()
    {
        using var client = TestClients.Isolated();
        var repository = Repository("bydigest");
        var artifact = SampleArtifact.Create("bydigest");
        await artifact.PushAsync(client, repository, "1");

        var manifest = await client.FetchManifestAsync(repository, artifact.ManifestDescriptor);

        Assert.Equal(artifact.Manifest, manifest.Bytes);
    }

    [Fact]
    public async Task Tags_are_listed()
    {
        using var client = TestClients.Isolated();
        var repository = Repository("tags");
        var artifact = SampleArtifact.Create("tags");
        foreach (var tag in new[] { "1.0.0", "1.1.0", "v1.2.0", "latest" })
        {
            await artifact.PushAsync(client, repository, tag);
        }

        var tags = await client.ListTagsAsync(repository);

        Assert.Equal(["1.0.0", "1.1.0", "latest", "v1.2.0"], tags.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Unknown_tag_and_repository_are_typed_not_found_errors_with_the_registry_code()
    {
        using var client = TestClients.Isolated();
        var repository = Repository("missing");

        var manifest = await Assert.ThrowsAsync<RegistryException>(() => client.FetchManifestAsync(repository.WithTag("9.9.9")));
        var tags = await Assert.ThrowsAsync<RegistryException>(() => client.ListTagsAsync(repository));

        Assert.Equal(RegistryErrorKind.NotFound, manifest.Kind);
        Assert.Equal("MANIFEST_UNKNOWN", manifest.ErrorCode);
        Assert.Equal("roundtrip/missing", manifest.Repository);
        Assert.Equal(RegistryErrorKind.NotFound, tags.Kind);
        Assert.Equal("NAME_UNKNOWN", tags.ErrorCode);
    }

    [Fact]
    public async Task A_second_push_of_the_same_blob_uploads_nothing()
    {
        using var client = TestClients.Isolated();
        var repository = Repository("exists");
        var artifact = SampleArtifact.Create("exists");
        Assert.Equal(BlobPushResult.Uploaded, await client.PushBlobAsync(repository, artifact.LayerDescriptor, artifact.OpenLayer));
        fixture.Registry.ClearRequests();

        var result = await client.PushBlobAsync(repository, artifact.LayerDescriptor, artifact.OpenLayer);
        var requests = (await fixture.Registry.WaitForRequestsAsync()).Where(r => r.Path.Contains("/roundtrip/exists/", StringComparison.Ordinal)).ToList();

        Assert.Equal(BlobPushResult.AlreadyExists, result);
        Assert.Equal("HEAD", Assert.Single(requests).Method);
    }

    [Fact]
    public async Task A_blob_in_another_repository_is_mounted_not_uploaded()
    {
        using var client = TestClients.Isolated();
        var source = Repository("mount-source");
        var target = Repository("mount-target");
        var artifact = SampleArtifact.Create("mount", layerBytes: 100_000);
        await client.PushBlobAsync(source, artifact.LayerDescriptor, artifact.OpenLayer);
        fixture.Registry.ClearRequests();

        var result = await client.PushBlobAsync(target, artifact.LayerDescriptor, artifact.OpenLayer, mountFrom: source);
        var requests = (await fixture.Registry.WaitForRequestsAsync()).Where(r => r.Path.Contains("/roundtrip/mount-target/", StringComparison.Ordinal)).ToList();

        Assert.Equal(BlobPushResult.Mounted, result);
        Assert.DoesNotContain(requests, r => r.Method is "PUT" or "PATCH");
        Assert.Contains(requests, r => r.Method == "POST" && r.PathAndQuery.Contains("mount=", StringComparison.Ordinal) && r.Status == 201);
        Assert.True(await client.BlobExistsAsync(target, artifact.LayerDescriptor.Digest));
    }

    [Theory]
    [InlineData(BlobUploadMode.Chunked)]
    [InlineData(BlobUploadMode.Monolithic)]
    [InlineData(BlobUploadMode.Auto)]
    public async Task A_blob_larger_than_the_chunk_size_uploads_in_every_mode(BlobUploadMode mode)
    {
        const int chunk = 64 * 1024;
        using var client = TestClients.Isolated(new RegistryClientOptions
        {
            Environment = _ => null,
            UploadMode = mode,
            ChunkSize = chunk,
            MonolithicUploadLimit = chunk,
        });
        var repository = Repository("upload-" + mode.ToString().ToLowerInvariant());
        var artifact = SampleArtifact.Create("big", layerBytes: (chunk * 4) + 123, seed: (int)mode + 7);
        fixture.Registry.ClearRequests();

        Assert.Equal(BlobPushResult.Uploaded, await client.PushBlobAsync(repository, artifact.LayerDescriptor, artifact.OpenLayer));
        var requests = (await fixture.Registry.WaitForRequestsAsync()).Where(r => r.Path.Contains(repository.Repository + "/", StringComparison.Ordinal)).ToList();
        var back = await TestClients.ReadAllAsync(await client.FetchBlobAsync(repository, artifact.LayerDescriptor, long.MaxValue));

        Assert.Equal(artifact.Layer, back);
        var patches = requests.Count(r => r.Method == "PATCH");
        if (mode == BlobUploadMode.Monolithic)
        {
            Assert.Equal(0, patches);
            Assert.Single(requests, r => r.Method == "PUT" && r.Status == 201);
        }
        else
        {
            Assert.Equal(5, patches);
        }

        // Never the single-POST form distribution 2.8 does not honour.
        Assert.DoesNotContain(requests, r => r.Method == "POST" && r.PathAndQuery.Contains("digest=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_source_that_does_not_match_its_descriptor_never_becomes_a_blob()
    {
        using var client = TestClients.Isolated();
        var repository = Repository("changed-source");
        var artifact = SampleArtifact.Create("changed");
        var other = SampleArtifact.Create("changed", seed: 99).Layer;

        var error = await Assert.ThrowsAnyAsync<Exception>(() =>
            client.PushBlobAsync(repository, artifact.LayerDescriptor, _ => Task.FromResult<Stream>(new MemoryStream(other))));

        Assert.False(await client.BlobExistsAsync(repository, artifact.LayerDescriptor.Digest));
        Assert.Contains("mismatch", error.ToString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_manifest_over_the_limit_is_refused_before_it_is_read_whole()
    {
        using var client = TestClients.Isolated();
        var repository = Repository("limit");
        var artifact = SampleArtifact.Create("limit");
        await artifact.PushAsync(client, repository, "1.0.0");
        using var limited = TestClients.Isolated(new RegistryClientOptions
        {
            Environment = _ => null,
            Limits = OciLimits.Default with { MaxManifestBytes = 100 },
        });

        var byTag = await Assert.ThrowsAsync<RegistryException>(() => limited.FetchManifestAsync(repository.WithTag("1.0.0")));
        var byDescriptor = await Assert.ThrowsAsync<RegistryException>(() => limited.FetchManifestAsync(repository, artifact.ManifestDescriptor));
        var layer = await Assert.ThrowsAsync<RegistryException>(() => limited.FetchBlobAsync(repository, artifact.LayerDescriptor, 10));

        Assert.Equal(RegistryErrorKind.TooLarge, byTag.Kind);
        Assert.Equal(RegistryErrorKind.TooLarge, byDescriptor.Kind);
        Assert.Equal(RegistryErrorKind.TooLarge, layer.Kind);
    }

    [Fact]
    public async Task Skopeo_reads_the_manifest_the_client_pushed_byte_for_byte()
    {
        using var client = TestClients.Isolated();
        var repository = Repository("skopeo");
        var artifact = SampleArtifact.Create("skopeo");
        await artifact.PushAsync(client, repository, "1.0.0");

        var raw = await Skopeo.InspectRawAsync(fixture.Registry.HostPort, "roundtrip/skopeo:1.0.0");

        Assert.Equal(artifact.Manifest, raw);
        Assert.Contains("\"artifactType\":\"application/vnd.agentskills.skill.v1\"", Encoding.UTF8.GetString(raw), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_api_check_succeeds_over_the_plain_http_fallback_of_a_loopback_registry()
    {
        using var client = TestClients.Isolated();
        var registry = ImageReference.Parse($"{fixture.Registry.HostPort}/any");

        await client.CheckApiAsync(registry);

        Assert.Equal("http", client.SchemeFor(fixture.Registry.HostPort));
    }

    [Fact]
    public async Task Localhost_is_loopback_too()
    {
        using var client = TestClients.Isolated();
        var repository = ImageReference.Parse($"localhost:{fixture.Registry.Port}/roundtrip/localhost");
        var artifact = SampleArtifact.Create("localhost");

        await artifact.PushAsync(client, repository, "1.0.0");

        Assert.Equal(artifact.Manifest, (await client.FetchManifestAsync(repository.WithTag("1.0.0"))).Bytes);
        Assert.Equal("http", client.SchemeFor($"localhost:{fixture.Registry.Port}"));
    }
}
