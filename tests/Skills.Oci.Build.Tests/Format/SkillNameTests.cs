using Skills.Oci.Build.Format;

namespace Skills.Oci.Build.Tests.Format;

/// <summary>One skill-name rule for packing (authored names) and restore (stored names).</summary>
public sealed class SkillNameTests
{
    [Theory]
    [InlineData(SkillNameInput.Authored)]
    [InlineData(SkillNameInput.Stored)]
    public void A_name_with_consecutive_hyphens_is_refused_whatever_its_source(SkillNameInput input)
    {
        Assert.False(SkillName.TryParse("pdf--tools", input, out _));
        Assert.Equal(["The skill name 'pdf--tools' must not contain consecutive hyphens."], SkillName.FindProblems("pdf--tools", input));
    }

    [Theory]
    [InlineData(SkillNameInput.Authored)]
    [InlineData(SkillNameInput.Stored)]
    public void A_valid_name_is_accepted_whatever_its_source(SkillNameInput input)
    {
        Assert.True(SkillName.TryParse("pdf-tools-2", input, out var name));
        Assert.Equal("pdf-tools-2", name.Value);
    }

    [Theory]
    [InlineData(" pdf ")]
    [InlineData("\uFF50\uFF44\uFF46")]
    public void An_authored_name_is_normalised_but_a_stored_name_must_already_be_normal(string candidate)
    {
        Assert.True(SkillName.TryParse(candidate, SkillNameInput.Authored, out var authored));
        Assert.Equal("pdf", authored.Value);

        Assert.False(SkillName.TryParse(candidate, SkillNameInput.Stored, out _));
        Assert.Contains(SkillName.FindProblems(candidate, SkillNameInput.Stored), p => p.Contains("not in normal form", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("../pdf")]
    [InlineData("pdf/x")]
    [InlineData("-pdf")]
    [InlineData("Pdf")]
    [InlineData("")]
    public void Names_that_could_be_paths_or_break_the_rules_are_refused_as_stored_names(string candidate)
    {
        Assert.False(SkillName.TryParse(candidate, SkillNameInput.Stored, out _));
    }
}
