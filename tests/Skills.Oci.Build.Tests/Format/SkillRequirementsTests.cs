using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Format;
using Skills.Oci.Build.Oci;

namespace Skills.Oci.Build.Tests.Format;

/// <summary>The requirements annotation: ours written and read, ToolHive's read.</summary>
public sealed class SkillRequirementsTests
{
    [Fact]
    public void What_pack_writes_restore_reads_back_in_reference_order()
    {
        var written = SkillRequirements.Write(
        [
            new SkillRequirement(ImageReference.Parse("ghcr.io/acme/skills/review"), "2.0.0"),
            new SkillRequirement(ImageReference.Parse("ghcr.io/acme/skills/grilling"), "1.*"),
        ]);

        Assert.Equal("""[{"ref":"ghcr.io/acme/skills/grilling","version":"1.*"},{"ref":"ghcr.io/acme/skills/review","version":"2.0.0"}]""", written);
        var read = SkillRequirements.Read(new Dictionary<string, string> { [AnnotationKeys.SkillRequires] = written }, "test");
        Assert.Equal(["ghcr.io/acme/skills/grilling", "ghcr.io/acme/skills/review"], read.Select(r => r.Reference.ToString()));
        Assert.Equal(["1.*", "2.0.0"], read.Select(r => r.Version));
    }

    [Fact]
    public void ToolHive_references_are_read_and_ours_win_for_the_same_repository()
    {
        var annotations = new Dictionary<string, string>
        {
            [AnnotationKeys.SkillRequires] = """[{"ref":"ghcr.io/acme/grilling","version":"[1.0,2.0)"}]""",
            [AnnotationKeys.ToolHiveRequires] = """["ghcr.io/acme/grilling:0.1.0","ghcr.io/acme/pdf:1.2.0","ghcr.io/acme/any"]""",
        };

        var read = SkillRequirements.Read(annotations, "test");

        Assert.Collection(read,
            r => Assert.Equal(("ghcr.io/acme/grilling", "[1.0,2.0)"), (r.Reference.ToString(), r.Version)),
            r => Assert.Equal(("ghcr.io/acme/pdf:1.2.0", (string?)null), (r.Reference.ToString(), r.Version)),
            r => Assert.True(r.IsUnconstrained));
    }

    [Fact]
    public void No_annotation_means_no_requirements() =>
        Assert.Empty(SkillRequirements.Read(new Dictionary<string, string> { [AnnotationKeys.Title] = "x" }, "test"));

    [Theory]
    [InlineData(AnnotationKeys.SkillRequires, "{", "not JSON")]
    [InlineData(AnnotationKeys.SkillRequires, "{}", "not a JSON array")]
    [InlineData(AnnotationKeys.SkillRequires, """[{"version":"1.0"}]""", "entry 1 is not an object")]
    [InlineData(AnnotationKeys.SkillRequires, """[{"ref":"ghcr.io/a/b","version":""}]""", "non-empty string")]
    [InlineData(AnnotationKeys.SkillRequires, """[{"ref":"ghcr.io/a/b:1.0","version":"1.0"}]""", "both a tag or digest")]
    [InlineData(AnnotationKeys.SkillRequires, """[{"ref":"Bad Ref"}]""", "not a reference")]
    [InlineData(AnnotationKeys.ToolHiveRequires, """[1]""", "entry 1 is not a string")]
    public void A_malformed_annotation_is_a_coded_error_naming_the_skill(string key, string value, string why)
    {
        var error = Assert.Throws<SkillsOciException>(() => SkillRequirements.Read(new Dictionary<string, string> { [key] = value }, "ghcr.io/acme/pdf@sha256:x"));

        Assert.Equal(ErrorCodes.SkillRequirementsInvalid, error.Code);
        Assert.Contains(why, error.Message, StringComparison.Ordinal);
        Assert.Contains(key, error.Message, StringComparison.Ordinal);
        Assert.Contains("ghcr.io/acme/pdf@sha256:x", error.Message, StringComparison.Ordinal);
    }
}
