using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Format;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Packaging;

namespace Skills.Oci.Build.Tests.Packaging;

/// <summary>Links, special files and paths extraction would refuse are not packed; links are never followed.</summary>
public sealed class SkillContentRefusalTests : IDisposable
{
    private readonly PackagingTempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private List<Diagnostic> Check(string folder, IEnumerable<SkillFileItem>? files = null)
    {
        var diagnostics = new List<Diagnostic>();
        var path = _temp.PathOf(folder);
        var content = SkillContent.Create(SkillName.Parse("pdf"), path, files ?? SkillArchiveReader.FilesUnder(path), OciLimits.Default, diagnostics);
        Assert.True(content is null == diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error));
        return diagnostics;
    }

    [Fact]
    public void A_symlinked_file_is_refused_naming_it()
    {
        _temp.WriteSkill("pdf", "name: pdf", "description: x");
        File.CreateSymbolicLink(_temp.PathOf("pdf/ref.md"), "../../etc/hosts");
        var files = new[] { new SkillFileItem(_temp.PathOf("pdf/SKILL.md")), new SkillFileItem(_temp.PathOf("pdf/ref.md")) };
        var error = Assert.Single(Check("pdf", files));
        Assert.Equal(ErrorCodes.SkillFileIsLink, error.Code);
        Assert.EndsWith("ref.md", error.File);
        Assert.Contains("ref.md", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_symlinked_folder_inside_the_skill_is_refused()
    {
        _temp.WriteSkill("pdf", "name: pdf", "description: x");
        _temp.Write("elsewhere/secret.txt", "secret");
        Directory.CreateSymbolicLink(_temp.PathOf("pdf/linked"), _temp.PathOf("elsewhere"));
        var files = new[] { new SkillFileItem(_temp.PathOf("pdf/SKILL.md")), new SkillFileItem(_temp.PathOf("pdf/linked/secret.txt")) };
        var error = Assert.Single(Check("pdf", files));
        Assert.Equal(ErrorCodes.SkillFileIsLink, error.Code);
        Assert.EndsWith("linked", error.File);
    }

    [Fact]
    public void A_hard_link_is_refused()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        _temp.WriteSkill("pdf", "name: pdf", "description: x");
        _temp.Write("pdf/a.md", "a");
        PackagingTempFolder.Run("ln", _temp.PathOf("pdf/a.md"), _temp.PathOf("pdf/b.md"));
        var errors = Check("pdf");
        Assert.Equal(2, errors.Count);
        Assert.All(errors, e => Assert.Equal(ErrorCodes.SkillFileIsHardLink, e.Code));
    }

    [Fact]
    public void A_fifo_is_refused_without_blocking()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        _temp.WriteSkill("pdf", "name: pdf", "description: x");
        PackagingTempFolder.Run("mkfifo", _temp.PathOf("pdf/pipe"));
        var error = Assert.Single(Check("pdf"));
        Assert.Equal(ErrorCodes.SkillFileIsSpecial, error.Code);
        Assert.Contains("FIFO", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_device_is_refused()
    {
        if (OperatingSystem.IsWindows() || !File.Exists("/dev/null"))
        {
            return;
        }

        _temp.WriteSkill("pdf", "name: pdf", "description: x");
        var files = new[] { new SkillFileItem(_temp.PathOf("pdf/SKILL.md")), new SkillFileItem("/dev/null", ArchivePath: "null") };
        Assert.Equal(ErrorCodes.SkillFileIsSpecial, Assert.Single(Check("pdf", files)).Code);
    }

    [Fact]
    public async Task A_project_folder_reached_through_a_symlink_packs_the_real_content()
    {
        _temp.WriteSkill("real/pdf", "name: pdf", "description: x");
        _temp.Write("real/pdf/scripts/run.sh", "echo");
        Directory.CreateSymbolicLink(_temp.PathOf("pdf"), _temp.PathOf("real/pdf"));
        var packed = await SkillArchiveReader.PackAsync("pdf", _temp.PathOf("pdf"));
        Assert.Equal(["pdf/", "pdf/SKILL.md", "pdf/scripts/", "pdf/scripts/run.sh"], SkillArchiveReader.ReadEntries(packed.Bytes).Select(e => e.Name));
    }

    [Fact]
    public void Content_without_SKILL_md_is_an_error_not_an_empty_archive()
    {
        _temp.WriteSkill("pdf", "name: pdf", "description: x");
        var error = Assert.Single(Check("pdf", []));
        Assert.Equal(ErrorCodes.SkillMarkdownNotInContent, error.Code);
    }

    [Fact]
    public void Files_outside_the_project_need_a_Link_and_paths_differing_only_in_case_are_refused()
    {
        _temp.WriteSkill("pdf", "name: pdf", "description: x");
        var outside = _temp.Write("shared/LICENSE", "MIT");
        _temp.Write("pdf/readme.md", "a");
        _temp.Write("pdf/sub/x.md", "a");
        var errors = Check("pdf", [new(_temp.PathOf("pdf/SKILL.md")), new(outside), new(_temp.PathOf("pdf/readme.md")), new(_temp.PathOf("pdf/sub/x.md"), ArchivePath: "README.md"), new(_temp.PathOf("pdf/readme.md"), ArchivePath: "../up.md")]);
        Assert.Contains(errors, e => e.Code == ErrorCodes.SkillFileOutsideProject && e.File == outside);
        Assert.Contains(errors, e => e.Code == ErrorCodes.SkillFilePathInvalid && e.Message.Contains("letter case", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Code == ErrorCodes.SkillFilePathInvalid && e.Message.Contains("'..'", StringComparison.Ordinal));

        Assert.Empty(Check("pdf", [new(_temp.PathOf("pdf/SKILL.md")), new(outside, ArchivePath: "LICENSE")]));
    }

    [Theory]
    [InlineData("notes:draft.md")]
    [InlineData("a\tb.md")]
    [InlineData("./a.md")]
    public void A_path_that_extraction_would_refuse_is_not_packed(string archivePath)
    {
        _temp.WriteSkill("pdf", "name: pdf", "description: x");
        var note = _temp.Write("pdf/note.md", "x");

        var error = Assert.Single(Check("pdf", [new(_temp.PathOf("pdf/SKILL.md")), new(note, ArchivePath: archivePath)]));

        Assert.Equal(ErrorCodes.SkillFilePathInvalid, error.Code);
    }

    [Fact]
    public void A_missing_file_is_an_error()
    {
        _temp.WriteSkill("pdf", "name: pdf", "description: x");
        var errors = Check("pdf", [new(_temp.PathOf("pdf/SKILL.md")), new(_temp.PathOf("pdf/gone.md"))]);
        Assert.Equal(ErrorCodes.SkillFileNotFound, Assert.Single(errors).Code);
    }
}
