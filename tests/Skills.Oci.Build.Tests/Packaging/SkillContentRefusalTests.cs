using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Format;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Packaging;

namespace Skills.Oci.Build.Tests.Packaging;

/// <summary>Links, special files and paths extraction would refuse are not packed; links are never followed.</summary>
public sealed class SkillContentRefusalTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private List<Diagnostic> Check(string folder, IEnumerable<SkillFileItem>? files = null)
    {
        var diagnostics = new List<Diagnostic>();
        var path = _temp.Combine(folder);
        var content = SkillContent.Create(SkillName.Parse("pdf"), path, files ?? SkillArchiveReader.FilesUnder(path), OciLimits.Default, diagnostics);
        Assert.True(content is null == diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error));
        return diagnostics;
    }

    [Fact]
    public void A_symlinked_file_is_refused_naming_it()
    {
        new SkillFixture("pdf").WriteFolder(_temp.Combine("pdf"));
        File.CreateSymbolicLink(_temp.Combine("pdf/ref.md"), "../../etc/hosts");
        var files = new[] { new SkillFileItem(_temp.Combine("pdf/SKILL.md")), new SkillFileItem(_temp.Combine("pdf/ref.md")) };
        var error = Assert.Single(Check("pdf", files));
        Assert.Equal(ErrorCodes.SkillFileIsLink, error.Code);
        Assert.EndsWith("ref.md", error.File);
        Assert.Contains("ref.md", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_symlinked_folder_inside_the_skill_is_refused()
    {
        new SkillFixture("pdf").WriteFolder(_temp.Combine("pdf"));
        _temp.Write("elsewhere/secret.txt", "secret");
        Directory.CreateSymbolicLink(_temp.Combine("pdf/linked"), _temp.Combine("elsewhere"));
        var files = new[] { new SkillFileItem(_temp.Combine("pdf/SKILL.md")), new SkillFileItem(_temp.Combine("pdf/linked/secret.txt")) };
        var error = Assert.Single(Check("pdf", files));
        Assert.Equal(ErrorCodes.SkillFileIsLink, error.Code);
        Assert.EndsWith("linked", error.File);
    }

    [Fact]
    public async Task A_hard_link_is_refused()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        new SkillFixture("pdf").WriteFolder(_temp.Combine("pdf"));
        _temp.Write("pdf/a.md", "a");
        var ln = await ProcessRunner.RunAsync("ln", [_temp.Combine("pdf/a.md"), _temp.Combine("pdf/b.md")]);
        Assert.True(ln.Succeeded, ln.ToString());
        var errors = Check("pdf");
        Assert.Equal(2, errors.Count);
        Assert.All(errors, e => Assert.Equal(ErrorCodes.SkillFileIsHardLink, e.Code));
    }

    [Fact]
    public async Task A_fifo_is_refused_without_blocking()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        new SkillFixture("pdf").WriteFolder(_temp.Combine("pdf"));
        var mkfifo = await ProcessRunner.RunAsync("mkfifo", [_temp.Combine("pdf/pipe")]);
        Assert.True(mkfifo.Succeeded, mkfifo.ToString());
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

        new SkillFixture("pdf").WriteFolder(_temp.Combine("pdf"));
        var files = new[] { new SkillFileItem(_temp.Combine("pdf/SKILL.md")), new SkillFileItem("/dev/null", ArchivePath: "null") };
        Assert.Equal(ErrorCodes.SkillFileIsSpecial, Assert.Single(Check("pdf", files)).Code);
    }

    [Fact]
    public async Task A_project_folder_reached_through_a_symlink_packs_the_real_content()
    {
        new SkillFixture("pdf").WriteFolder(_temp.Combine("real/pdf"));
        _temp.Write("real/pdf/scripts/run.sh", "echo");
        Directory.CreateSymbolicLink(_temp.Combine("pdf"), _temp.Combine("real/pdf"));
        var packed = await SkillArchiveReader.PackAsync("pdf", _temp.Combine("pdf"));
        Assert.Equal(["pdf/", "pdf/SKILL.md", "pdf/scripts/", "pdf/scripts/run.sh"], SkillArchiveReader.ReadEntries(packed.Bytes).Select(e => e.Name));
    }

    [Fact]
    public void Content_without_SKILL_md_is_an_error_not_an_empty_archive()
    {
        new SkillFixture("pdf").WriteFolder(_temp.Combine("pdf"));
        var error = Assert.Single(Check("pdf", []));
        Assert.Equal(ErrorCodes.SkillMarkdownNotInContent, error.Code);
    }

    [Fact]
    public void Files_outside_the_project_need_a_Link_and_paths_differing_only_in_case_are_refused()
    {
        new SkillFixture("pdf").WriteFolder(_temp.Combine("pdf"));
        var outside = _temp.Write("shared/LICENSE", "MIT");
        _temp.Write("pdf/readme.md", "a");
        _temp.Write("pdf/sub/x.md", "a");
        var errors = Check("pdf", [new(_temp.Combine("pdf/SKILL.md")), new(outside), new(_temp.Combine("pdf/readme.md")), new(_temp.Combine("pdf/sub/x.md"), ArchivePath: "README.md"), new(_temp.Combine("pdf/readme.md"), ArchivePath: "../up.md")]);
        Assert.Contains(errors, e => e.Code == ErrorCodes.SkillFileOutsideProject && e.File == outside);
        Assert.Contains(errors, e => e.Code == ErrorCodes.SkillFilePathInvalid && e.Message.Contains("letter case", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Code == ErrorCodes.SkillFilePathInvalid && e.Message.Contains("'..'", StringComparison.Ordinal));

        Assert.Empty(Check("pdf", [new(_temp.Combine("pdf/SKILL.md")), new(outside, ArchivePath: "LICENSE")]));
    }

    [Theory]
    [InlineData("notes:draft.md")]
    [InlineData("a\tb.md")]
    [InlineData("./a.md")]
    public void A_path_that_extraction_would_refuse_is_not_packed(string archivePath)
    {
        new SkillFixture("pdf").WriteFolder(_temp.Combine("pdf"));
        var note = _temp.Write("pdf/note.md", "x");

        var error = Assert.Single(Check("pdf", [new(_temp.Combine("pdf/SKILL.md")), new(note, ArchivePath: archivePath)]));

        Assert.Equal(ErrorCodes.SkillFilePathInvalid, error.Code);
    }

    [Fact]
    public void A_missing_file_is_an_error()
    {
        new SkillFixture("pdf").WriteFolder(_temp.Combine("pdf"));
        var errors = Check("pdf", [new(_temp.Combine("pdf/SKILL.md")), new(_temp.Combine("pdf/gone.md"))]);
        Assert.Equal(ErrorCodes.SkillFileNotFound, Assert.Single(errors).Code);
    }
}
