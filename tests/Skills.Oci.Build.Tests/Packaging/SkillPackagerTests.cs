using System.Text;
using System.Text.Json;
using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Packaging;

namespace Skills.Oci.Build.Tests.Packaging;

/// <summary>The pack output: config, manifest and image layout bytes, reproducible and checked before anything is written.</summary>
public sealed class SkillPackagerTests : IDisposable
{
    private const string Epoch = "1775117469"; // 2026-04-02T08:11:09Z

    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private SkillPackRequest Request(string folder, string version = "1.0.0", string? sourceDateEpoch = Epoch) => new()
    {
        ProjectDirectory = _temp.Combine(folder),
        Version = version,
        Files = SkillArchiveReader.FilesUnder(_temp.Combine(folder)),
        LayoutDirectory = _temp.Combine($"out/{folder}.{version}.oci"),
        SourceDateEpoch = sourceDateEpoch,
    };

    private static async Task<SkillPackResult> PackOkAsync(SkillPackRequest request)
    {
        var outcome = await new SkillPackager().PackAsync(request, CancellationToken.None);
        Assert.True(outcome.Result is not null, string.Join(" | ", outcome.Diagnostics));
        return outcome.Result;
    }

    private static byte[] Blob(SkillPackResult result, Descriptor descriptor) =>
        File.ReadAllBytes(new OciImageLayout(result.LayoutDirectory).BlobPath(descriptor.Digest));

