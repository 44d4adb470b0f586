using System.Formats.Tar;
using System.Text;
using System.Text.Json;
using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Oci;


namespace Skills.Oci.Build.Tests.Packaging;

/// <summary>The skill project type with real `dotnet build` / `dotnet pack`.</summary>
public sealed class SkillProjectMSBuildTests
{
    private static readonly Dictionary<string, string> FixedEpoch = new() { ["SOURCE_DATE_EPOCH"] = "1775117469" };

    private static PackagingTestProject ValidSkill(string? projectBody = null)
    {
        var project = new PackagingTestProject("pdf", projectBody);
        new SkillFixture("pdf", "Extract text.")
            .WithFile("scripts/extract.sh", "#!/bin/sh\necho\n", (UnixFileMode)0b111_101_101)
            .WithFile("references/guide.md", "# Guide\n")
            .WriteFolder(project.Directory);
        return project;
    }

    private static void AssertNoStackTrace(string output)
    {
        Assert.DoesNotContain("MSB4018", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at Skills.Oci", output, StringComparison.Ordinal);
        Assert.DoesNotContain("SKOCI0001", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Build_reports_every_SKILL_md_problem_with_file_line_and_code_and_fails()
    {
        using var project = new PackagingTestProject("pdf");
        project.Write("SKILL.md", "---\nname: PDF\nauthor: me\nversion: 2.0.0\n---\n");
        var (exitCode, output) = await project.RunAsync("build");
        Assert.NotEqual(0, exitCode);
        var skillMd = Path.Combine(project.Directory, "SKILL.md");
        Assert.Contains($"{skillMd}(2,7): error {ErrorCodes.SkillNameInvalid}", output, StringComparison.Ordinal);
        Assert.Contains($"{skillMd}(3,1): error {ErrorCodes.FrontmatterUnknownField}", output, StringComparison.Ordinal);
        Assert.Contains($"{skillMd}(4,1): warning {ErrorCodes.FrontmatterLegacyVersion}", output, StringComparison.Ordinal);
        Assert.Contains($"{skillMd}(1,1): error {ErrorCodes.DescriptionMissing}", output, StringComparison.Ordinal);
        AssertNoStackTrace(output);
        // A NoTargets-like project: restore downloaded nothing.
        Assert.False(Directory.Exists(project.PackagesFolder) && Directory.EnumerateFileSystemEntries(project.PackagesFolder).Any(), "restore downloaded packages");
    }

    [Fact]
    public async Task Build_of_a_valid_skill_succeeds_without_producing_an_assembly()
    {
        using var project = ValidSkill();
        var (exitCode, output) = await project.RunAsync("build");
        Assert.True(exitCode == 0, output);
        Assert.Empty(Directory.EnumerateFiles(project.Directory, "*.dll", SearchOption.AllDirectories));
        Assert.Empty(Directory.EnumerateFiles(project.Directory, "*.oci", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Pack_writes_the_image_layout_and_the_archive_equals_the_source_tree()
    {
        using var project = ValidSkill();
        project.Write(".agents/skills/other/SKILL.md", "x");
        project.Write(".vscode/settings.json", "{}");
        var (exitCode, output) = await project.RunAsync(FixedEpoch, "pack", "-v:n");
        Assert.True(exitCode == 0, output);
        AssertNoStackTrace(output);

        var layoutDirectory = Path.Combine(project.Directory, "bin", "Release", "pdf.1.0.0.oci");
        var layout = new OciImageLayout(layoutDirectory);
        var manifestDescriptor = await layout.ResolveAsync("1.0.0", CancellationToken.None);
        Assert.NotNull(manifestDescriptor);
        Assert.Contains($"pdf 1.0.0 -> {layoutDirectory} ({manifestDescriptor.Digest})", output, StringComparison.Ordinal);

        var manifest = OciManifest.Parse(await layout.ReadBlobAsync(manifestDescriptor, OciLimits.Default.MaxManifestBytes, CancellationToken.None));
        Assert.Equal(MediaTypes.SkillArtifact, manifest.ArtifactType);
        Assert.Equal("2026-04-02T08:11:09Z", manifest.GetAnnotation(AnnotationKeys.Created));
        Assert.Equal("pdf", manifest.GetAnnotation(AnnotationKeys.SkillName));
        Assert.Equal("{\"schemaVersion\":\"1\",\"name\":\"pdf\",\"version\":\"1.0.0\",\"description\":\"Extract text.\"}",
            Encoding.UTF8.GetString(await layout.ReadBlobAsync(manifest.Config!, OciLimits.Default.MaxConfigBytes, CancellationToken.None)));
        var layer = Assert.Single(manifest.Layers!);
        Assert.Equal("pdf.tar.gz", layer.GetAnnotation(AnnotationKeys.Title));

        var entries = SkillArchiveReader.ReadEntries(File.ReadAllBytes(layout.BlobPath(layer.Digest)));
        Assert.Equal(["pdf/", "pdf/SKILL.md", "pdf/references/", "pdf/references/guide.md", "pdf/scripts/", "pdf/scripts/extract.sh"], entries.Select(e => e.Name));
        foreach (var entry in entries.Where(e => e.Type == TarEntryType.RegularFile))
        {
            var source = Path.Combine(project.Directory, entry.Name["pdf/".Length..]);
            Assert.Equal(File.ReadAllBytes(source), entry.Data);
        }

        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal((UnixFileMode)0b111_101_101, entries.Single(e => e.Name.EndsWith(".sh", StringComparison.Ordinal)).Mode);
        }

        // A second pack in another process gives the same manifest digest: nothing per-process (PAX names, times) leaks in.
        var (again, againOutput) = await project.RunAsync(FixedEpoch, "pack", "-v:q");
        Assert.True(again == 0, againOutput);
        Assert.DoesNotContain(" -> ", againOutput, StringComparison.Ordinal);
        Assert.Equal(manifestDescriptor.Digest, (await layout.ResolveAsync("1.0.0", CancellationToken.None))!.Digest);
    }

    [Fact]
    public async Task Version_latest_fails_pack_with_the_coded_error()
    {
        using var project = ValidSkill("  <PropertyGroup><Version>latest</Version></PropertyGroup>");
        var (exitCode, output) = await project.RunAsync("pack");
        Assert.NotEqual(0, exitCode);
        Assert.Contains($"{project.ProjectFile} : error {ErrorCodes.VersionIsMovingTag}", output, StringComparison.Ordinal);
        AssertNoStackTrace(output);
        Assert.Empty(Directory.EnumerateDirectories(project.Directory, "*.oci", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task SkillFile_defaults_exclude_build_and_tool_folders_and_users_can_edit_them()
    {
        using var project = ValidSkill("""
              <PropertyGroup><Version>1.0.0</Version></PropertyGroup>
              <ItemGroup>
                <SkillFile Remove="references/**" />
                <SkillFile Update="scripts/extract.sh" Executable="true" />
              </ItemGroup>
            """);
        project.Write(".git/config", "x");
        project.Write(".agents/skills/x/SKILL.md", "x");
        project.Write("obj/stale.txt", "x");
        project.Write("Directory.Build.props", "<Project />");
        var (exitCode, output) = await project.RunAsync("msbuild", "-restore", "-getItem:SkillFile", "-getProperty:IsSkillProject", "-getProperty:SkillLayoutDirectory");
        Assert.True(exitCode == 0, output);
        using var json = JsonDocument.Parse(output[output.IndexOf('{', StringComparison.Ordinal)..]);
        var items = json.RootElement.GetProperty("Items").GetProperty("SkillFile").EnumerateArray()
            .ToDictionary(i => i.GetProperty("Identity").GetString()!.Replace('\\', '/'), i => i.TryGetProperty("Executable", out var e) ? e.GetString() : null);
        Assert.Equal(["SKILL.md", "scripts/extract.sh"], items.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("true", items["scripts/extract.sh"]);
        Assert.Equal("true", json.RootElement.GetProperty("Properties").GetProperty("IsSkillProject").GetString());
    }

    [Fact]
    public async Task A_consumer_project_that_adds_the_sdk_is_not_a_skill_project()
    {
        var sdk = Path.Combine(RepositoryRoot.Path, "src", "Skills.Oci.Sdk", "Sdk");
        // What <Project Sdk="Microsoft.NET.Sdk"> plus <Sdk Name="Skills.Oci.Sdk" /> expands to.
        using var project = new PackagingTestProject("app", sdkImports: $"""
            <Project>
              <Import Project="Sdk.props" Sdk="Microsoft.NET.Sdk" />
              <Import Project="{sdk}/Sdk.props" />
              <PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup>
              <Import Project="Sdk.targets" Sdk="Microsoft.NET.Sdk" />
              <Import Project="{sdk}/Sdk.targets" />
            </Project>
            """);
        new SkillFixture("app").WriteFolder(project.Directory);
        var (exitCode, output) = await project.RunAsync("msbuild", "-getProperty:IsSkillProject", "-getProperty:UsingSkillsOciSdk", "-getProperty:EnableDefaultCompileItems", "-getItem:SkillFile");
        Assert.True(exitCode == 0, output);
        using var json = JsonDocument.Parse(output[output.IndexOf('{', StringComparison.Ordinal)..]);
        var properties = json.RootElement.GetProperty("Properties");
        Assert.Equal("false", properties.GetProperty("IsSkillProject").GetString());
        Assert.Equal("true", properties.GetProperty("UsingSkillsOciSdk").GetString());
        Assert.NotEqual("false", properties.GetProperty("EnableDefaultCompileItems").GetString());
        Assert.False(json.RootElement.TryGetProperty("Items", out var items) && items.TryGetProperty("SkillFile", out var files) && files.GetArrayLength() > 0);
    }

    [Fact]
    public async Task On_an_MSBuild_that_cannot_run_the_tasks_build_and_pack_warn_once_with_SKOCI2064_instead_of_a_task_load_error()
    {
        using var project = ValidSkill();
        // What .NET Framework MSBuild 17 (Visual Studio 2022) computes for the host policy; a global
        // property wins over the computation, as MSBuildRuntimeType and MSBuildVersion cannot be set.
        const string UnsupportedHost = "-p:_SkillsOciTasksSupported=false";

        var (built, buildOutput) = await project.RunAsync("build", UnsupportedHost);
        var (packed, packOutput) = await project.RunAsync("pack", UnsupportedHost);

        foreach (var (exitCode, output) in new[] { (built, buildOutput), (packed, packOutput) })
        {
            Assert.True(exitCode == 0, output);
            // Once per build; the console logger's summary repeats it word for word.
            Assert.Single(output.Split('\n').Select(line => line.Trim()).Distinct(), line => line.Contains($"warning {ErrorCodes.UnsupportedMSBuildHostForSkillProject}", StringComparison.Ordinal));
            Assert.Contains($"{ErrorCodes.HelpLinkBase}{ErrorCodes.UnsupportedMSBuildHostForSkillProject}.md", output, StringComparison.Ordinal);
            Assert.DoesNotContain("MSB4036", output, StringComparison.Ordinal);
            Assert.DoesNotContain("MSB4062", output, StringComparison.Ordinal);
        }

        Assert.Empty(Directory.EnumerateDirectories(project.Directory, "*.oci", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task GetSkillPackOutput_finds_a_layout_packed_earlier()
    {
        using var project = ValidSkill();
        var (packed, packOutput) = await project.RunAsync(FixedEpoch, "pack");
        Assert.True(packed == 0, packOutput);
        var (exitCode, output) = await project.RunAsync("msbuild", "-p:Configuration=Release", "-t:GetSkillPackOutput", "-getTargetResult:GetSkillPackOutput");
        Assert.True(exitCode == 0, output);
        using var json = JsonDocument.Parse(output[output.IndexOf('{', StringComparison.Ordinal)..]);
        var item = Assert.Single(json.RootElement.GetProperty("TargetResults").GetProperty("GetSkillPackOutput").GetProperty("Items").EnumerateArray());
        var layoutDirectory = item.GetProperty("Identity").GetString()!;
        Assert.Equal("1.0.0", item.GetProperty("Tag").GetString());
        Assert.NotNull(await new OciImageLayout(layoutDirectory).ResolveAsync("1.0.0", CancellationToken.None));
    }
}
