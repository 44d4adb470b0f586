using System.Text;
using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Format;

namespace Skills.Oci.Build.Tests.Format;

/// <summary>SKILL.md is read as YAML on both sides; restore only tolerates more in the bytes around it.</summary>
public sealed class SkillMarkdownTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("name: pdf")]
    [InlineData("name: \"pdf\" # the PDF skill")]
    [InlineData("name: 'pdf'")]
    [InlineData("name: >-\n  pdf")]
    [InlineData("name: |-\n  pdf")]
    [InlineData("name:\n  pdf")]
    [InlineData("description: \"name: other\"\nname: pdf")]
    public async Task The_name_is_read_whatever_its_YAML_style(string frontmatter)
    {
        var markdown = await ReadAsync(Encoding.UTF8.GetBytes($"---\n{frontmatter}\n---\n# body\n"), SkillMarkdownOptions.Foreign);

        Assert.Equal("pdf", markdown?.Name);
    }

    [Theory]
    [InlineData("description: x")]
    [InlineData("name:")]
    [InlineData("name: ~")]
    [InlineData("name: [pdf]")]
    [InlineData("metadata:\n  name: pdf")]
    public async Task A_frontmatter_without_a_top_level_text_name_has_no_name(string frontmatter)
    {
        var markdown = await ReadAsync(Encoding.UTF8.GetBytes($"---\n{frontmatter}\n---\n"), SkillMarkdownOptions.Foreign);

        Assert.NotNull(markdown);
        Assert.Null(markdown.Name);
    }

    [Fact]
    public async Task A_byte_order_mark_is_refused_when_authoring_and_skipped_when_reading_a_foreign_skill()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("---\nname: pdf\n---\n")).ToArray();
        var diagnostics = new List<Diagnostic>();

        Assert.Null(await ReadAsync(bytes, SkillMarkdownOptions.Authoring, diagnostics));
        Assert.Equal(ErrorCodes.FrontmatterMissing, Assert.Single(diagnostics).Code);
        Assert.Equal("pdf", (await ReadAsync(bytes, SkillMarkdownOptions.Foreign))?.Name);
    }

    [Fact]
    public async Task Bytes_that_are_not_UTF8_are_refused_when_authoring_and_replaced_when_reading_a_foreign_skill()
    {
        var bytes = Encoding.UTF8.GetBytes("---\nname: pdf\n---\ncaf").Concat(new byte[] { 0xE9, 0x0A }).ToArray();
        var diagnostics = new List<Diagnostic>();

        Assert.Null(await ReadAsync(bytes, SkillMarkdownOptions.Authoring, diagnostics));
        Assert.Equal(ErrorCodes.SkillMarkdownUnreadable, Assert.Single(diagnostics).Code);
        Assert.Equal("pdf", (await ReadAsync(bytes, SkillMarkdownOptions.Foreign))?.Name);
    }

    private async Task<SkillMarkdown?> ReadAsync(byte[] content, SkillMarkdownOptions options, List<Diagnostic>? diagnostics = null)
    {
        var path = _temp.Write("pdf/SKILL.md", content);
        return await SkillMarkdown.ReadAsync(path, options, diagnostics ?? [], CancellationToken.None);
    }
}
