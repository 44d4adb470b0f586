using Skills.Oci.Build.Restore;
using Skills.Oci.Build.Tests.Consume;

namespace Skills.Oci.Build.Tests.Team;

/// <summary><c>skills-oci add</c> and <c>update</c> in a repository with central skill versions, the installed tool against the real registry.</summary>
[Collection(TeamRegistryDefinition.Name)]
public sealed class CentralAddCommandTests(RegistryFixture fixture)
{
    private const string Props = """
        <Project>
          <PropertyGroup>
            <ManagePackageVersionsCentrally>true</ManagePackageVersionsCentrally>
          </PropertyGroup>
        </Project>

        """;

    [Fact]
    public async Task Add_writes_the_SkillVersion_into_Directory_Packages_props_and_a_Version_less_reference_and_update_then_restores_from_it()
    {
        using var publisher = new RegistrySkillPublisher(fixture.Registry, "team-add");
        await publisher.PublishAsync("pdf", "1.0.0");
        var newest = await publisher.PublishAsync("pdf", "1.1.0");
        using var repo = await ConsumerWorkspace.CreateAsync();
        var props = repo.Workspace.Write("Directory.Packages.props", Props);
        var project = repo.WriteProject("app/app.csproj");
        var tool = (await SkillsOciTool.GetAsync()).CreateCli(repo.Workspace, "app", new Dictionary<string, string?> { ["SKILLS_OCI_CACHE"] = repo.CachePath });

        var added = await tool.RunAsync("add", publisher.Repo("pdf"));

        Assert.True(added.Succeeded, added.ToString());
        Assert.Contains($"<SkillVersion Include=\"{publisher.Repo("pdf")}\" Version=\"1.1.0\" />", File.ReadAllText(props), StringComparison.Ordinal);
        var projectText = File.ReadAllText(project);
        Assert.Contains($"<SkillReference Include=\"{publisher.Repo("pdf")}\" />", projectText, StringComparison.Ordinal);
        Assert.DoesNotContain("Version=", projectText, StringComparison.Ordinal);
        var entry = Assert.Single(LockFile.Parse(File.ReadAllBytes(repo.LockPath), repo.LockPath).Skills);
        Assert.Equal(newest, entry.RegistrySource.Digest);
        Assert.Equal("1.1.0", Assert.Single(entry.Requests).Version);

        // The version is central: a plain restore and update both take it from Directory.Packages.props.
        var update = await tool.RunAsync("update");
        Assert.True(update.Succeeded, update.ToString());
        Assert.Equal("1.1.0", Assert.Single(LockFile.Parse(File.ReadAllBytes(repo.LockPath), repo.LockPath).Skills).RegistrySource.Tag);

        // A version no tag satisfies: the restore fails, and both files are put back.
        var propsBefore = File.ReadAllText(props);
        var failed = await tool.RunAsync("add", publisher.Repo("pdf"), "--version", "[9.0.0]");
        Assert.False(failed.Succeeded, failed.ToString());
        Assert.Equal(propsBefore, File.ReadAllText(props));
        Assert.Equal(projectText, File.ReadAllText(project));
    }
}
