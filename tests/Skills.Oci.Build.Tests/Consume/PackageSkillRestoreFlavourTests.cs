using Skills.Oci.Build.Restore;
using static Skills.Oci.Build.Tests.Consume.PackageSkillTests;

namespace Skills.Oci.Build.Tests.Consume;

/// <summary>
/// When each restore flavour gets package skills. Package skills are known only once NuGet wrote
/// project.assets.json: a project restore (also static graph) runs a pass after Restore in the entry
/// project; a solution restore runs Restore in the solution metaproject, which imports nothing of
/// Skills.Oci, so there the build, a design-time build or 'skills-oci sync' brings them.
/// </summary>
public sealed class PackageSkillRestoreFlavourTests
{
    private const string Solution = """
        <Solution>
          <Project Path="src/App/App.csproj" />
          <Project Path="src/Lib/Lib.csproj" />
        </Solution>
        """;

    [Fact]
    public async Task A_project_restore_installs_the_package_skills_of_every_project_it_restores_and_a_no_op_restore_skips_that_pass()
    {
        using var feed = new TestNuGetPackages();
        feed.Add(TestPackage.WithSkill("Contoso.Json", "1.0.0", "contoso-json"));
        using var repo = await Consumer(feed);
        WriteAppAndLib(repo);
        var cli = repo.Cli("src/App");

        var result = await cli.RunAsync("restore");

        Assert.True(result.Succeeded, result.ToString());
        var entry = Assert.Single(ReadLock(repo).Skills);
        Assert.Equal(["src/App/App.csproj", "src/Lib/Lib.csproj"], entry.Projects);

        // Nothing changed: the pass and its evaluations are skipped.
        var noOp = await cli.RunAsync("restore", "-v:d");
        Assert.True(noOp.Succeeded, noOp.ToString());
        Assert.Contains("Skipping target \"_SkillsOciRestorePackageSkills\" because all output files are up-to-date", noOp.Output, StringComparison.Ordinal);

        // A deleted package skill is a missing input of the pass: the next restore brings it back.
        Directory.Delete(Path.GetDirectoryName(repo.SkillFile("contoso-json"))!, recursive: true);
        var again = await cli.RunAsync("restore");
        Assert.True(again.Succeeded, again.ToString());
        Assert.True(File.Exists(repo.SkillFile("contoso-json")));
    }

    [Fact]
    public async Task A_static_graph_project_restore_installs_the_package_skills_of_the_entry_project_and_its_references_at_once()
    {
        using var feed = new TestNuGetPackages();
        feed.Add(TestPackage.WithSkill("Contoso.Json", "1.0.0", "contoso-json"));
        using var repo = await Consumer(feed);
        WriteAppAndLib(repo);

        var result = await repo.Cli("src/App").RunAsync("restore", "-p:RestoreUseStaticGraphEvaluation=true");

        Assert.True(result.Succeeded, result.ToString());
        Assert.True(File.Exists(repo.SkillFile("contoso-json")));
        var entry = Assert.Single(ReadLock(repo).Skills);
        Assert.IsType<NuGetLockSource>(entry.Source);
        Assert.Equal(["src/App/App.csproj", "src/Lib/Lib.csproj"], entry.Projects);
    }

    [Fact]
    public async Task A_solution_restore_leaves_package_skills_to_the_build_which_installs_them_without_a_restore()
    {
        using var feed = new TestNuGetPackages();
        feed.Add(TestPackage.WithSkill("Contoso.Json", "1.0.0", "contoso-json"));
        using var repo = await Consumer(feed);
        WriteAppAndLib(repo);
        repo.Workspace.Write("S.slnx", Solution);
        var cli = repo.Cli();

        var restore = await cli.RunAsync("restore", "S.slnx");

        Assert.True(restore.Succeeded, restore.ToString());
        Assert.False(File.Exists(repo.SkillFile("contoso-json")));

        var build = await cli.RunAsync("build", "S.slnx", "--no-restore");

        Assert.True(build.Succeeded, build.ToString());
        Assert.True(File.Exists(repo.SkillFile("contoso-json")));
        Assert.Equal(["src/App/App.csproj", "src/Lib/Lib.csproj"], Assert.Single(ReadLock(repo).Skills).Projects);
    }

    [Fact]
    public async Task After_a_solution_restore_a_design_time_build_installs_package_skills_offline()
    {
        using var feed = new TestNuGetPackages();
        feed.Add(TestPackage.WithSkill("Contoso.Json", "1.0.0", "contoso-json"));
        using var repo = await Consumer(feed);
        WriteAppAndLib(repo);
        repo.Workspace.Write("S.slnx", Solution);
        Assert.True((await repo.Cli().RunAsync("restore", "S.slnx")).Succeeded);

        var designTime = await repo.Cli("src/Lib").RunAsync("msbuild", "-t:CollectPackageReferences", "-p:DesignTimeBuild=true", "-p:BuildingInsideVisualStudio=true");

        Assert.True(designTime.Succeeded, designTime.ToString());
        Assert.True(File.Exists(repo.SkillFile("contoso-json")));
        Assert.Equal(["src/Lib/Lib.csproj"], Assert.Single(ReadLock(repo).Skills).Projects);
    }

    /// <summary>App references Lib; Lib references the package, so both projects' graphs hold it.</summary>
    private static void WriteAppAndLib(ConsumerWorkspace repo)
    {
        repo.WriteProject("src/Lib/Lib.csproj", [], PackageReference("Contoso.Json", "1.0.0"));
        repo.WriteProject("src/App/App.csproj", [], """
              <ItemGroup>
                <ProjectReference Include="../Lib/Lib.csproj" />
              </ItemGroup>

            """);
    }
}
