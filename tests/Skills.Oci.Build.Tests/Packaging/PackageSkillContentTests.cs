using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Packaging;

namespace Skills.Oci.Build.Tests.Packaging;

/// <summary>The skills a NuGet package carries: validated and chosen as for an OCI pack, placed at skills/&lt;name&gt;/.</summary>
public sealed class PackageSkillContentTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static Task<PackageSkillsOutcome> CollectAsync(params PackageSkillSource[] sources) =>
        PackageSkillContent.CollectAsync(sources, version: null, OciLimits.Default, CancellationToken.None);

    private PackageSkillSource Folder(string relative, string? skillName = null) =>
        new() { Folder = _temp.Combine(relative), ExpectedSkillName = skillName, DeclaringFile = _temp.Combine("Lib.csproj") };

    private static string[] Codes(PackageSkillsOutcome outcome) =>
        outcome.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.Code).ToArray();

    [Fact]
    public async Task Skills_come_in_name_order_with_folder_package_paths_and_no_project_or_build_files()
    {
        new SkillFixture("zeta").WithFile("a/b.md", "b").WithFile("zeta.csproj", "<Project />").WithFile("obj/x.json", "{}").WriteFolder(_temp.Combine("skills/zeta"));
        new SkillFixture("alpha").WithFile("run", "#!/bin/sh\n").WriteFolder(_temp.Combine("skills/alpha"));

        var outcome = await CollectAsync(Folder("skills/zeta"), Folder("skills/alpha"));

        Assert.False(outcome.HasErrors, string.Join(" | ", outcome.Diagnostics));
        Assert.Equal(["alpha", "zeta"], outcome.Skills.Select(s => s.Skill.Name.Value));
        Assert.Equal(
            [("SKILL.md", "skills/alpha/"), ("run", "skills/alpha/")],
            outcome.Skills[0].Files.Select(f => (Path.GetFileName(f.SourcePath), f.PackagePath)));
        Assert.Equal(
            [("SKILL.md", "skills/zeta/"), ("b.md", "skills/zeta/a/")],
            outcome.Skills[1].Files.Select(f => (Path.GetFileName(f.SourcePath), f.PackagePath)));
    }

    [Fact]
    public async Task Two_folders_with_one_skill_name_or_one_folder_twice_are_refused_and_nothing_is_returned()
    {
        new SkillFixture("json").WriteFolder(_temp.Combine("skills/json"));
        new SkillFixture("json").WriteFolder(_temp.Combine("skills/json-v2"));

        var sameName = await CollectAsync(Folder("skills/json"), Folder("skills/json-v2", skillName: "json"));
        var sameFolder = await CollectAsync(Folder("skills/json"), Folder("skills/json/"));

        Assert.Equal([ErrorCodes.PackageSkillDuplicate], Codes(sameName));
        Assert.Empty(sameName.Skills);
        Assert.Equal([ErrorCodes.PackageSkillDuplicate], Codes(sameFolder));
        Assert.Empty(sameFolder.Skills);
    }

    [Fact]
    public async Task A_missing_folder_a_file_and_an_invalid_skill_each_fail_with_their_code()
    {
        new SkillFixture("json").WithFrontmatter("name: json").WriteFolder(_temp.Combine("skills/json"));
        _temp.Write("skills/file.md", "x");

        var outcome = await CollectAsync(Folder("skills/missing"), Folder("skills/file.md"), Folder("skills/json"));

        Assert.Equal([ErrorCodes.PackageSkillNotAFolder, ErrorCodes.PackageSkillNotAFolder, ErrorCodes.DescriptionMissing], Codes(outcome));
        Assert.Equal(_temp.Combine("skills/json/SKILL.md"), outcome.Diagnostics.Single(d => d.Code == ErrorCodes.DescriptionMissing).File);
        Assert.Empty(outcome.Skills);
    }

    [Fact]
    public async Task A_Link_that_drops_the_extension_is_refused_and_one_that_keeps_it_is_a_file_path()
    {
        var folder = new SkillFixture("pdf").WriteFolder(_temp.Combine("pdf"));
        var shared = _temp.Write("shared/run.sh", "#!/bin/sh\n");
        var skillMd = new SkillFileItem(Path.Combine(folder, "SKILL.md"));
        PackageSkillSource Project(string link) => new() { Folder = folder, Files = [skillMd, new SkillFileItem(shared, ArchivePath: link)] };

        var renamed = await PackageSkillContent.CollectAsync([Project("scripts/run")], "1.0.0", OciLimits.Default, CancellationToken.None);
        var kept = await PackageSkillContent.CollectAsync([Project("scripts/start.sh")], "1.0.0", OciLimits.Default, CancellationToken.None);

        Assert.Equal([ErrorCodes.PackageSkillPathUnsupported], Codes(renamed));
        Assert.False(kept.HasErrors, string.Join(" | ", kept.Diagnostics));
        Assert.Equal("skills/pdf/scripts/start.sh", kept.Skills.Single().Files.Single(f => f.SourcePath == shared).PackagePath);
    }

    [Fact]
    public async Task A_skill_projects_version_is_held_to_the_OCI_tag_rule()
    {
        var folder = new SkillFixture("pdf").WriteFolder(_temp.Combine("pdf"));

        var outcome = await PackageSkillContent.CollectAsync([new PackageSkillSource { Folder = folder, Files = [new SkillFileItem(Path.Combine(folder, "SKILL.md"))] }], "latest", OciLimits.Default, CancellationToken.None);

        Assert.Equal([ErrorCodes.VersionIsMovingTag], Codes(outcome));
    }
}
