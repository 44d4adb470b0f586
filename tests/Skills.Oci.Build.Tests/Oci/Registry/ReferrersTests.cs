using System.Text;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Registry;

namespace Skills.Oci.Build.Tests.Oci.Registry;

[Collection(RegistryCollectionDefinition.Name)]
public class ReferrersTests(RegistryFixture fixture)
{
    private const string SignatureType = MediaTypes.SigstoreBundleV03;

    private static async Task<Descriptor> PushReferrerAsync(RegistryClient client, ImageReference repository, SampleArtifact subject, string artifactType, string payload)
    {
        var blob = Encoding.UTF8.GetBytes(payload);
        var layer = Descriptor.FromContent(artifactType, blob);
        await client.PushBlobAsync(repository, layer, blob);
        var empty = "{}"u8.ToArray();
        var config = Descriptor.FromContent(MediaTypes.OciEmpty, empty);
        await client.PushBlobAsync(repository, config, empty);
        var manifest = OciJsonWriter.WriteManifest(config, [layer], artifactType, subject.ManifestDescriptor);
        return await client.PushReferrerAsync(repository, subject.ManifestDescriptor, manifest, MediaTypes.OciManifest, artifactType);
    }

    [Fact]
    public async Task Without_a_referrers_api_the_tag_schema_index_lists_the_referrers()
    {
        using var client = TestClients.Isolated();
        var repository = ImageReference.Parse($"{fixture.Registry.HostPort}/referrers/fallback");
        var subject = SampleArtifact.Create("fallback");
        await subject.PushAsync(client, repository, "1.0.0");

        var signature = await PushReferrerAsync(client, repository, subject, SignatureType, "signature");
        var attestation = await PushReferrerAsync(client, repository, subject, "application/vnd.example.attestation", "attestation");
        var all = await client.ListReferrersAsync(repository, subject.ManifestDescriptor.Digest);
        var signatures = await client.ListReferrersAsync(repository, subject.ManifestDescriptor.Digest, SignatureType);
        var index = await client.FetchManifestAsync(repository.WithTag(subject.ManifestDescriptor.Digest.ToTagSchema()));

        Assert.Equal([signature.Digest, attestation.Digest], all.Select(d => d.Digest));
        Assert.Equal(signature.Digest, Assert.Single(signatures).Digest);
        Assert.Equal(MediaTypes.OciIndex, index.Descriptor.MediaType);
    }

    [Fact]
    public async Task Pushing_the_same_referrer_twice_lists_it_once()
    {
        using var client = TestClients.Isolated();
        var repository = ImageReference.Parse($"{fixture.Registry.HostPort}/referrers/twice");
        var subject = SampleArtifact.Create("twice");
        await subject.PushAsync(client, repository, "1.0.0");

        await PushReferrerAsync(client, repository, subject, SignatureType, "same");
        await PushReferrerAsync(client, repository, subject, SignatureType, "same");

        Assert.Single(await client.ListReferrersAsync(repository, subject.ManifestDescriptor.Digest));
    }

    [Fact]
    public async Task A_subject_without_referrers_has_none()
    {
        using var client = TestClients.Isolated();
        var repository = ImageReference.Parse($"{fixture.Registry.HostPort}/referrers/none");
        var subject = SampleArtifact.Create("none");
        await subject.PushAsync(client, repository, "1.0.0");

        Assert.Empty(await client.ListReferrersAsync(repository, subject.ManifestDescriptor.Digest));
    }

    [Fact]
    public async Task The_referrers_api_is_used_where_the_registry_has_it()
    {
        await using var registry = await ReferrersRegistry.StartAsync();
        using var client = TestClients.Isolated();
        var repository = ImageReference.Parse($"{registry.HostPort}/referrers/api");
        var subject = SampleArtifact.Create("api");
        await subject.PushAsync(client, repository, "1.0.0");

        var signature = await PushReferrerAsync(client, repository, subject, SignatureType, "signature");
        await PushReferrerAsync(client, repository, subject, "application/vnd.example.attestation", "attestation");
        var signatures = await client.ListReferrersAsync(repository, subject.ManifestDescriptor.Digest, SignatureType);
        var tags = await client.ListTagsAsync(repository);

        Assert.Equal(signature.Digest, Assert.Single(signatures).Digest);
        Assert.Equal(SignatureType, signatures[0].ArtifactType);
        // The registry indexed the subject itself, so no fallback tag was written.
        Assert.Equal(["1.0.0"], tags);
        Assert.Contains(registry.Requests, r => r.Path.Contains("/referrers/sha256:", StringComparison.Ordinal));
    }
}
