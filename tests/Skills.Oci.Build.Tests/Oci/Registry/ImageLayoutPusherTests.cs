using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Registry;

namespace Skills.Oci.Build.Tests.Oci.Registry;

[Collection(RegistryCollectionDefinition.Name)]
public sealed class ImageLayoutPusherTests(RegistryFixture fixture) : IDisposable
{
    private readonly TempFolder _temp = new("skoci-layout-push");

    public void Dispose() => _temp.Dispose();

    private async Task<(OciImageLayout Layout, SampleArtifact Artifact)> LayoutAsync(string name)
    {
        var artifact = SampleArtifact.Create(name, layerBytes: 20_000);
        var layout = new OciImageLayout(_temp.CreateFolder(name));
        await layout.EnsureCreatedAsync(CancellationToken.None);
        await layout.WriteBlobAsync(MediaTypes.SkillConfig, artifact.Config, CancellationToken.None);
        await layout.WriteBlobAsync(MediaTypes.SkillContentLayer, artifact.Layer, CancellationToken.None);
        var manifest = await layout.WriteBlobAsync(MediaTypes.OciManifest, artifact.Manifest, CancellationToken.None);
        await layout.AddToIndexAsync(manifest, "1.2.0", CancellationToken.None);
        return (layout, artifact);
    }

    [Fact]
    public async Task Every_tag_resolves_to_one_digest_and_a_second_push_uploads_no_blob()
    {
        var (layout, artifact) = await LayoutAsync("tags");
        using var client = TestClients.Isolated();
        var repository = ImageReference.Parse($"{fixture.Registry.HostPort}/layouts/tags");
        var pusher = new ImageLayoutPusher(client);

        var first = await pusher.PushAsync(layout, "1.2.0", repository, ["1.2.0", "latest", "1", "1.2"]);
        fixture.Registry.ClearRequests();
        var second = await pusher.PushAsync(layout, "1.2.0", repository, ["1.2.0", "latest", "1", "1.2"]);
        var requests = (await fixture.Registry.WaitForRequestsAsync()).Where(r => r.Path.Contains("/layouts/tags/", StringComparison.Ordinal)).ToList();

        Assert.Equal(2, first.BlobsUploaded);
        Assert.Equal(0, second.BlobsUploaded);
        Assert.Equal(2, second.BlobsSkipped);
        Assert.DoesNotContain(requests, r => r.Path.Contains("/blobs/uploads", StringComparison.Ordinal));
        foreach (var tag in new[] { "1.2.0", "latest", "1", "1.2" })
        {
            Assert.Equal(artifact.ManifestDescriptor.Digest, (await client.ResolveAsync(repository.WithTag(tag))).Digest);
        }

        Assert.Equal($"{repository.RepositoryName}:1.2.0@{artifact.ManifestDescriptor.Digest}", first.Reference.ToString());
    }

    [Fact]
    public async Task A_failed_blob_upload_leaves_no_tag_behind()
    {
        var (layout, artifact) = await LayoutAsync("half");
        await using var proxy = await FaultProxy.StartAsync(fixture.Registry.BaseUri);
        proxy.RespondWithStatus("PUT", "/blobs/uploads/", 400, times: 100);
        using var client = TestClients.Isolated();
        var viaProxy = ImageReference.Parse($"{proxy.HostPort}/layouts/half");

        await Assert.ThrowsAsync<RegistryException>(() => new ImageLayoutPusher(client).PushAsync(layout, "1.2.0", viaProxy, ["1.2.0"]));

        var direct = ImageReference.Parse($"{fixture.Registry.HostPort}/layouts/half");
        var missing = await Assert.ThrowsAsync<RegistryException>(() => client.ResolveAsync(direct.WithTag("1.2.0")));
        Assert.Equal(RegistryErrorKind.NotFound, missing.Kind);
        Assert.False(await client.BlobExistsAsync(direct, artifact.LayerDescriptor.Digest));
    }

    [Fact]
    public async Task A_tag_the_layout_does_not_have_is_not_found()
    {
        var (layout, _) = await LayoutAsync("notag");
        using var client = TestClients.Isolated();

        var error = await Assert.ThrowsAsync<RegistryException>(() =>
            new ImageLayoutPusher(client).PushAsync(layout, "9.9.9", ImageReference.Parse($"{fixture.Registry.HostPort}/layouts/notag"), ["9.9.9"]));

        Assert.Equal(RegistryErrorKind.NotFound, error.Kind);
    }
}
