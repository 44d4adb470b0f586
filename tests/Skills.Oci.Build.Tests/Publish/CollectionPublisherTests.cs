using System.Text;
using System.Text.Json;
using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Format;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Packaging;
using Skills.Oci.Build.Tests.Consume;
using Skills.Oci.Build.Tests.Oci.Registry;

namespace Skills.Oci.Build.Tests.Publish;

/// <summary>
/// <see cref="SkillCollectionPublisher"/> against the real distribution registry, which validates an
/// index's children: members resolved like SkillReferences and pinned by digest, copied into the
/// collection's repository when the registry refuses children that live elsewhere, the bytes read back
/// by skopeo, and the same bytes again for the same inputs.
/// </summary>
[Collection(RegistryCollectionDefinition.Name)]
public sealed class CollectionPublisherTests(RegistryFixture fixture)
{
    private const string Epoch = "1775117469"; // 2026-04-02T08:11:09Z

    private static SkillCollectionPublishRequest Request(string repository, params SkillCollectionMemberInput[] members) => new()
    {
        Repository = repository,
        Version = "1.0.0",
        AdditionalTags = ["latest"],
        SourceDateEpoch = Epoch,
        Members = members,
        ProjectFile = "/src/dev-tools/dev-tools.csproj",
    };

    [Fact]
    public async Task Members_from_other_repositories_are_copied_in_then_the_index_lists_each_by_digest_with_both_ref_annotations()
    {
        using var skills = new RegistrySkillPublisher(fixture.Registry, "coll-a");
        var pdf100 = await skills.PublishAsync("pdf", "1.0.0");
        var pdf120 = await skills.PublishAsync("pdf", "1.2.0");
        await skills.PublishAsync("pdf", "2.0.0");
        var review = await skills.PublishAsync("review", "3.1.0");
        var collection = skills.Repo("dev-tools");
        using var client = TestClients.Isolated();
        var progress = new List<string>();

        var result = await new SkillCollectionPublisher(client).PublishAsync(
            Request(collection, new(skills.Repo("pdf"), "1.*"), new(skills.Repo("review") + ":3.1.0")),
            new SyncProgress(progress),
            CancellationToken.None);

        Assert.Equal(2, result.MembersCopied);
        Assert.Contains(progress, p => p.Contains("MANIFEST_BLOB_UNKNOWN", StringComparison.Ordinal) && p.Contains("copying 2 skill manifest(s)", StringComparison.Ordinal));
        Assert.Equal(["1.0.0", "latest"], result.Tags);
        Assert.Contains("Pushed collection dev-tools", result.Summary, StringComparison.Ordinal);

        // skopeo reads exactly the bytes we wrote, and every tag names them.
        var raw = await Skopeo.InspectRawAsync(fixture.Registry.HostPort, "coll-a/dev-tools:1.0.0");
        Assert.Equal(result.Index.Digest, Digest.ComputeSha256(raw));
        Assert.Equal(result.Index.Digest, (await client.ResolveAsync(ImageReference.Parse(collection + ":latest"))).Digest);

        var index = JsonDocument.Parse(raw).RootElement;
        Assert.Equal(MediaTypes.OciIndex, index.GetProperty("mediaType").GetString());
        Assert.Equal(MediaTypes.SkillCollection, index.GetProperty("artifactType").GetString());
        var annotations = index.GetProperty("annotations");
        Assert.Equal("dev-tools", annotations.GetProperty(AnnotationKeys.CollectionName).GetString());
        Assert.Equal("2026-04-02T08:11:09Z", annotations.GetProperty(AnnotationKeys.Created).GetString());
        Assert.Equal("1.0.0", annotations.GetProperty(AnnotationKeys.Version).GetString());

        var entries = index.GetProperty("manifests").EnumerateArray().ToList();
        Assert.Equal(2, entries.Count);
        var pdf = entries.Single(e => e.GetProperty("annotations").GetProperty(AnnotationKeys.SkillName).GetString() == "pdf");
        // 1.* floats to the highest 1.x, pinned by the digest that tag had.
        Assert.Equal(pdf120.ToString(), pdf.GetProperty("digest").GetString());
        Assert.NotEqual(pdf100, pdf120);
        Assert.Equal($"{skills.Repo("pdf")}:1.2.0", pdf.GetProperty("annotations").GetProperty(AnnotationKeys.SkillRef).GetString());
        Assert.Equal($"{skills.Repo("pdf")}:1.2.0", pdf.GetProperty("annotations").GetProperty(AnnotationKeys.RefName).GetString());
        Assert.Equal(MediaTypes.SkillArtifact, pdf.GetProperty("artifactType").GetString());
        foreach (var (entry, repository, digest) in new[] { (pdf, "pdf", pdf120), (entries.Single(e => e.GetProperty("annotations").GetProperty(AnnotationKeys.SkillName).GetString() == "review"), "review", review) })
        {
            // The real size of the manifest the member's own repository serves, and the copy is byte for byte.
            var served = await client.FetchManifestAsync(ImageReference.Parse(skills.Repo(repository)).WithDigest(digest));
            Assert.Equal(served.Bytes.Length, entry.GetProperty("size").GetInt64());
            var copy = await client.FetchManifestAsync(ImageReference.Parse(collection).WithDigest(digest));
            Assert.Equal(served.Bytes, copy.Bytes);
        }

        // Our own reader reads it as ours.
        var read = SkillCollectionReader.Read(OciIndex.Parse(raw), collection);
        Assert.Equal(["pdf", "review"], read.Members.Select(m => m.Name).Order(StringComparer.Ordinal));

        // The same inputs give the same bytes; the members are in place now, so nothing is copied.
        var again = await new SkillCollectionPublisher(client).PublishAsync(
            Request(collection, new(skills.Repo("pdf"), "1.*"), new(skills.Repo("review") + ":3.1.0")), null, CancellationToken.None);
        Assert.Equal(result.Index.Digest, again.Index.Digest);
        Assert.Equal(0, again.MembersCopied);
        Assert.Empty(again.Warnings);
    }

