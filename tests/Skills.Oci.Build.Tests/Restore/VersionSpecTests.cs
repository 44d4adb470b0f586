using Skills.Oci.Build.Restore;

namespace Skills.Oci.Build.Tests.Restore;

/// <summary>Choosing a tag for a SkillReference Version, with PackageReference meaning.</summary>
public sealed class VersionSpecTests
{
    private static readonly string[] Case78Tags = ["1.0.0", "1.1.0", "v1.2.0", "latest"];

    [Theory]
    [InlineData("1.0.0", "1.0.0", true)]
    [InlineData("1.0.5", "1.1.0", false)]
    [InlineData("[1.2.0]", "v1.2.0", true)]
    [InlineData("1.*", "v1.2.0", true)]
    [InlineData("[2.0,3.0)", null, true)]
    [InlineData("latest", "latest", true)]
    [InlineData("*", "v1.2.0", true)]
    public void Chooses_the_tag_NuGet_would(string version, string? expectedTag, bool exact)
    {
        Assert.True(VersionSpec.TryParse(version, out var spec, out _));

        var match = spec!.Select(Case78Tags);

        Assert.Equal(expectedTag, match?.Tag);
        if (match is not null)
        {
            Assert.Equal(exact, match.IsExactMatch);
        }
    }

    [Fact]
    public void No_match_lists_the_nearest_versions()
    {
        Assert.True(VersionSpec.TryParse("[2.0,3.0)", out var spec, out _));

        Assert.Equal(["1.0.0", "1.1.0", "v1.2.0"], spec!.NearestTags(Case78Tags));
    }

    [Fact]
    public void Alias_tags_are_not_versions_and_the_plain_spelling_wins()
    {
        Assert.True(VersionSpec.TryParse("1.2.0", out var spec, out _));

        Assert.Equal("1.2.0", spec!.Select(["1", "1.2", "v1.2.0", "1.2.0"])!.Tag);
        Assert.Null(spec.Select(["1", "1.2"]));
    }

    [Theory]
    [InlineData("stable", true)]
    [InlineData("[1.0", false)]
    [InlineData("", false)]
    [InlineData("with space", false)]
    public void Text_that_is_not_a_range_is_an_exact_tag_when_it_is_a_valid_tag(string text, bool valid)
    {
        Assert.Equal(valid, VersionSpec.TryParse(text, out var spec, out _));
        if (valid)
        {
            Assert.Equal(text, spec!.ExactTag);
            Assert.True(spec.IsSatisfiedBy(text));
            Assert.False(spec.IsSatisfiedBy("1.0.0"));
        }
    }

    [Fact]
    public void Include_with_both_a_tag_and_a_different_Version_is_an_error()
    {
        var ex = Assert.Throws<Diagnostics.SkillsOciException>(() => SkillRequest.Parse("a.csproj", "/r/a.csproj", new SkillReferenceItem("ghcr.io/x/pdf:1.0.0", "2.0.0")));
        Assert.Equal(Diagnostics.ErrorCodes.InvalidSkillReference, ex.Code);
        Assert.Equal("/r/a.csproj", ex.Diagnostic.File);
    }

    [Theory]
    [InlineData("myorg/pdf:1.0", "docker.io", "myorg/pdf")]
    [InlineData("pdf:1.0", "docker.io", "library/pdf")]
    public void Docker_hub_names_are_normalised(string include, string registry, string repository)
    {
        var request = SkillRequest.Parse("a.csproj", "a.csproj", new SkillReferenceItem(include));

        Assert.Equal(registry, request.Repository.Registry);
        Assert.Equal(repository, request.Repository.Repository);
        Assert.Equal("registry-1.docker.io", request.Repository.RegistryHost);
        Assert.Equal("1.0", request.Tag);
    }
}
