using System.Text;
using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Format;
using Skills.Oci.Build.Oci;

namespace Skills.Oci.Build.Tests.Format;

/// <summary>Collections: what we write, and every dialect others write, read into one shape.</summary>
public sealed class SkillCollectionTests
{
    private static readonly Digest PdfDigest = Digest.ComputeSha256("pdf manifest"u8);
    private static readonly Digest ReviewDigest = Digest.ComputeSha256("review manifest"u8);

    private static SkillCollectionIndexMetadata Metadata => new()
    {
        Name = "dev-tools",
        Created = "2026-04-02T10:00:00Z",
        Version = "1.0.0",
    };

    private static SkillCollectionEntry Entry(string name, Digest digest, string reference) =>
        new(new Descriptor { MediaType = MediaTypes.OciManifest, ArtifactType = MediaTypes.SkillArtifact, Digest = digest, Size = 563 },
            name, ImageReference.Parse(reference), "1.0.0", $"The {name} skill.");

    [Fact]
    public void The_writer_lists_members_in_name_order_with_both_reference_annotations_and_real_sizes()
    {
        var bytes = SkillCollectionIndexWriter.Write(Metadata,
        [
            Entry("review", ReviewDigest, "ghcr.io/acme/skills/review:1.0.0"),
            Entry("pdf", PdfDigest, "ghcr.io/acme/skills/pdf:1.0.0"),
        ]);

        var json = Encoding.UTF8.GetString(bytes);
        Assert.StartsWith("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"artifactType\":\"application/vnd.agentskills.collection.v1\",\"manifests\":[", json);
        Assert.Contains($"{{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"artifactType\":\"application/vnd.agentskills.skill.v1\",\"digest\":\"{PdfDigest}\",\"size\":563,\"annotations\":{{\"io.agentskills.skill.name\":\"pdf\",\"io.agentskills.skill.ref\":\"ghcr.io/acme/skills/pdf:1.0.0\",\"org.opencontainers.image.description\":\"The pdf skill.\",\"org.opencontainers.image.ref.name\":\"ghcr.io/acme/skills/pdf:1.0.0\",\"org.opencontainers.image.title\":\"pdf\",\"org.opencontainers.image.version\":\"1.0.0\"}}}}", json);
        Assert.True(json.IndexOf("\"pdf\"", StringComparison.Ordinal) < json.IndexOf("\"review\"", StringComparison.Ordinal));
        Assert.EndsWith("\"annotations\":{\"io.agentskills.collection.name\":\"dev-tools\",\"org.opencontainers.image.created\":\"2026-04-02T10:00:00Z\",\"org.opencontainers.image.description\":\"Agent Skills Collection\",\"org.opencontainers.image.title\":\"dev-tools\",\"org.opencontainers.image.version\":\"1.0.0\"}}", json);

        // Reproducible: the same members in another order give the same bytes.
        Assert.Equal(bytes, SkillCollectionIndexWriter.Write(Metadata, [Entry("pdf", PdfDigest, "ghcr.io/acme/skills/pdf:1.0.0"), Entry("review", ReviewDigest, "ghcr.io/acme/skills/review:1.0.0")]));
    }

    [Fact]
    public void What_the_writer_writes_the_reader_reads_back()
    {
        var bytes = SkillCollectionIndexWriter.Write(Metadata with { Description = "Tools" }, [Entry("pdf", PdfDigest, "ghcr.io/acme/skills/pdf:1.0.0")]);

        var collection = SkillCollectionReader.Read(OciIndex.Parse(bytes), "test");

        Assert.Equal("dev-tools", collection.Name);
        Assert.Equal("1.0.0", collection.Version);
        Assert.Equal("Tools", collection.Description);
        Assert.Equal(SkillCollectionDialect.OciIndex, collection.Dialect);
        Assert.Empty(collection.Warnings);
        var member = Assert.Single(collection.Members);
        Assert.Equal("pdf", member.Name);
        Assert.Equal(PdfDigest, member.Digest);
        Assert.Equal(563, member.Size);
        Assert.Equal("ghcr.io/acme/skills/pdf:1.0.0", member.Reference!.ToString());
        Assert.Equal($"ghcr.io/acme/skills/pdf:1.0.0@{PdfDigest}", member.PullReference(ImageReference.Parse("ghcr.io/acme/dev-tools:1.0.0")).ToString());
        Assert.False(member.IsIndex);
    }

