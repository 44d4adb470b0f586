using Skills.Oci.Build.Oci;

namespace Skills.Oci.Build.Tests.Oci;

public class TagTests
{
    [Theory]
    [InlineData("latest", true)]
    [InlineData("1.2.0-beta.1", true)]
    [InlineData("_private", true)]
    [InlineData("V1_2-x.y", true)]
    [InlineData("0", true)]
    [InlineData(".hidden", false)]
    [InlineData("-dash", false)]
    [InlineData("1.2.0+build.5", false)]
    [InlineData("has space", false)]
    [InlineData("sl/ash", false)]
    [InlineData("colon:", false)]
    [InlineData("é", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void Follows_the_distribution_tag_grammar(string? text, bool valid)
    {
        Assert.Equal(valid, Tag.IsValid(text));
        Assert.Equal(valid, Tag.TryParse(text, out _));
    }

    [Fact]
    public void Allows_at_most_128_characters()
    {
        Assert.True(Tag.IsValid(new string('a', 128)));
        Assert.False(Tag.IsValid(new string('a', 129)));
    }

    [Fact]
    public void Parses_to_a_value_that_prints_as_written_and_compares_ordinally()
    {
        var tag = Tag.Parse("Release-1.0");

        Assert.Equal("Release-1.0", tag.ToString());
        Assert.Equal(Tag.Parse("Release-1.0"), tag);
        Assert.True(tag == Tag.Parse("Release-1.0"));
        Assert.NotEqual(Tag.Parse("release-1.0"), tag);
        Assert.Equal(Tag.Parse("Release-1.0").GetHashCode(), tag.GetHashCode());
        Assert.True(default(Tag).IsDefault);
        Assert.Equal(string.Empty, default(Tag).Value);
    }

    [Fact]
    public void Refuses_an_invalid_tag_with_the_rule_in_the_message()
    {
        var error = Assert.Throws<FormatException>(() => Tag.Parse(".x"));

        Assert.Contains("at most 128 characters", error.Message, StringComparison.Ordinal);
        Assert.False(Tag.TryParse("-x", out var tag, out var reason));
        Assert.True(tag.IsDefault);
        Assert.Contains("'-x' is not a valid tag", reason, StringComparison.Ordinal);
    }
}
