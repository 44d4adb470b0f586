using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Tests.Infrastructure;

namespace Skills.Oci.Build.Tests.Publish;

/// <summary>A library's PackageSkill items packed by a real <c>dotnet pack</c> into its nupkg at <c>skills/&lt;name&gt;/</c>.</summary>
public sealed class LibraryPackageSkillTests
{
    private const string Library = "Contoso.Json";

    private static readonly Dictionary<string, string?> PlainOutput = new(StringComparer.Ordinal) { ["MSBUILDTERMINALLOGGER"] = "off" };

    /// <summary>The files each fixture skill has; the skill folders also hold what must never be packed.</summary>
    private static readonly string[] JsonFiles = ["SKILL.md", "references/api.md", "scripts/format"];

    private static string WriteLibrary(TestProjectWorkspace workspace, string items, string sdk = "<Sdk Name=\"Skills.Oci.Sdk\" />", string targetFrameworks = "<TargetFramework>net10.0</TargetFramework>")
    {
        workspace.Write($"{Library}/Json.cs", "namespace Contoso.Json;\npublic static class Json { public static string Name => \"json\"; }\n");
        return workspace.Write($"{Library}/{Library}.csproj", $"""
            <Project Sdk="Microsoft.NET.Sdk">
              {sdk}
              <PropertyGroup>
                {targetFrameworks}
                <Version>3.1.0</Version>
              </PropertyGroup>
              <ItemGroup>
            {items}
              </ItemGroup>
            </Project>
            """);
    }

    /// <summary>A valid skill in <c>Contoso.Json/skills/FOLDER</c> plus build output, tool folders and a project file that must stay out.</summary>
    private static string WriteSkill(TestProjectWorkspace workspace, string folder, string name)
    {
        var path = Path.Combine(workspace.Path, Library, "skills", folder);
        new SkillFixture(name, $"Use {name}.")
            .WithFile("references/api.md", "# API\n")
            .WithFile("scripts/format", "#!/bin/sh\necho format\n")
            .WithFile("bin/Debug/stale.dll", "not skill content")
            .WithFile("obj/project.assets.json", "{}")
            .WithFile(".vscode/settings.json", "{}")
            .WithFile(name + ".csproj", "<Project />")
            .WriteFolder(path);
        return path;
    }

    private static string[] Expected(string name, params string[] files) => files.Select(f => $"skills/{name}/{f}").ToArray();

    [Fact]
    public async Task Pack_puts_each_PackageSkill_at_skills_name_with_its_bytes_and_nothing_else_the_same_on_every_pack()
    {
        using var workspace = await TestProjectWorkspace.CreateAsync();
        var json = WriteSkill(workspace, "contoso-json", "contoso-json");
        var schema = WriteSkill(workspace, "schema", "contoso-schema");
        WriteLibrary(workspace, """
                <PackageSkill Include="skills/schema" SkillName="contoso-schema" />
                <PackageSkill Include="skills/contoso-json" />
            """);
        // SOURCE_DATE_EPOCH fixes NuGet's zip entry times (its DeterministicTimestamp), as it fixes an OCI pack's 'created'.
        var cli = workspace.CreateCli(Library, new Dictionary<string, string?>(PlainOutput) { ["SOURCE_DATE_EPOCH"] = "1775117469" });

        var first = await cli.RunAsync("pack", "-o", "out1");
        var second = await cli.RunAsync("pack", "-o", "out2");

        Assert.True(first.Succeeded, first.ToString());
        Assert.True(second.Succeeded, second.ToString());
        Assert.Empty(first.WarningCodes());
        var package = Path.Combine(workspace.Path, Library, "out1", $"{Library}.3.1.0.nupkg");
        var content = NupkgContent.Read(package);
        Assert.Equal(Expected("contoso-json", JsonFiles).Concat(Expected("contoso-schema", JsonFiles)).Order(StringComparer.Ordinal), content.SkillEntries);
        content.AssertSkill("contoso-json", json, JsonFiles);
        content.AssertSkill("contoso-schema", schema, JsonFiles);
        Assert.Contains($"lib/net10.0/{Library}.dll", content.Entries.Keys);
        // Nothing else of the skill folders anywhere in the package (no bin, obj, tool folders or project files).
        Assert.DoesNotContain(content.Entries.Keys, k => k.Contains("stale.dll", StringComparison.Ordinal) || k.Contains(".vscode", StringComparison.Ordinal) || k.EndsWith("contoso-json.csproj", StringComparison.Ordinal));
        Assert.Equal(File.ReadAllBytes(package), File.ReadAllBytes(Path.Combine(workspace.Path, Library, "out2", $"{Library}.3.1.0.nupkg")));
    }