    [Fact]
    public void The_writer_refuses_a_descriptor_without_a_size_and_a_name_listed_twice()
    {
        var sizeless = Entry("pdf", PdfDigest, "ghcr.io/acme/skills/pdf:1.0.0");
        sizeless = sizeless with { Manifest = sizeless.Manifest with { Size = 0 } };
        Assert.Throws<ArgumentException>(() => SkillCollectionIndexWriter.Write(Metadata, [sizeless]));
        Assert.Throws<ArgumentException>(() => SkillCollectionIndexWriter.Write(Metadata, [Entry("pdf", PdfDigest, "ghcr.io/a/pdf:1"), Entry("pdf", ReviewDigest, "ghcr.io/a/pdf2:1")]));
    }

    [Fact]
    public void The_Go_CLI_dialect_with_only_ref_name_and_no_version_is_read()
    {
        var json = $$$"""
            {"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","artifactType":"application/vnd.agentskills.collection.v1",
             "manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{{{PdfDigest}}}","size":563,
               "annotations":{"io.agentskills.skill.name":"pdf","org.opencontainers.image.ref.name":"localhost:5000/skills/pdf:1.0.0"}}],
             "annotations":{"io.agentskills.collection.name":"dev-tools","org.opencontainers.image.created":"2026-04-02T10:00:00Z","org.opencontainers.image.title":"dev-tools"}}
            """;

        var collection = SkillCollectionReader.Read(OciIndex.Parse(Encoding.UTF8.GetBytes(json)), "localhost:5000/skills/dev-tools:latest");

        var member = Assert.Single(collection.Members);
        Assert.Null(member.ArtifactType);
        Assert.Equal("localhost:5000/skills/pdf:1.0.0", member.Reference!.ToString());
        Assert.Null(collection.Version);
    }

    [Fact]
    public void The_arconia_dialect_with_size_zero_is_read_with_a_warning_and_skill_ref_preferred()
    {
        var json = $$$"""
            {"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","artifactType":"application/vnd.agentskills.collection.v1",
             "manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","artifactType":"application/vnd.agentskills.skill.v1","digest":"{{{PdfDigest}}}","size":0,
               "annotations":{"io.agentskills.skill.name":"pdf","io.agentskills.skill.ref":"ghcr.io/acme/pdf:1.0.0","org.opencontainers.image.ref.name":"ghcr.io/other/pdf:9"}}],
             "annotations":{"io.agentskills.collection.name":"dev-tools","org.opencontainers.image.version":"2.0.0","org.opencontainers.image.description":"Agent Skills Collection"}}
            """;

        var collection = SkillCollectionReader.Read(OciIndex.Parse(Encoding.UTF8.GetBytes(json)), "ghcr.io/acme/dev-tools:2.0.0");

        var member = Assert.Single(collection.Members);
        Assert.Null(member.Size);
        Assert.Equal("ghcr.io/acme/pdf:1.0.0", member.Reference!.ToString());
        var warning = Assert.Single(collection.Warnings);
        Assert.Equal(ErrorCodes.CollectionEntrySizeUnknown, warning.Code);
        Assert.Equal(DiagnosticSeverity.Warning, warning.Severity);
    }

    [Fact]
    public void An_entry_without_a_reference_lives_in_the_collections_repository()
    {
        var json = $$$"""
            {"schemaVersion":2,"artifactType":"application/vnd.agentskills.collection.v1",
             "manifests":[{"mediaType":"application/vnd.oci.image.index.v1+json","artifactType":"application/vnd.agentskills.collection.v1","digest":"{{{PdfDigest}}}","size":300}],
             "annotations":{"org.opencontainers.image.title":"outer"}}
            """;

        var collection = SkillCollectionReader.Read(OciIndex.Parse(Encoding.UTF8.GetBytes(json)), "test");

        var member = Assert.Single(collection.Members);
        Assert.Equal("outer", collection.Name);
        Assert.Null(member.Name);
        Assert.True(member.IsIndex);
        Assert.Equal($"ghcr.io/acme/outer@{PdfDigest}", member.PullReference(ImageReference.Parse("ghcr.io/acme/outer:1.0.0")).ToString());
    }

