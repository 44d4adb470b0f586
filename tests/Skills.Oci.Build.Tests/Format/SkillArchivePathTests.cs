using Skills.Oci.Build.Format;

namespace Skills.Oci.Build.Tests.Format;

/// <summary>One archive path rule: packing writes only what extraction accepts.</summary>
public sealed class SkillArchivePathTests
{
    public static TheoryData<string, string> UnsafePaths => new()
    {
        { "", "is empty" },
        { "pdf/../x", "contains a '..' segment" },
        { "../x", "contains a '..' segment" },
        { "/etc/passwd", "is absolute" },
        { "C:/x", "is absolute" },
        { "pdf\\x", "contains '\\'" },
        { "pdf/a\0b", "contains a NUL character" },
        { "pdf/a:b", "contains ':' or a control character" },
        { "pdf/a\nb", "contains ':' or a control character" },
    };

    [Theory]
    [MemberData(nameof(UnsafePaths))]
    public void An_unsafe_path_is_refused_when_writing_and_when_reading(string path, string problem)
    {
        Assert.Equal(problem, SkillArchivePath.FindProblem(path, ArchivePathRules.Writing, out _));
        Assert.Equal(problem, SkillArchivePath.FindProblem(path, ArchivePathRules.Reading, out _));
    }

    [Theory]
    [InlineData("./pdf/SKILL.md")]
    [InlineData("pdf//SKILL.md")]
    [InlineData("pdf/scripts/")]
    public void Empty_and_dot_segments_are_tolerated_only_when_reading(string path)
    {
        Assert.Equal("has an empty or '.' segment", SkillArchivePath.FindProblem(path, ArchivePathRules.Writing, out _));

        Assert.Null(SkillArchivePath.FindProblem(path, ArchivePathRules.Reading, out var segments));
        Assert.Equal("pdf", segments[0]);
        Assert.DoesNotContain(segments, s => s is "" or ".");
    }

    [Fact]
    public void A_clean_path_is_split_into_its_segments()
    {
        Assert.Null(SkillArchivePath.FindProblem("pdf/scripts/run.sh", ArchivePathRules.Writing, out var segments));
        Assert.Equal(["pdf", "scripts", "run.sh"], segments);
    }
}