    [Fact]
    public async Task The_PackageReference_flavour_packs_the_skill_with_no_build_after_a_build()
    {
        using var workspace = await TestProjectWorkspace.CreateAsync();
        var json = WriteSkill(workspace, "contoso-json", "contoso-json");
        WriteLibrary(workspace, $"""
                <PackageReference Include="{LocalPackageFeed.BuildPackageId}" Version="{workspace.Feed.Version}" />
                <PackageSkill Include="skills/contoso-json" />
            """, sdk: string.Empty);
        var cli = workspace.CreateCli(Library, PlainOutput);

        var build = await cli.RunAsync("build", "-c", "Release");
        var pack = await cli.RunAsync("pack", "--no-build", "-o", "out");

        Assert.True(build.Succeeded, build.ToString());
        Assert.True(pack.Succeeded, pack.ToString());
        var content = NupkgContent.Read(Path.Combine(workspace.Path, Library, "out", $"{Library}.3.1.0.nupkg"));
        Assert.Equal(Expected("contoso-json", JsonFiles).Order(StringComparer.Ordinal), content.SkillEntries);
        content.AssertSkill("contoso-json", json, JsonFiles);
    }

    [Fact]
    public async Task Out_of_process_tasks_pack_the_same_skill_files()
    {
        using var workspace = await TestProjectWorkspace.CreateAsync();
        var json = WriteSkill(workspace, "contoso-json", "contoso-json");
        WriteLibrary(workspace, """    <PackageSkill Include="skills/contoso-json" />""");
        var cli = workspace.CreateCli(Library, PlainOutput);

        // The path Visual Studio 2022 (.NET Framework MSBuild 17) takes, forced on .NET MSBuild.
        var pack = await cli.RunAsync("pack", "-o", "out", "-p:SkillsOciForceOutOfProcess=true", "-v:d");

        Assert.True(pack.Succeeded, pack.ToString());
        Assert.Contains("msbuild-task", pack.Output, StringComparison.Ordinal);
        var content = NupkgContent.Read(Path.Combine(workspace.Path, Library, "out", $"{Library}.3.1.0.nupkg"));
        Assert.Equal(Expected("contoso-json", JsonFiles).Order(StringComparer.Ordinal), content.SkillEntries);
        content.AssertSkill("contoso-json", json, JsonFiles);
    }

    [Fact]
    public async Task A_multi_targeted_library_carries_the_skill_once_at_the_package_root()
    {
        // net8.0's reference pack is not part of the .NET 10 SDK: restore downloads it.
        using var workspace = await TestProjectWorkspace.CreateAsync(includeUpstreamFeed: true);
        var json = WriteSkill(workspace, "contoso-json", "contoso-json");
        WriteLibrary(workspace, """    <PackageSkill Include="skills/contoso-json" />""", targetFrameworks: "<TargetFrameworks>net10.0;net8.0</TargetFrameworks>");
        var cli = workspace.CreateCli(Library, PlainOutput);

        var pack = await cli.RunAsync("pack", "-o", "out");

        Assert.True(pack.Succeeded, pack.ToString());
        var content = NupkgContent.Read(Path.Combine(workspace.Path, Library, "out", $"{Library}.3.1.0.nupkg"));
        Assert.Equal(Expected("contoso-json", JsonFiles).Order(StringComparer.Ordinal), content.SkillEntries);
        content.AssertSkill("contoso-json", json, JsonFiles);
        Assert.Contains($"lib/net10.0/{Library}.dll", content.Entries.Keys);
        Assert.Contains($"lib/net8.0/{Library}.dll", content.Entries.Keys);
        Assert.DoesNotContain(content.Entries.Keys, k => k.StartsWith("lib/", StringComparison.Ordinal) && k.Contains("SKILL.md", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_skill_that_fails_validation_fails_pack_at_its_SKILL_md_line_and_writes_no_package()
    {
        using var workspace = await TestProjectWorkspace.CreateAsync();
        WriteSkill(workspace, "contoso-json", "contoso-json");
        var skillMd = workspace.Write($"{Library}/skills/contoso-json/SKILL.md", "---\nname: contoso-json\ndescription: Use it.\nauthor: me\n---\n# Json\n");
        WriteLibrary(workspace, """
                <PackageSkill Include="skills/contoso-json" />
                <PackageSkill Include="skills/missing" />
            """);
        var cli = workspace.CreateCli(Library, PlainOutput);

        var pack = await cli.RunAsync("pack", "-o", "out");

        Assert.False(pack.Succeeded, pack.ToString());
        Assert.Equal([ErrorCodes.FrontmatterUnknownField, ErrorCodes.PackageSkillNotAFolder], pack.ErrorCodes().Order(StringComparer.Ordinal));
        Assert.Contains($"{skillMd}(4,1): error {ErrorCodes.FrontmatterUnknownField}", pack.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("MSB4018", pack.AllOutput, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(workspace.Path, Library, "out")) && Directory.EnumerateFiles(Path.Combine(workspace.Path, Library, "out"), "*.nupkg").Any());
    }
}
