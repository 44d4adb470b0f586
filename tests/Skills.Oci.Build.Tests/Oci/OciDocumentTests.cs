using System.Text;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Tests.Infrastructure;

namespace Skills.Oci.Build.Tests.Oci;

/// <summary>
/// How manifests and indexes from a registry are read: strict syntax and names for untrusted bytes,
/// required descriptor fields, unknown fields ignored; and how a layout's index takes several manifests
/// at once.
/// </summary>
public sealed class OciDocumentTests
{
    private const string ConfigDigest = "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";
    private const string LayerDigest = "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    private static string Manifest(string config = $$"""{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{{ConfigDigest}}","size":2}""") => $$"""
        {
          "schemaVersion": 2,
          "mediaType": "application/vnd.oci.image.manifest.v1+json",
          "artifactType": "application/vnd.agentskills.skill.v1",
          "config": {{config}},
          "layers": [{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"{{LayerDigest}}","size":3,"annotations":{"org.opencontainers.image.title":"skill.tar.gz"} }],
          "annotations": {"org.opencontainers.image.version": "1.0.0"},
          "somethingNew": {"nested": [1, 2, 3]}
        }
        """;

    [Fact]
    public void A_manifest_reads_every_field_and_ignores_unknown_ones()
    {
        var manifest = OciManifest.Parse(Encoding.UTF8.GetBytes(Manifest()));

        Assert.Equal(2, manifest.SchemaVersion);
        Assert.Equal("application/vnd.agentskills.skill.v1", manifest.ArtifactType);
        Assert.Equal(Digest.Parse(ConfigDigest), manifest.Config!.Digest);
        Assert.Equal(2, manifest.Config.Size);
        var layer = Assert.Single(manifest.Layers!);
        Assert.Equal(Digest.Parse(LayerDigest), layer.Digest);
        Assert.Equal("skill.tar.gz", layer.GetAnnotation("org.opencontainers.image.title"));
        Assert.Equal("1.0.0", manifest.GetAnnotation("org.opencontainers.image.version"));
    }

    [Theory]
    [InlineData("""{"mediaType":"application/vnd.oci.image.config.v1+json","size":2}""", "digest")]
    [InlineData($$"""{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{{ConfigDigest}}"}""", "size")]
    [InlineData($$"""{"digest":"{{ConfigDigest}}","size":2}""", "mediaType")]
    public void A_descriptor_without_a_required_field_is_a_protocol_error(string config, string missing)
    {
        var error = Assert.Throws<RegistryException>(() => OciManifest.Parse(Encoding.UTF8.GetBytes(Manifest(config))));

        Assert.Equal(RegistryErrorKind.Protocol, error.Kind);
        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:abc","size":2}""")]
    [InlineData($$"""{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{{ConfigDigest}}","size":2,}""")]
    [InlineData($$"""{"mediaType":"application/vnd.oci.image.config.v1+json",/* c */"digest":"{{ConfigDigest}}","size":2}""")]
    [InlineData($$"""{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{{ConfigDigest}}","size":"2"}""")]
    public void Malformed_json_or_an_unverifiable_digest_is_a_protocol_error(string config)
    {
        var error = Assert.Throws<RegistryException>(() => OciManifest.Parse(Encoding.UTF8.GetBytes(Manifest(config))));

        Assert.Equal(RegistryErrorKind.Protocol, error.Kind);
        Assert.Contains("not valid JSON", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Names_are_case_sensitive_so_a_differently_cased_config_is_no_config()
    {
        var json = Manifest().Replace("\"config\"", "\"Config\"", StringComparison.Ordinal);

        var error = Assert.Throws<RegistryException>(() => OciManifest.Parse(Encoding.UTF8.GetBytes(json)));

        Assert.Contains("with a config", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("null", "empty")]
    [InlineData("[]", "not valid JSON")]
    public void A_document_that_is_not_an_object_is_a_protocol_error(string json, string expected)
    {
        var error = Assert.Throws<RegistryException>(() => OciIndex.Parse(Encoding.UTF8.GetBytes(json)));

        Assert.Equal(RegistryErrorKind.Protocol, error.Kind);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_index_reads_its_manifests_in_order()
    {
        var json = $$"""
            {"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[
              {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{{LayerDigest}}","size":10,"annotations":{"org.opencontainers.image.ref.name":"b"} },
              {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{{ConfigDigest}}","size":20,"annotations":{"org.opencontainers.image.ref.name":"a"} } ] }
            """;

        var index = OciIndex.Parse(Encoding.UTF8.GetBytes(json));

        Assert.Equal(["b", "a"], index.Manifests.Select(m => m.GetAnnotation(AnnotationKeys.RefName)));
        Assert.Equal([10L, 20L], index.Manifests.Select(m => m.Size));
    }

    [Fact]
    public async Task Adding_several_manifests_to_a_layout_index_at_once_is_the_same_as_adding_them_one_by_one()
    {
        using var temp = new TempFolder("oci-index");
        Descriptor Entry(string text) => Descriptor.FromContent("application/vnd.oci.image.manifest.v1+json", Encoding.UTF8.GetBytes(text));
        (Descriptor, string?)[] additions =
        [
            (Entry("one"), "repo@1"),
            (Entry("two"), null),
            (Entry("three"), "repo@1"), // replaces what that name pointed at
            (Entry("two"), null), // the same unnamed manifest once, now last
            (Entry("four"), "repo@4"),
        ];
        var batched = new OciImageLayout(temp.CreateFolder("batched"));
        var oneByOne = new OciImageLayout(temp.CreateFolder("one-by-one"));

        await batched.AddToIndexAsync(additions, CancellationToken.None);
        foreach (var (manifest, refName) in additions)
        {
            await oneByOne.AddToIndexAsync(manifest, refName, CancellationToken.None);
        }

        await batched.AddToIndexAsync([], CancellationToken.None);
        var expected = await oneByOne.ReadIndexAsync(CancellationToken.None);
        Assert.Equal(
            [(Entry("three").Digest, "repo@1"), (Entry("two").Digest, null), (Entry("four").Digest, "repo@4")],
            expected.Select(m => (m.Digest, m.GetAnnotation(AnnotationKeys.RefName))));
        Assert.Equal(File.ReadAllBytes(oneByOne.IndexPath), File.ReadAllBytes(batched.IndexPath));
    }
}