    [Theory]
    [InlineData("""{"schemaVersion":2,"manifests":[]}""", "not a skills collection")]
    [InlineData("""{"schemaVersion":2,"artifactType":"application/vnd.agentskills.collection.v1","manifests":[]}""", "neither")]
    [InlineData("""{"schemaVersion":2,"artifactType":"application/vnd.agentskills.collection.v1","manifests":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:0000000000000000000000000000000000000000000000000000000000000000","size":1}],"annotations":{"io.agentskills.collection.name":"x"}}""", "not a manifest")]
    [InlineData("""{"schemaVersion":2,"artifactType":"application/vnd.agentskills.collection.v1","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:0000000000000000000000000000000000000000000000000000000000000000","size":1,"annotations":{"io.agentskills.skill.ref":"Not A Ref"}}],"annotations":{"io.agentskills.collection.name":"x"}}""", "not a reference")]
    [InlineData("""{"schemaVersion":2,"artifactType":"application/vnd.agentskills.collection.v1","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:0000000000000000000000000000000000000000000000000000000000000000","size":1,"annotations":{"io.agentskills.skill.name":"a"}},{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:1111111111111111111111111111111111111111111111111111111111111111","size":1,"annotations":{"io.agentskills.skill.name":"a"}}],"annotations":{"io.agentskills.collection.name":"x"}}""", "lists 'a' 2 times")]
    public void A_malformed_collection_is_a_coded_error_saying_why(string json, string why)
    {
        var error = Assert.Throws<SkillsOciException>(() => SkillCollectionReader.Read(OciIndex.Parse(Encoding.UTF8.GetBytes(json)), "ghcr.io/acme/x:1"));

        Assert.Equal(ErrorCodes.CollectionInvalid, error.Code);
        Assert.Contains(why, error.Message, StringComparison.Ordinal);
        Assert.Contains("ghcr.io/acme/x:1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_skillimage_yaml_collection_is_recognised_and_read_with_and_without_digests()
    {
        var manifest = OciManifest.Parse(Encoding.UTF8.GetBytes($$$"""
            {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","artifactType":"application/vnd.skillimage.collection.v1+yaml",
             "config":{"mediaType":"application/vnd.oci.empty.v1+json","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2},
             "layers":[{"mediaType":"application/vnd.skillimage.collection.v1+yaml","digest":"{{{PdfDigest}}}","size":300}]}
            """));
        Assert.True(SkillCollectionReader.IsSkillImageCollection(manifest, out var layer));
        Assert.Equal(PdfDigest, layer.Digest);

        var yaml = $"""
            apiVersion: skillimage.io/v1alpha1
            kind: SkillCollection
            metadata:
              name: hr-skills
              version: 1.0.0
              description: Skills for HR
            skills:
              - name: summarizer
                image: quay.io/skillimage/business/summarizer:1.0.0
              - name: reviewer
                image: ghcr.io/acme/reviewer:2.1.0@{ReviewDigest}
            """;
        var collection = SkillCollectionReader.ReadSkillImageYaml(Encoding.UTF8.GetBytes(yaml), "quay.io/acme/hr:1.0.0");

        Assert.Equal(SkillCollectionDialect.SkillImageYaml, collection.Dialect);
        Assert.Equal(("hr-skills", "1.0.0", "Skills for HR"), (collection.Name, collection.Version, collection.Description));
        Assert.Collection(collection.Members,
            m =>
            {
                Assert.Equal("summarizer", m.Name);
                Assert.Null(m.Digest);
                Assert.Equal("quay.io/skillimage/business/summarizer:1.0.0", m.Reference!.ToString());
                Assert.Equal("1.0.0", m.Version);
            },
            m =>
            {
                Assert.Equal(ReviewDigest, m.Digest);
                Assert.Equal("ghcr.io/acme/reviewer:2.1.0", m.Reference!.ToString());
                Assert.Equal($"ghcr.io/acme/reviewer:2.1.0@{ReviewDigest}", m.PullReference(ImageReference.Parse("quay.io/acme/hr:1.0.0")).ToString());
            });
    }

    [Fact]
    public void A_plain_skill_manifest_is_not_a_skillimage_collection()
    {
        var manifest = OciManifest.Parse(Encoding.UTF8.GetBytes($$$"""
            {"schemaVersion":2,"artifactType":"application/vnd.agentskills.skill.v1",
             "config":{"mediaType":"application/vnd.agentskills.skill.config.v1+json","digest":"{{{PdfDigest}}}","size":2},"layers":[]}
            """));

        Assert.False(SkillCollectionReader.IsSkillImageCollection(manifest, out _));
    }

    [Theory]
    [InlineData("kind: Other\nmetadata: {name: x}\n", "kind 'Other'")]
    [InlineData("kind: SkillCollection\nmetadata: {version: 1}\n", "no metadata.name")]
    [InlineData("kind: SkillCollection\nmetadata: {name: x}\nskills:\n  - name: a\n    image: not a ref\n", "line 4")]
    [InlineData("kind: SkillCollection\nmetadata: {name: x}\nskills: [\n", "cannot be read at line")]
    public void A_malformed_skillimage_collection_is_a_coded_error(string yaml, string why)
    {
        var error = Assert.Throws<SkillsOciException>(() => SkillCollectionReader.ReadSkillImageYaml(Encoding.UTF8.GetBytes(yaml), "quay.io/acme/hr:1"));

        Assert.Equal(ErrorCodes.CollectionInvalid, error.Code);
        Assert.Contains(why, error.Message, StringComparison.Ordinal);
    }
}