    [Fact]
    public async Task A_member_that_is_not_a_skill_is_a_coded_error_at_its_line_and_nothing_is_pushed()
    {
        using var client = TestClients.Isolated();
        var image = ImageReference.Parse($"{fixture.Registry.HostPort}/coll-b/not-a-skill");
        var config = Encoding.UTF8.GetBytes("{}");
        var configDescriptor = Descriptor.FromContent(MediaTypes.OciImageConfig, config);
        await client.PushBlobAsync(image, configDescriptor, config);
        await client.PushManifestAsync(image, "1.0.0", OciJsonWriter.WriteManifest(configDescriptor, [], null), MediaTypes.OciManifest);
        var collection = $"{fixture.Registry.HostPort}/coll-b/dev-tools";

        var error = await Assert.ThrowsAsync<SkillsOciException>(() => new SkillCollectionPublisher(client).PublishAsync(
            Request(collection, new SkillCollectionMemberInput(image.RepositoryName, "1.0.0", "/src/dev-tools/dev-tools.csproj", 7)), null, CancellationToken.None));

        Assert.Equal(ErrorCodes.CollectionMemberNotASkill, error.Code);
        Assert.Equal(("/src/dev-tools/dev-tools.csproj", 7), (error.Diagnostic.File, error.Diagnostic.Line));
        Assert.Contains(image.RepositoryName, error.Message, StringComparison.Ordinal);
        Assert.Equal(RegistryErrorKind.NotFound, (await Assert.ThrowsAsync<RegistryException>(() => client.ListTagsAsync(ImageReference.Parse(collection)))).Kind);
    }

    [Fact]
    public async Task A_version_no_tag_satisfies_is_a_coded_error_naming_the_available_versions()
    {
        using var skills = new RegistrySkillPublisher(fixture.Registry, "coll-c");
        await skills.PublishAsync("lint", "1.0.0");
        using var client = TestClients.Isolated();

        var error = await Assert.ThrowsAsync<SkillsOciException>(() => new SkillCollectionPublisher(client).PublishAsync(
            Request(skills.Repo("dev-tools"), new SkillCollectionMemberInput(skills.Repo("lint"), "[2.0,3.0)")), null, CancellationToken.None));

        Assert.Equal(ErrorCodes.CollectionMemberUnresolved, error.Code);
        Assert.Contains("1.0.0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validation_reports_every_offline_problem_at_once()
    {
        var (plan, diagnostics) = SkillCollectionPublisher.Validate(new SkillCollectionPublishRequest
        {
            Repository = "127.0.0.1:5000/skills/dev-tools",
            Version = "1.0.0",
            Name = "Dev Tools",
            Members =
            [
                new("127.0.0.1:5000/skills/pdf", null, "/p.csproj", 4),
                new("127.0.0.1:5000/skills/lint:1.0.0", "2.0.0", "/p.csproj", 5),
                new("127.0.0.1:5000/skills/ok", "not a [spec", "/p.csproj", 6),
                new("127.0.0.1:5000/skills/dup", "1.0.0", "/p.csproj", 7),
                new("127.0.0.1:5000/skills/dup", "2.0.0", "/p.csproj", 8),
            ],
            ProjectFile = "/p.csproj",
        });

        Assert.Null(plan);
        Assert.Equal(
            [
                (ErrorCodes.CollectionNameInvalid, 0),
                (ErrorCodes.CollectionMemberInvalid, 4),
                (ErrorCodes.CollectionMemberInvalid, 5),
                (ErrorCodes.CollectionMemberInvalid, 6),
                (ErrorCodes.CollectionMemberDuplicate, 8),
            ],
            diagnostics.Select(d => (d.Code, d.Line)));
        Assert.Equal(ErrorCodes.CollectionEmpty, Assert.Single(SkillCollectionPublisher.Validate(new SkillCollectionPublishRequest
        {
            Repository = "127.0.0.1:5000/skills/dev-tools",
            Version = "1.0.0",
            Members = [],
        }).Diagnostics).Code);
    }

    /// <summary>Reports synchronously (Progress&lt;T&gt; posts to the thread pool, so a test could read the list too early).</summary>
    private sealed class SyncProgress(List<string> lines) : IProgress<string>
    {
        public void Report(string value)
        {
            lock (lines)
            {
                lines.Add(value);
            }
        }
    }
}
