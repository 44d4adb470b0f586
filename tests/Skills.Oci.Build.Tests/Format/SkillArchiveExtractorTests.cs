using System.Formats.Tar;
using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Format;
using Skills.Oci.Build.Oci;

namespace Skills.Oci.Build.Tests.Format;

/// <summary>
/// Extraction reads what other tools write (every tar format, no folder entries, any YAML style of the
/// SKILL.md name) and normalises modes to 0644 or 0755.
/// </summary>
public sealed class SkillArchiveExtractorTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData(TarEntryFormat.Ustar)]
    [InlineData(TarEntryFormat.Pax)]
    [InlineData(TarEntryFormat.Gnu)]
    [InlineData(TarEntryFormat.V7)]
    public async Task Every_tar_format_extracts_without_directory_entries(TarEntryFormat format)
    {
        // V7 holds 100 bytes of name and ustar 100 per last segment; PAX and GNU carry long names in extra records.
        var longName = format switch
        {
            TarEntryFormat.V7 => "pdf/" + new string('n', 40) + ".md",
            TarEntryFormat.Ustar => "pdf/" + new string('d', 90) + "/" + new string('n', 90) + ".md",
            _ => "pdf/" + new string('n', 200) + ".md",
        };
        var tar = new TarBuilder(format).File("pdf/SKILL.md", "---\nname: \"pdf\"\n---\n").File(longName, "x");

        var staging = await ExtractAsync(tar.ToGzip());

        Assert.Equal("x", File.ReadAllText(Path.Combine(staging, longName)));
    }

    [Fact]
    public async Task Modes_become_0644_or_0755_and_special_bits_are_dropped()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var tar = new SkillFixture("pdf").ToTar()
            .File("pdf/run.sh", "x", UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.SetUser)
            .File("pdf/private", "x", UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.StickyBit);

        var staging = await ExtractAsync(tar.ToGzip());

        Assert.Equal((UnixFileMode)0b111_101_101, File.GetUnixFileMode(Path.Combine(staging, "pdf", "run.sh")));
        Assert.Equal((UnixFileMode)0b110_100_100, File.GetUnixFileMode(Path.Combine(staging, "pdf", "private")));
        Assert.Equal((UnixFileMode)0b111_101_101, File.GetUnixFileMode(Path.Combine(staging, "pdf")));
    }

    [Fact]
    public async Task A_failed_extraction_removes_its_staging_folder()
    {
        var parent = _folder.Combine("skills");
        Directory.CreateDirectory(parent);

        await Assert.ThrowsAsync<SkillsOciException>(() =>
            SkillArchiveExtractor.ExtractAsync(new MemoryStream(new SkillFixture("pdf").ToTar().File("pdf/../../x", "x").ToGzip()), "pdf", parent, OciLimits.Default, "test", CancellationToken.None));

        Assert.Empty(Directory.GetFileSystemEntries(parent));
    }

    [Fact]
    public async Task Dot_segments_are_ignored()
    {
        var staging = await ExtractAsync(new TarBuilder().File("./pdf/./SKILL.md", "---\nname: pdf\n---\n").ToGzip());

        Assert.True(File.Exists(Path.Combine(staging, "pdf", "SKILL.md")));
    }

    [Theory]
    [InlineData("name: \"pdf\" # the PDF skill")]
    [InlineData("name: 'pdf'")]
    [InlineData("name: >-\n  pdf")]
    [InlineData("name: |-\n  pdf")]
    [InlineData("name:\n  pdf")]
    [InlineData("name: \"pdf \"")]
    [InlineData("description: x\nname: pdf")]
    public async Task A_SKILL_md_name_in_any_YAML_style_matches_the_config_name(string nameLine)
    {
        var staging = await ExtractAsync(new TarBuilder().File("pdf/SKILL.md", $"---\n{nameLine}\n---\n# pdf\n").ToGzip());

        Assert.True(File.Exists(Path.Combine(staging, "pdf", "SKILL.md")));
    }

    [Fact]
    public async Task A_SKILL_md_from_another_tool_may_start_with_a_byte_order_mark()
    {
        var staging = await ExtractAsync(new TarBuilder().File("pdf/SKILL.md", "\uFEFF---\nname: pdf\n---\n").ToGzip());

        Assert.True(File.Exists(Path.Combine(staging, "pdf", "SKILL.md")));
    }

    [Theory]
    [InlineData("name: other # pdf", ErrorCodes.SkillNameMismatch)]
    [InlineData("name: \"pdf--x\"", ErrorCodes.SkillNameMismatch)]
    [InlineData("description: x", ErrorCodes.MissingSkillFile)]
    [InlineData("name: [pdf]", ErrorCodes.MissingSkillFile)]
    [InlineData("name: \"pdf", ErrorCodes.MissingSkillFile)]
    public async Task A_SKILL_md_whose_name_is_not_the_config_name_is_refused(string nameLine, string code)
    {
        var error = await Assert.ThrowsAsync<SkillsOciException>(() => ExtractAsync(new TarBuilder().File("pdf/SKILL.md", $"---\n{nameLine}\n---\n").ToGzip()));

        Assert.Equal(code, error.Code);
    }

    private async Task<string> ExtractAsync(byte[] gzip)
    {
        var parent = _folder.Combine("skills");
        Directory.CreateDirectory(parent);
        return await SkillArchiveExtractor.ExtractAsync(new MemoryStream(gzip), "pdf", parent, OciLimits.Default, "test", CancellationToken.None);
    }
}
