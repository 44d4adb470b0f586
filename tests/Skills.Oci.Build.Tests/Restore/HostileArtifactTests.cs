using System.Formats.Tar;
using System.Text;
using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Format;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Restore;
using static Skills.Oci.Build.Tests.Restore.RestoreWorkspace;

namespace Skills.Oci.Build.Tests.Restore;

/// <summary>
/// Artifacts that must be refused: each fails with its code, and nothing is written
/// (folders, links, lock, .gitignore), extracted or cached. An earlier good install stays as it was.
/// </summary>
public sealed class HostileArtifactTests : IDisposable
{
    private readonly RestoreWorkspace _ws = new();

    public void Dispose() => _ws.Dispose();

    public static TheoryData<string, string> HostileArchives => new()
    {
        { "dotdot", ErrorCodes.UnsafeArchiveEntry },
        { "nested-dotdot", ErrorCodes.UnsafeArchiveEntry },
        { "absolute", ErrorCodes.UnsafeArchiveEntry },
        { "drive-letter", ErrorCodes.UnsafeArchiveEntry },
        { "backslash", ErrorCodes.UnsafeArchiveEntry },
        { "symlink", ErrorCodes.UnsupportedArchiveEntryType },
        { "hardlink", ErrorCodes.UnsupportedArchiveEntryType },
        { "fifo", ErrorCodes.UnsupportedArchiveEntryType },
        { "chardevice", ErrorCodes.UnsupportedArchiveEntryType },
        { "outside-the-skill-folder", ErrorCodes.UnsafeArchiveEntry },
        { "duplicate", ErrorCodes.DuplicateArchiveEntry },
        { "case-duplicate", ErrorCodes.DuplicateArchiveEntry },
        { "file-then-folder", ErrorCodes.DuplicateArchiveEntry },
        { "no-skill-md", ErrorCodes.MissingSkillFile },
        { "skill-md-name-mismatch", ErrorCodes.SkillNameMismatch },
        { "not-gzip", ErrorCodes.CorruptSkillArchive },
        { "path-too-long", ErrorCodes.SkillContentTooLarge },
    };

