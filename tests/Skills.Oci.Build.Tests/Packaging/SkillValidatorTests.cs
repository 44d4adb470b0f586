using System.Text;
using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Packaging;

namespace Skills.Oci.Build.Tests.Packaging;

/// <summary>The SKILL.md frontmatter rules packing applies, each problem reported with its line.</summary>
public sealed class SkillValidatorTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private Task<SkillValidationResult> ValidateAsync(string folder, string? skillName = null) =>
        SkillValidator.ValidateAsync(_temp.Combine(folder), null, skillName, CancellationToken.None);

    private static Diagnostic Single(SkillValidationResult result, string code)
    {
        var matching = result.Diagnostics.Where(d => d.Code == code).ToList();
        Assert.True(matching.Count == 1, $"Expected one {code}, got: {string.Join(" | ", result.Diagnostics)}");
        return matching[0];
    }

    [Fact]
    public async Task Missing_SKILL_md_is_an_error()
    {
        Directory.CreateDirectory(_temp.Combine("pdf"));
        var result = await ValidateAsync("pdf");
        Assert.True(result.HasErrors);
        var diagnostic = Single(result, ErrorCodes.SkillMarkdownMissing);
        Assert.EndsWith("SKILL.md", diagnostic.File);
        Assert.Null(result.Skill);
    }

    [Fact]
    public async Task SKILL_md_that_is_a_folder_is_an_error()
    {
        Directory.CreateDirectory(_temp.Combine("pdf/SKILL.md"));
        var result = await ValidateAsync("pdf");
        Single(result, ErrorCodes.SkillMarkdownNotAFile);
    }

    [Theory]
    [InlineData("# Just markdown\n")]
    [InlineData("name: pdf\n---\n")]
    [InlineData("\n---\nname: pdf\ndescription: x\n---\n")]
    [InlineData(" ---\nname: pdf\ndescription: x\n---\n")]
    [InlineData("")]
    public async Task SKILL_md_without_leading_delimiter_fails_at_line_1(string content)
    {
        _temp.Write("pdf/SKILL.md", content);
        var diagnostic = Single(await ValidateAsync("pdf"), ErrorCodes.FrontmatterMissing);
        Assert.Equal(1, diagnostic.Line);
    }

    [Fact]
    public async Task A_byte_order_mark_fails_like_the_reference_validator()
    {
        _temp.Write("pdf/SKILL.md", [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes("---\nname: pdf\ndescription: x\n---\n")]);
        var diagnostic = Single(await ValidateAsync("pdf"), ErrorCodes.FrontmatterMissing);
        Assert.Equal(1, diagnostic.Line);
        Assert.Contains("byte order mark", diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unclosed_frontmatter_is_an_error()
    {
        _temp.Write("pdf/SKILL.md", "---\nname: pdf\ndescription: x\n# body\n");
        var diagnostic = Single(await ValidateAsync("pdf"), ErrorCodes.FrontmatterNotClosed);
        Assert.Equal(1, diagnostic.Line);
    }

    [Fact]
    public async Task Invalid_yaml_points_at_the_SKILL_md_line()
    {
        _temp.Write("pdf/SKILL.md", "---\ndescription: x\nname: [a\n---\n");
        var diagnostic = Single(await ValidateAsync("pdf"), ErrorCodes.FrontmatterInvalidYaml);
        Assert.InRange(diagnostic.Line, 3, 4);
        Assert.True(diagnostic.Column > 0);
        Assert.EndsWith("SKILL.md", diagnostic.File);
    }

    [Fact]
    public async Task Frontmatter_that_is_not_a_mapping_is_an_error()
    {
        _temp.Write("pdf/SKILL.md", "---\n- name\n- description\n---\n");
        var diagnostic = Single(await ValidateAsync("pdf"), ErrorCodes.FrontmatterNotMapping);
        Assert.Equal(2, diagnostic.Line);
    }

    [Fact]
    public async Task Missing_name_is_an_error()
    {
        new SkillFixture("pdf").WithFrontmatter("description: x").WriteFolder(_temp.Combine("pdf"));
        var diagnostic = Single(await ValidateAsync("pdf"), ErrorCodes.SkillNameMissing);
        Assert.Contains("name", diagnostic.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("PDF", "lower case")]
    [InlineData("pdf--tools", "consecutive hyphens")]
    [InlineData("-pdf", "start or end")]
    [InlineData("pdf-", "start or end")]
    [InlineData("pdf_tools", "only letters, digits and hyphens")]
    public async Task Invalid_names_are_errors_on_the_name_line(string name, string expected)
    {
        new SkillFixture("pdf").WithFrontmatter("description: x", $"name: {name}").WriteFolder(_temp.Combine("pdf"));
        var result = await ValidateAsync("pdf");
        var diagnostic = Single(result, ErrorCodes.SkillNameInvalid);
        Assert.Equal(3, diagnostic.Line);
        Assert.Equal(7, diagnostic.Column);
        Assert.Contains(expected, diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_one_character_name_is_accepted()
    {
        new SkillFixture("a").WriteFolder(_temp.Combine("a"));
        var result = await ValidateAsync("a");
        Assert.Empty(result.Diagnostics);
        Assert.Equal("a", result.Skill!.Name.Value);
    }

    [Fact]
    public async Task A_65_character_name_is_an_error_and_64_is_fine()
    {
        var name65 = new string('a', 65);
        var name64 = new string('b', 64);
        new SkillFixture(name65).WriteFolder(_temp.Combine(name65));
        new SkillFixture(name64).WriteFolder(_temp.Combine(name64));
        Assert.Contains("65 characters", Single(await ValidateAsync(name65), ErrorCodes.SkillNameInvalid).Message, StringComparison.Ordinal);
        Assert.Empty((await ValidateAsync(name64)).Diagnostics);
    }

    [Fact]
    public async Task Names_are_compared_after_NFKC_normalisation()
    {
        // U+FB01 (the "fi" ligature) is NFKC-equal to "fi".
        new SkillFixture("\uFB01x").WriteFolder(_temp.Combine("fix"));
        var result = await ValidateAsync("fix");
        Assert.Empty(result.Diagnostics);
        Assert.Equal("fix", result.Skill!.Name.Value);
    }

    [Fact]
    public async Task Name_differing_from_folder_is_a_warning_and_the_name_wins()
    {
        new SkillFixture("manage-pull-requests").WriteFolder(_temp.Combine("sample-skill"));
        var result = await ValidateAsync("sample-skill");
        Assert.False(result.HasErrors);
        var warning = Single(result, ErrorCodes.SkillFolderNameMismatch);
        Assert.Equal(DiagnosticSeverity.Warning, warning.Severity);
        Assert.Equal(2, warning.Line);
        Assert.Equal("manage-pull-requests", result.Skill!.Name.Value);
    }

    [Fact]
    public async Task An_explicit_SkillName_equal_to_the_name_silences_the_warning()
    {
        new SkillFixture("manage-pull-requests").WriteFolder(_temp.Combine("sample-skill"));
        var result = await ValidateAsync("sample-skill", skillName: "manage-pull-requests");
        Assert.Empty(result.Diagnostics);
    }

    [Theory]
    [InlineData("name: pdf")]
    [InlineData("name: pdf\ndescription:")]
    [InlineData("name: pdf\ndescription: ''")]
    [InlineData("name: pdf\ndescription: '   '")]
    public async Task Missing_or_empty_description_is_an_error(string frontmatter)
    {
        new SkillFixture("pdf").WithFrontmatter(frontmatter).WriteFolder(_temp.Combine("pdf"));
        Single(await ValidateAsync("pdf"), ErrorCodes.DescriptionMissing);
    }

    [Fact]
    public async Task Long_description_and_long_compatibility_are_reported_together_with_their_lines()
    {
        new SkillFixture("pdf").WithFrontmatter("name: pdf", $"description: {new string('d', 1025)}", $"compatibility: {new string('c', 501)}").WriteFolder(_temp.Combine("pdf"));
        var result = await ValidateAsync("pdf");
        Assert.Equal(3, Single(result, ErrorCodes.DescriptionTooLong).Line);
        Assert.Equal(4, Single(result, ErrorCodes.CompatibilityTooLong).Line);
        Assert.Null(result.Skill);
    }

    [Fact]
    public async Task Limits_are_inclusive()
    {
        new SkillFixture("pdf").WithFrontmatter("name: pdf", $"description: {new string('d', 1024)}", $"compatibility: {new string('c', 500)}").WriteFolder(_temp.Combine("pdf"));
        Assert.Empty((await ValidateAsync("pdf")).Diagnostics);
    }

    [Fact]
    public async Task Allowed_tools_is_split_on_whitespace()
    {
        new SkillFixture("pdf").WithFrontmatter("name: pdf", "description: x", "allowed-tools: Bash(git:*) Read").WriteFolder(_temp.Combine("pdf"));
        var result = await ValidateAsync("pdf");
        Assert.Equal(["Bash(git:*)", "Read"], result.Skill!.AllowedTools);
    }

    [Fact]
    public async Task Top_level_version_is_a_warning_pointing_at_the_project_Version()
    {
        new SkillFixture("pdf").WithFrontmatter("name: pdf", "description: x", "version: 1.2.0").WriteFolder(_temp.Combine("pdf"));
        var result = await ValidateAsync("pdf");
        Assert.False(result.HasErrors);
        var warning = Single(result, ErrorCodes.FrontmatterLegacyVersion);
        Assert.Equal(4, warning.Line);
        Assert.Contains("Version", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_fields_are_errors_and_every_problem_is_reported_in_one_run()
    {
        new SkillFixture("pdf").WithFrontmatter(
            "name: PDF--Tools",
            "author: me",
            "version: 2.0.0",
            "compatibility: " + new string('c', 501),
            "metadata: [a, b]",
            "allowed-tools: [Read]",
            "tags: x").WriteFolder(_temp.Combine("pdf"));
        var result = await ValidateAsync("pdf");
        var found = result.Diagnostics.Select(d => (d.Code, d.Line)).ToHashSet();
        Assert.Contains((ErrorCodes.SkillNameInvalid, 2), found);
        Assert.Contains((ErrorCodes.FrontmatterUnknownField, 3), found);
        Assert.Contains((ErrorCodes.FrontmatterLegacyVersion, 4), found);
        Assert.Contains((ErrorCodes.CompatibilityTooLong, 5), found);
        Assert.Contains((ErrorCodes.FrontmatterFieldWrongType, 6), found);
        Assert.Contains((ErrorCodes.FrontmatterFieldWrongType, 7), found);
        Assert.Contains((ErrorCodes.FrontmatterUnknownField, 8), found);
        Assert.Contains((ErrorCodes.DescriptionMissing, 1), found);
        Assert.All(result.Diagnostics, d => Assert.EndsWith("SKILL.md", d.File));
    }

    [Fact]
    public async Task Metadata_is_a_string_map_in_ordinal_key_order()
    {
        new SkillFixture("pdf").WithFrontmatter("name: pdf", "description: x", "metadata:", "  zeta: 1.0", "  Alpha: two", "  beta: 'three'").WriteFolder(_temp.Combine("pdf"));
        var result = await ValidateAsync("pdf");
        Assert.Equal(["Alpha", "beta", "zeta"], result.Skill!.Metadata!.Keys);
        Assert.Equal("1.0", result.Skill.Metadata["zeta"]);
    }

    [Fact]
    public async Task Nested_metadata_values_are_errors()
    {
        new SkillFixture("pdf").WithFrontmatter("name: pdf", "description: x", "metadata:", "  a:", "    b: c").WriteFolder(_temp.Combine("pdf"));
        Assert.Equal(6, Single(await ValidateAsync("pdf"), ErrorCodes.FrontmatterFieldWrongType).Line);
    }

    [Fact]
    public async Task Invalid_utf8_is_an_error()
    {
        _temp.Write("pdf/SKILL.md", [.. Encoding.ASCII.GetBytes("---\nname: pdf\ndescription: "), 0xC3, 0x28, .. Encoding.ASCII.GetBytes("\n---\n")]);
        Single(await ValidateAsync("pdf"), ErrorCodes.SkillMarkdownUnreadable);
    }

    [Fact]
    public async Task Crlf_line_ends_and_trailing_spaces_on_delimiters_are_accepted()
    {
        _temp.Write("pdf/SKILL.md", "---\r\nname: pdf\r\ndescription: x\r\n---  \r\nbody\r\n");
        Assert.Empty((await ValidateAsync("pdf")).Diagnostics);
    }
}
