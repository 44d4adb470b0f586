using Skills.Oci.Build.Restore;
using Skills.Oci.Build.Tests.Infrastructure;
using static Skills.Oci.Build.Tests.Consume.PackageSkillTests;

namespace Skills.Oci.Build.Tests.Consume;

/// <summary>Package skills beside registry skills: name conflicts, Override, and packages that add SkillReference items.</summary>
[Collection(RegistryCollectionDefinition.Name)]
public sealed class PackageSkillRegistryTests(RegistryFixture fixture)
{
    private const string App = "src/App/App.csproj";

    [Fact]
    public async Task A_package_skill_and_a_SkillReference_of_the_same_name_fail_naming_both_unless_the_reference_sets_Override()
    {
        using var publisher = new RegistrySkillPublisher(fixture.Registry, "pkg-override");
        await publisher.PublishAsync("contoso-json", "1.0.0", ("from.md", "registry\n"));
        using var feed = new TestNuGetPackages();
        feed.Add(TestPackage.WithSkill("Contoso.Json", "1.0.0", "contoso-json", ("from.md", "package\n")));
        using var repo = await Consumer(feed);
        var cli = repo.Cli("src/App");
        var reference = $"""
              <ItemGroup>
                <SkillReference Include="{publisher.Repo("contoso-json")}" Version="1.0.0" OVERRIDE />
              </ItemGroup>

            """;
        repo.WriteProject(App, [], PackageReference("Contoso.Json", "1.0.0") + reference.Replace("OVERRIDE", string.Empty, StringComparison.Ordinal));

        var conflict = await cli.RunAsync("restore");

        Assert.False(conflict.Succeeded);
        Assert.Contains("SKOCI5002", conflict.ErrorCodes());
        Assert.Contains(publisher.Repo("contoso-json"), conflict.Output, StringComparison.Ordinal);
        Assert.Contains("Contoso.Json 1.0.0", conflict.Output, StringComparison.Ordinal);

        repo.WriteProject(App, [], PackageReference("Contoso.Json", "1.0.0") + reference.Replace("OVERRIDE", "Override=\"true\"", StringComparison.Ordinal));
        var overridden = await cli.RunAsync("restore");

        Assert.True(overridden.Succeeded, overridden.ToString());
        Assert.Equal("registry\n", File.ReadAllText(repo.SkillFile("contoso-json", "from.md")));
        var entry = Assert.Single(ReadLock(repo).Skills);
        Assert.IsType<RegistryLockSource>(entry.Source);
        Assert.True(Assert.Single(entry.Requests).Override);
    }

    [Fact]
    public async Task A_SkillReference_a_package_adds_through_buildTransitive_props_is_restored_on_the_first_restore()
    {
        using var publisher = new RegistrySkillPublisher(fixture.Registry, "pkg-transitive-ref");
        await publisher.PublishAsync("fabrikam-guide", "2.0.0");
        using var feed = new TestNuGetPackages();
        feed.AddAll(
            new TestPackage("Fabrikam.Client", "1.0.0").DependingOn("Fabrikam.Skills", "1.0.0"),
            new TestPackage("Fabrikam.Skills", "1.0.0").WithBuildTransitiveProps($"""
                  <ItemGroup>
                    <SkillReference Include="{publisher.Repo("fabrikam-guide")}" Version="2.0.0" />
                  </ItemGroup>
                """));
        using var repo = await Consumer(feed);
        repo.WriteProject(App, [], PackageReference("Fabrikam.Client", "1.0.0"));

        var result = await repo.Cli("src/App").RunAsync("restore");

        Assert.True(result.Succeeded, result.ToString());
        Assert.True(File.Exists(repo.SkillFile("fabrikam-guide")));
        var entry = Assert.Single(ReadLock(repo).Skills);
        Assert.Equal("2.0.0", entry.RegistrySource.Tag);
        Assert.Equal(["src/App/App.csproj"], entry.Projects);
    }
}
