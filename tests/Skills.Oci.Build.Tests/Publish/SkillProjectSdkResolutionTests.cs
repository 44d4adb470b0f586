using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Tests.Infrastructure;

namespace Skills.Oci.Build.Tests.Publish;

/// <summary>The skill project SDK resolved by version in the Sdk attribute, with no global.json entry.</summary>
public sealed class SkillProjectSdkResolutionTests
{
    [Fact]
    public async Task A_version_in_the_Sdk_attribute_resolves_and_build_validates_the_skill()
    {
        using var workspace = await TestProjectWorkspace.CreateAsync();
        workspace.Write("global.json", "{}\n");
        workspace.Write("notes/notes.csproj", $"""
            <Project Sdk="Skills.Oci.Sdk/{workspace.Feed.Version}">
              <PropertyGroup><Version>2.0.0</Version></PropertyGroup>
            </Project>
            """);
        var skillMd = workspace.Write("notes/SKILL.md", "---\nname: notes\ndescription: Take notes.\nunknown-key: x\n---\n# Notes\n");
        var cli = workspace.CreateCli("notes");

        var invalid = await cli.RunAsync("build");
        workspace.Write("notes/SKILL.md", "---\nname: notes\ndescription: Take notes.\n---\n# Notes\n");
        var valid = await cli.RunAsync("build");

        Assert.False(invalid.Succeeded);
        Assert.Equal([ErrorCodes.FrontmatterUnknownField], invalid.ErrorCodes());
        Assert.Contains($"{skillMd}(4,", invalid.Output, StringComparison.Ordinal);
        Assert.True(valid.Succeeded, valid.ToString());
        // A skill project compiles nothing.
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(workspace.Path, "notes", "bin"), "*.dll", SearchOption.AllDirectories));
    }
}