    [Fact]
    public async Task Config_manifest_and_layout_are_exactly_as_specified()
    {
        new SkillFixture("pdf").WriteFolder(_temp.Combine("pdf"));
        var result = await PackOkAsync(Request("pdf"));

        Assert.Equal("{\"schemaVersion\":\"1\",\"name\":\"pdf\",\"version\":\"1.0.0\",\"description\":\"x\"}", Encoding.UTF8.GetString(Blob(result, result.Config)));
        var manifestBytes = Blob(result, result.Manifest);
        Assert.Equal(result.Manifest.Digest, Digest.ComputeSha256(manifestBytes));
        Assert.Equal(
            "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"artifactType\":\"application/vnd.agentskills.skill.v1\"," +
            $"\"config\":{{\"mediaType\":\"application/vnd.agentskills.skill.config.v1+json\",\"digest\":\"{result.Config.Digest}\",\"size\":{result.Config.Size}}}," +
            $"\"layers\":[{{\"mediaType\":\"application/vnd.agentskills.skill.content.v1.tar+gzip\",\"digest\":\"{result.Layer.Digest}\",\"size\":{result.Layer.Size},\"annotations\":{{\"org.opencontainers.image.title\":\"pdf.tar.gz\"}}}}]," +
            "\"annotations\":{\"io.agentskills.skill.name\":\"pdf\",\"org.opencontainers.image.created\":\"2026-04-02T08:11:09Z\",\"org.opencontainers.image.description\":\"x\",\"org.opencontainers.image.title\":\"pdf\",\"org.opencontainers.image.version\":\"1.0.0\"}}",
            Encoding.UTF8.GetString(manifestBytes));

        var layout = result.LayoutDirectory;
        Assert.Equal("{\"imageLayoutVersion\":\"1.0.0\"}", File.ReadAllText(Path.Combine(layout, "oci-layout")));
        using var index = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(layout, "index.json")));
        var entry = Assert.Single(index.RootElement.GetProperty("manifests").EnumerateArray());
        Assert.Equal(result.Manifest.Digest.ToString(), entry.GetProperty("digest").GetString());
        Assert.Equal(manifestBytes.Length, entry.GetProperty("size").GetInt64());
        Assert.Equal("1.0.0", entry.GetProperty("annotations").GetProperty(AnnotationKeys.RefName).GetString());
        Assert.Equal(MediaTypes.SkillArtifact, entry.GetProperty("artifactType").GetString());

        // Nothing but the layout: no lock file, no temporary files, three blobs.
        Assert.Equal(["blobs", "index.json", "oci-layout"], Directory.EnumerateFileSystemEntries(layout).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(3, Directory.GetFiles(Path.Combine(layout, "blobs", "sha256")).Length);
        Assert.Equal([Path.GetFileName(layout)], Directory.EnumerateFileSystemEntries(Path.GetDirectoryName(layout)!).Select(Path.GetFileName));
        Assert.Equal(await Digest.ComputeSha256Async(File.OpenRead(new OciImageLayout(layout).BlobPath(result.Layer.Digest)), CancellationToken.None), result.Layer.Digest);
    }

    [Fact]
    public async Task Config_fields_follow_the_table_order_and_optional_annotations_appear_when_known()
    {
        new SkillFixture("pdf").WithFrontmatter("metadata:", "  zz: last", "  author: acme", "allowed-tools: Bash(git:*)   Read", "compatibility: Needs poppler", "license: Apache-2.0", "description: Extract <text> & tables.", "name: pdf").WriteFolder(_temp.Combine("pdf"));
        var request = Request("pdf") with { RepositoryUrl = "https://github.com/acme/skills", SourceRevisionId = "abc123", Description = "ignored: SKILL.md wins" };
        var result = await PackOkAsync(request);
        Assert.Equal(
            "{\"schemaVersion\":\"1\",\"name\":\"pdf\",\"version\":\"1.0.0\",\"description\":\"Extract <text> & tables.\",\"license\":\"Apache-2.0\",\"compatibility\":\"Needs poppler\",\"allowedTools\":[\"Bash(git:*)\",\"Read\"],\"metadata\":{\"author\":\"acme\",\"zz\":\"last\"}}",
            Encoding.UTF8.GetString(Blob(result, result.Config)));
        var manifest = OciManifest.Parse(Blob(result, result.Manifest));
        Assert.Equal("Extract <text> & tables.", manifest.GetAnnotation(AnnotationKeys.Description));
        Assert.Equal("Apache-2.0", manifest.GetAnnotation(AnnotationKeys.Licenses));
        Assert.Equal("Needs poppler", manifest.GetAnnotation(AnnotationKeys.SkillCompatibility));
        Assert.Equal("https://github.com/acme/skills", manifest.GetAnnotation(AnnotationKeys.Source));
        Assert.Equal("abc123", manifest.GetAnnotation(AnnotationKeys.Revision));
    }

    [Fact]
    public async Task Project_license_is_used_when_SKILL_md_has_none()
    {
        new SkillFixture("pdf").WriteFolder(_temp.Combine("pdf"));
        var result = await PackOkAsync(Request("pdf") with { License = "MIT" });
        Assert.Equal("MIT", OciManifest.Parse(Blob(result, result.Manifest)).GetAnnotation(AnnotationKeys.Licenses));
        Assert.DoesNotContain("license", Encoding.UTF8.GetString(Blob(result, result.Config)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_SOURCE_DATE_EPOCH_two_packs_give_the_same_manifest_digest()
    {
        new SkillFixture("pdf").WriteFolder(_temp.Combine("pdf"));
        var first = await PackOkAsync(Request("pdf"));
        var second = await PackOkAsync(Request("pdf"));
        Assert.Equal(first.Manifest.Digest, second.Manifest.Digest);
        Assert.Equal(first.Layer.Digest, second.Layer.Digest);
        Assert.Equal(first.Config.Digest, second.Config.Digest);
    }

    [Fact]
    public async Task Without_SOURCE_DATE_EPOCH_only_created_differs()
    {
        new SkillFixture("pdf").WriteFolder(_temp.Combine("pdf"));
        var clock = new SteppingClock(new DateTimeOffset(2026, 1, 2, 3, 4, 5, 678, TimeSpan.Zero));
        var first = (await new SkillPackager(clock).PackAsync(Request("pdf", sourceDateEpoch: null), CancellationToken.None)).Result!;
        var a = OciManifest.Parse(Blob(first, first.Manifest));
        var second = (await new SkillPackager(clock).PackAsync(Request("pdf", sourceDateEpoch: null), CancellationToken.None)).Result!;
        Assert.Equal(first.Layer.Digest, second.Layer.Digest);
        Assert.Equal(first.Config.Digest, second.Config.Digest);
        Assert.NotEqual(first.Manifest.Digest, second.Manifest.Digest);
        var b = OciManifest.Parse(Blob(second, second.Manifest));
        Assert.Equal("2026-01-02T03:04:05Z", a.GetAnnotation(AnnotationKeys.Created));
        Assert.Equal("2026-01-02T03:04:06Z", b.GetAnnotation(AnnotationKeys.Created));
        Assert.Equal(
            a.Annotations!.Where(p => p.Key != AnnotationKeys.Created),
            b.Annotations!.Where(p => p.Key != AnnotationKeys.Created));
    }

    [Fact]
    public async Task Version_latest_is_a_coded_error_and_nothing_is_written()
    {
        new SkillFixture("pdf").WriteFolder(_temp.Combine("pdf"));
        var outcome = await new SkillPackager().PackAsync(Request("pdf", version: "latest"), CancellationToken.None);
        var error = Assert.Single(outcome.Diagnostics);
        Assert.Equal(ErrorCodes.VersionIsMovingTag, error.Code);
        Assert.Contains("SkillAdditionalTags", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_temp.Combine("out")));
    }

    [Fact]
    public async Task Top_level_version_warns_and_the_project_Version_is_used()
    {
        new SkillFixture("pdf").WithFrontmatter("name: pdf", "description: x", "version: 1.2.0").WriteFolder(_temp.Combine("pdf"));
        var outcome = await new SkillPackager().PackAsync(Request("pdf", version: "1.0.0"), CancellationToken.None);
        Assert.Equal(ErrorCodes.FrontmatterLegacyVersion, Assert.Single(outcome.Diagnostics).Code);
        var result = outcome.Result!;
        Assert.Contains("\"version\":\"1.0.0\"", Encoding.UTF8.GetString(Blob(result, result.Config)), StringComparison.Ordinal);
        Assert.Equal("1.0.0", OciManifest.Parse(Blob(result, result.Manifest)).GetAnnotation(AnnotationKeys.Version));
        Assert.Equal("1.0.0", result.Tag);
    }

    [Fact]
    public async Task Build_metadata_packs_but_is_refused_as_a_registry_tag()
    {
        new SkillFixture("pdf").WriteFolder(_temp.Combine("pdf"));
        var result = await PackOkAsync(Request("pdf", version: "1.2.0+build.5"));
        Assert.Equal("1.2.0+build.5", result.Tag);
        Assert.Equal("1.2.0+build.5", (await new OciImageLayout(result.LayoutDirectory).ResolveAsync("1.2.0+build.5", CancellationToken.None))?.GetAnnotation(AnnotationKeys.RefName));
        var refusal = result.Version.CheckUsableAsRegistryTag("x.csproj");
        Assert.Equal(ErrorCodes.VersionNotATag, refusal?.Code);
        Assert.Null(PackVersion("1.2.0-beta.1").CheckUsableAsRegistryTag(null));
    }

    [Theory]
    [InlineData("1.0.0", null)]
    [InlineData("1.2.3-beta.1", null)]
    [InlineData("1.2.3-rc.1+sha.abc", null)]
    [InlineData("latest", ErrorCodes.VersionIsMovingTag)]
    [InlineData("1", ErrorCodes.VersionIsMovingTag)]
    [InlineData("1.2", ErrorCodes.VersionIsMovingTag)]
    [InlineData("v1.2.0", ErrorCodes.VersionInvalid)]
    [InlineData("1.2.3.4", ErrorCodes.VersionInvalid)]
    [InlineData("1.2.3-", ErrorCodes.VersionInvalid)]
    [InlineData("", ErrorCodes.VersionInvalid)]
    public void Version_must_be_strict_SemVer_2(string text, string? code)
    {
        SkillVersion.TryParse(text, "p.csproj", out var version, out var diagnostic);
        Assert.Equal(code, diagnostic?.Code);
        Assert.Equal(code is null, version is not null);
        if (diagnostic is not null)
        {
            Assert.Equal("p.csproj", diagnostic.File);
        }
    }

    [Fact]
    public async Task An_invalid_SOURCE_DATE_EPOCH_is_a_coded_error()
    {
        new SkillFixture("pdf").WriteFolder(_temp.Combine("pdf"));
        var outcome = await new SkillPackager().PackAsync(Request("pdf", sourceDateEpoch: "yesterday"), CancellationToken.None);
        Assert.Equal(ErrorCodes.SourceDateEpochInvalid, Assert.Single(outcome.Diagnostics).Code);
    }

    [Fact]
    public async Task Repacking_replaces_the_layout_and_a_failed_pack_leaves_the_previous_one_untouched()
    {
        new SkillFixture("pdf").WriteFolder(_temp.Combine("pdf"));
        _temp.Write("pdf/old.md", "old");
        var first = await PackOkAsync(Request("pdf"));
        File.Delete(_temp.Combine("pdf/old.md"));
        var second = await PackOkAsync(Request("pdf"));
        Assert.NotEqual(first.Layer.Digest, second.Layer.Digest);
        Assert.Equal(3, Directory.GetFiles(Path.Combine(second.LayoutDirectory, "blobs", "sha256")).Length);

        var before = File.ReadAllBytes(Path.Combine(second.LayoutDirectory, "index.json"));
        var failing = Request("pdf") with { Limits = OciLimits.Default with { MaxLayerBytes = 10 } };
        var outcome = await new SkillPackager().PackAsync(failing, CancellationToken.None);
        Assert.Equal(ErrorCodes.LayerTooLarge, Assert.Single(outcome.Diagnostics).Code);
        Assert.Equal(before, File.ReadAllBytes(Path.Combine(second.LayoutDirectory, "index.json")));
        Assert.Single(Directory.EnumerateFileSystemEntries(_temp.Combine("out")));
    }

    private static SkillVersion PackVersion(string text)
    {
        SkillVersion.TryParse(text, null, out var version, out _);
        return version!;
    }

    /// <summary>A clock that advances one second per reading.</summary>
    private sealed class SteppingClock(DateTimeOffset start) : TimeProvider
    {
        private DateTimeOffset _next = start;

        public override DateTimeOffset GetUtcNow()
        {
            var now = _next;
            _next = _next.AddSeconds(1);
            return now;
        }
    }
}