    private static byte[] Archive(string kind)
    {
        var good = new SkillFixture("pdf").ToTar();
        return kind switch
        {
            "dotdot" => good.File("../evil", "x").ToGzip(),
            "nested-dotdot" => good.File("pdf/../../evil", "x").ToGzip(),
            "absolute" => good.File("/var/evil", "x").ToGzip(),
            "drive-letter" => good.File("C:/evil", "x").ToGzip(),
            "backslash" => good.File("pdf\\evil", "x").ToGzip(),
            "symlink" => good.Entry(TarEntryType.SymbolicLink, "pdf/x", "/etc/passwd").ToGzip(),
            "hardlink" => good.Entry(TarEntryType.HardLink, "pdf/x", "pdf/SKILL.md").ToGzip(),
            "fifo" => good.Entry(TarEntryType.Fifo, "pdf/x").ToGzip(),
            "chardevice" => good.Entry(TarEntryType.CharacterDevice, "pdf/x").ToGzip(),
            "outside-the-skill-folder" => good.File("other-skill/SKILL.md", "x").ToGzip(),
            "duplicate" => good.File("pdf/a", "1").File("pdf/a", "2").ToGzip(),
            "case-duplicate" => good.File("pdf/README", "1").File("pdf/readme", "2").ToGzip(),
            "file-then-folder" => good.File("pdf/a", "1").File("pdf/a/b", "2").ToGzip(),
            "no-skill-md" => new TarBuilder().Directory("pdf/").File("pdf/README.md", "x").ToGzip(),
            "skill-md-name-mismatch" => new TarBuilder().File("pdf/SKILL.md", "---\nname: other\n---\n").ToGzip(),
            "not-gzip" => Encoding.UTF8.GetBytes("this is not gzip"),
            "path-too-long" => new SkillFixture("pdf").ToTar(TarEntryFormat.Gnu).File("pdf/" + new string('a', 4093), "x").ToGzip(),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
    }

    [Theory]
    [MemberData(nameof(HostileArchives))]
    public async Task Hostile_archive_is_refused_and_nothing_is_written_or_cached(string kind, string code)
    {
        await AssertRefusedAsync(() => _ws.Registry.PublishAsync(SkillRegistry.Repo("pdf"), "1.0.0", Archive(kind), "pdf"), code);
    }

    [Fact]
    public async Task Hostile_upgrade_keeps_the_previous_install_links_and_lock()
    {
        await _ws.Registry.PublishSkillAsync("pdf", "1.0.0", ("a", "old"));
        Assert.True((await _ws.RestoreAsync(Ref("pdf", "[1.0.0]"))).Succeeded);
        await _ws.Registry.PublishAsync(SkillRegistry.Repo("pdf"), "2.0.0", Archive("dotdot"), "pdf");
        var before = _ws.Snapshot();

        var result = await _ws.RestoreAsync(Ref("pdf", "[2.0.0]"));

        Assert.Equal(ErrorCodes.UnsafeArchiveEntry, Assert.Single(result.Diagnostics).Code);
        Assert.Equal(before, _ws.Snapshot());
        Assert.Equal("old", File.ReadAllText(Path.Combine(_ws.SkillFolder("pdf"), "a")));
    }

    [Fact]
    public async Task An_ordinary_container_image_is_not_a_skill()
    {
        await AssertRefusedAsync(() => _ws.Registry.PublishAsync(SkillRegistry.Repo("pdf"), "1.0.0", new SkillFixture("pdf").ToTarGz(), "pdf",
            artifactType: null, configMediaType: MediaTypes.OciImageConfig), ErrorCodes.NotASkillArtifact);
    }

    [Fact]
    public async Task Another_vendors_skill_type_is_not_a_skill()
    {
        await AssertRefusedAsync(() => _ws.Registry.PublishAsync(SkillRegistry.Repo("pdf"), "1.0.0", new SkillFixture("pdf").ToTarGz(), "pdf",
            artifactType: "application/vnd.agent.skill.v1+json"), ErrorCodes.NotASkillArtifact);
    }

    [Fact]
    public async Task Missing_artifactType_with_the_skill_config_type_is_accepted()
    {
        await _ws.Registry.PublishAsync(SkillRegistry.Repo("pdf"), "1.0.0", new SkillFixture("pdf").ToTarGz(), "pdf", artifactType: null);

        var result = await _ws.RestoreAsync(Ref("pdf"));

        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public async Task Not_exactly_one_content_layer_is_refused(int layers)
    {
        await AssertRefusedAsync(() => _ws.Registry.PublishAsync(SkillRegistry.Repo("pdf"), "1.0.0", new SkillFixture("pdf").ToTarGz(), "pdf", layerCount: layers), ErrorCodes.SkillLayerCount);
    }

    [Fact]
    public async Task Config_that_is_not_json_is_refused()
    {
        await AssertRefusedAsync(() => _ws.Registry.PublishAsync(SkillRegistry.Repo("pdf"), "1.0.0", new SkillFixture("pdf").ToTarGz(), "pdf",
            configBytes: Encoding.UTF8.GetBytes("not json")), ErrorCodes.InvalidSkillConfig);
    }

    [Fact]
    public async Task Config_with_an_unsafe_name_is_refused()
    {
        await AssertRefusedAsync(() => _ws.Registry.PublishAsync(SkillRegistry.Repo("pdf"), "1.0.0", new SkillFixture("pdf").ToTarGz(), "../pdf",
            annotatedName: "../pdf"), ErrorCodes.InvalidSkillConfig);
    }

    [Fact]
    public async Task Config_name_with_consecutive_hyphens_is_refused_with_the_packing_rule()
    {
        await _ws.Registry.PublishAsync(SkillRegistry.Repo("pdf"), "1.0.0", new SkillFixture("pdf--tools").ToTarGz(), "pdf--tools");
        var before = _ws.Snapshot();

        var result = await _ws.RestoreAsync(Ref("pdf"));

        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal(ErrorCodes.InvalidSkillConfig, diagnostic.Code);
        Assert.Contains(SkillName.FindProblems("pdf--tools").Single().TrimEnd('.'), diagnostic.Message, StringComparison.Ordinal);
        Assert.Equal(before, _ws.Snapshot());
    }

    [Theory]
    [InlineData("name: \"pdf\" # the PDF skill")]
    [InlineData("name: >-\n  pdf")]
    public async Task A_foreign_SKILL_md_name_in_another_YAML_style_restores_without_a_name_mismatch(string nameLine)
    {
        var tar = new SkillFixture("pdf").WithFrontmatter(nameLine, "description: x").ToTar();
        await _ws.Registry.PublishAsync(SkillRegistry.Repo("pdf"), "1.0.0", tar.ToGzip(), "pdf");

        var result = await _ws.RestoreAsync(Ref("pdf"));

        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        Assert.True(File.Exists(Path.Combine(_ws.SkillFolder("pdf"), "SKILL.md")));
    }

    [Fact]
    public async Task Annotation_and_config_name_mismatch_is_refused()
    {
        await AssertRefusedAsync(() => _ws.Registry.PublishAsync(SkillRegistry.Repo("pdf"), "1.0.0", new SkillFixture("bar").ToTarGz(), "bar", annotatedName: "foo"), ErrorCodes.SkillNameMismatch);
    }

    [Fact]
    public async Task Archive_root_differing_from_the_config_name_is_refused()
    {
        await AssertRefusedAsync(() => _ws.Registry.PublishAsync(SkillRegistry.Repo("pdf"), "1.0.0", new SkillFixture("other").ToTarGz(), "pdf"), ErrorCodes.UnsafeArchiveEntry);
    }

    [Fact]
    public async Task Inline_config_data_is_used_when_it_matches()
    {
        var config = Encoding.UTF8.GetBytes("{\"schemaVersion\":\"1\",\"name\":\"pdf\"}");
        await _ws.Registry.PublishAsync(SkillRegistry.Repo("pdf"), "1.0.0", new SkillFixture("pdf").ToTarGz(), "pdf", configBytes: config, inlineData: Convert.ToBase64String(config));

        var result = await _ws.RestoreAsync(Ref("pdf"));

        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
    }

    [Fact]
    public async Task Inline_config_data_that_does_not_match_is_refused()
    {
        var config = Encoding.UTF8.GetBytes("{\"schemaVersion\":\"1\",\"name\":\"pdf\"}");
        var other = Encoding.UTF8.GetBytes("{\"schemaVersion\":\"1\",\"name\":\"evil\"}");
        await AssertRefusedAsync(() => _ws.Registry.PublishAsync(SkillRegistry.Repo("pdf"), "1.0.0", new SkillFixture("pdf").ToTarGz(), "pdf",
            configBytes: config, inlineData: Convert.ToBase64String(other)), ErrorCodes.InlineConfigMismatch);
    }

    [Fact]
    public async Task Layer_bytes_that_do_not_match_the_digest_are_refused()
    {
        var manifest = await _ws.Registry.PublishSkillAsync("pdf", "1.0.0");
        var layout = _ws.Registry.Source.LayoutFor(ImageReference.Parse(SkillRegistry.Repo("pdf")));
        var parsed = OciManifest.Parse(File.ReadAllBytes(layout.BlobPath(manifest.Digest)));
        var layerPath = layout.BlobPath(parsed.Layers![0].Digest);
        var bytes = File.ReadAllBytes(layerPath);
        bytes[^5] ^= 0xFF;
        File.WriteAllBytes(layerPath, bytes);

        await AssertRefusedAsync(() => Task.FromResult(manifest), ErrorCodes.DigestMismatch);
    }

    [Fact]
    public async Task Gzip_bomb_stops_at_the_uncompressed_limit()
    {
        var bomb = TarBuilder.GzipBomb("pdf", 300L * 1024 * 1024);
        Assert.True(bomb.Length < 1024 * 1024, $"the bomb is {bomb.Length} bytes");

        await AssertRefusedAsync(() => _ws.Registry.PublishAsync(SkillRegistry.Repo("pdf"), "1.0.0", bomb, "pdf"), ErrorCodes.SkillContentTooLarge);
    }

    [Fact]
    public async Task Layer_descriptor_over_the_limit_is_refused_before_fetching()
    {
        await _ws.Registry.PublishSkillAsync("pdf", "1.0.0");
        var before = _ws.Snapshot();

        var result = await _ws.RestoreAsync("src/App/App.csproj", _ws.Options() with { Limits = OciLimits.Default with { MaxLayerBytes = 10 } }, Ref("pdf"));

        Assert.Equal(ErrorCodes.SkillContentTooLarge, Assert.Single(result.Diagnostics).Code);
        Assert.Equal(before, _ws.Snapshot());
        Assert.False(Directory.Exists(Path.Combine(_ws.CachePath, "blobs")) && Directory.EnumerateFiles(Path.Combine(_ws.CachePath, "blobs"), "*", SearchOption.AllDirectories).Any());
    }

    [Fact]
    public async Task Too_many_entries_is_refused()
    {
        var tar = new SkillFixture("pdf").ToTar();
        for (var i = 0; i < 10_000; i++)
        {
            tar.File($"pdf/f{i}", string.Empty);
        }

        await AssertRefusedAsync(() => _ws.Registry.PublishAsync(SkillRegistry.Repo("pdf"), "1.0.0", tar.ToGzip(), "pdf"), ErrorCodes.SkillContentTooLarge);
    }

    [Fact]
    public async Task An_index_that_is_no_collection_where_a_skill_is_expected_is_refused()
    {
        // A collection index installs its members (CollectionExpansionTests); any other index is no skill.
        var manifest = await _ws.Registry.PublishSkillAsync("pdf", "1.0.0");
        var layout = _ws.Registry.Source.LayoutFor(ImageReference.Parse(SkillRegistry.Repo("pdf")));
        var index = await layout.WriteBlobAsync(MediaTypes.OciIndex, OciJsonWriter.WriteIndex([manifest]), CancellationToken.None);
        await layout.AddToIndexAsync(index, "2.0.0", CancellationToken.None);
        var before = _ws.Snapshot();

        var result = await _ws.RestoreAsync(Ref("pdf", "[2.0.0]"));

        Assert.Equal(ErrorCodes.SkillReferenceIsIndex, Assert.Single(result.Diagnostics).Code);
        Assert.Contains("collection", result.Diagnostics[0].Message, StringComparison.Ordinal);
        Assert.Equal(before, _ws.Snapshot());
    }

    private async Task AssertRefusedAsync(Func<Task> publish, string code)
    {
        await publish();
        var before = _ws.Snapshot();

        var result = await _ws.RestoreAsync(Ref("pdf"));

        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal(code, diagnostic.Code);
        Assert.False(result.Succeeded);
        Assert.Equal(before, _ws.Snapshot());
        var blobs = Path.Combine(_ws.CachePath, "blobs", "sha256");
        Assert.True(!Directory.Exists(blobs) || !Directory.EnumerateFiles(blobs).Any(), "nothing may be cached");
    }
}
