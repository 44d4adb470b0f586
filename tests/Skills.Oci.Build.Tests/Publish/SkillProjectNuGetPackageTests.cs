using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Tests.Infrastructure;

namespace Skills.Oci.Build.Tests.Publish;

/// <summary>A skill project packed as a NuGet package (SkillPackageFormats), beside or instead of its OCI image layout.</summary>
public sealed class SkillProjectNuGetPackageTests
{
    private const string Name = "contoso-pdf";

    private static readonly Dictionary<string, string?> PlainOutput = new(StringComparer.Ordinal) { ["MSBUILDTERMINALLOGGER"] = "off" };

    private static readonly string[] Files = ["SKILL.md", "references/guide.md", "scripts/extract"];

    private static string WriteSkillProject(TestProjectWorkspace workspace, string properties) =>
        new SkillFixture(Name, "Extract text from PDF files.")
            .WithFile("references/guide.md", "# Guide\n")
            .WithFile("scripts/extract", "#!/bin/sh\necho extract\n")
            .WriteProject(Path.Combine(workspace.Path, Name), $"""
                    <Version>1.2.3</Version>
                    <Authors>Contoso Skills Team</Authors>
                {properties}
                """);

    private static string Output(TestProjectWorkspace workspace, string file = "") => Path.Combine(workspace.Path, Name, "out", file);

    [Fact]
    public async Task Oci_and_nuget_writes_both_and_a_plain_PackageReference_restores_the_package_with_the_skill()
    {
        using var workspace = await TestProjectWorkspace.CreateAsync();
        var folder = WriteSkillProject(workspace, "<SkillPackageFormats>oci;nuget</SkillPackageFormats>");

        var pack = await workspace.CreateCli(Name, PlainOutput).RunAsync("pack", "-o", "out");

        Assert.True(pack.Succeeded, pack.ToString());
        Assert.NotNull(await new OciImageLayout(Output(workspace, $"{Name}.1.2.3.oci")).ResolveAsync("1.2.3", CancellationToken.None));
        var content = NupkgContent.Read(Output(workspace, $"{Name}.1.2.3.nupkg"));
        Assert.Equal(Files.Select(f => $"skills/{Name}/{f}").Order(StringComparer.Ordinal), content.SkillEntries);
        content.AssertSkill(Name, folder, Files);
        // Only NuGet's own package parts besides the skill: no project file, no build output.
        Assert.DoesNotContain(content.Entries.Keys, k => !k.StartsWith("skills/", StringComparison.Ordinal) && !k.StartsWith("_rels/", StringComparison.Ordinal) && !k.StartsWith("package/", StringComparison.Ordinal) && k != "[Content_Types].xml" && k != $"{Name}.nuspec");
        Assert.Equal(Name, content.Nuspec("id"));
        Assert.Equal("1.2.3", content.Nuspec("version"));
        Assert.Equal("Extract text from PDF files.", content.Nuspec("description"));
        Assert.Equal("Contoso Skills Team", content.Nuspec("authors"));
        Assert.Null(content.Nuspec("dependencies"));

        // A consumer that knows nothing of Skills.Oci restores it from a folder feed like any package.
        workspace.Write("App/App.csproj", $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup>
              <ItemGroup><PackageReference Include="{Name}" Version="1.2.3" /></ItemGroup>
            </Project>
            """);
        var restore = await workspace.CreateCli("App", PlainOutput).RunAsync("restore", $"-p:RestoreAdditionalProjectSources={Output(workspace)}");

        Assert.True(restore.Succeeded, restore.ToString());
        var restored = Path.Combine(workspace.GlobalPackagesFolder, Name, "1.2.3", "skills", Name);
        Assert.Equal(File.ReadAllBytes(Path.Combine(folder, "SKILL.md")), File.ReadAllBytes(Path.Combine(restored, "SKILL.md")));
        Assert.True(File.Exists(Path.Combine(restored, "scripts", "extract")));
    }

    [Fact]
    public async Task Nuget_only_writes_the_package_and_no_image_layout_PackageId_and_PackageDescription_win_and_PushSkill_refuses()
    {
        using var workspace = await TestProjectWorkspace.CreateAsync();
        WriteSkillProject(workspace, """
                <SkillPackageFormats>NuGet</SkillPackageFormats>
                <PackageId>Contoso.Skills.Pdf</PackageId>
                <PackageDescription>The PDF skill for agents.</PackageDescription>
            """);

        var pack = await workspace.CreateCli(Name, PlainOutput).RunAsync("pack", "-o", "out");

        Assert.True(pack.Succeeded, pack.ToString());
        Assert.Equal(["Contoso.Skills.Pdf.1.2.3.nupkg"], Directory.EnumerateFileSystemEntries(Output(workspace)).Select(Path.GetFileName));
        var content = NupkgContent.Read(Output(workspace, "Contoso.Skills.Pdf.1.2.3.nupkg"));
        Assert.Equal("Contoso.Skills.Pdf", content.Nuspec("id"));
        Assert.Equal("The PDF skill for agents.", content.Nuspec("description"));
        Assert.Equal(Files.Select(f => $"skills/{Name}/{f}").Order(StringComparer.Ordinal), content.SkillEntries);

        // No layout to push: a coded error before any registry is contacted (port 1 would refuse anyway).
        var push = await workspace.CreateCli(Name, PlainOutput).RunAsync("pack", "-o", "out", "-t:PushSkill", "-p:SkillRepository=127.0.0.1:1/skills/pdf");
        Assert.False(push.Succeeded, push.ToString());
        Assert.Equal([ErrorCodes.PushWithoutOciFormat], push.ErrorCodes());
    }

    [Fact]
    public async Task The_default_stays_oci_only_and_an_unknown_format_fails_with_SKOCI5040()
    {
        using var workspace = await TestProjectWorkspace.CreateAsync();
        WriteSkillProject(workspace, string.Empty);
        var cli = workspace.CreateCli(Name, PlainOutput);

        var pack = await cli.RunAsync("pack", "-o", "out");
        var unknown = await cli.RunAsync("pack", "-o", "out-unknown", "-p:SkillPackageFormats=tarball");

        Assert.True(pack.Succeeded, pack.ToString());
        Assert.Equal([$"{Name}.1.2.3.oci"], Directory.EnumerateFileSystemEntries(Output(workspace)).Select(Path.GetFileName));
        Assert.False(unknown.Succeeded, unknown.ToString());
        Assert.Equal([ErrorCodes.SkillPackageFormatsInvalid], unknown.ErrorCodes());
        Assert.False(Directory.Exists(Path.Combine(workspace.Path, Name, "out-unknown")));
    }
}
