using System.Text.Json;
using Skills.Oci.Build.Diagnostics;

namespace Skills.Oci.Build.Tests.Consume;

/// <summary>Skills from the build phase: the pre-build check, the PackageReference flavour, and the SDK imported from Directory.Build files.</summary>
[Collection(RegistryCollectionDefinition.Name)]
public sealed class BuildTests(RegistryFixture fixture)
{
    private const string CheckTarget = "_SkillsOciCheckBeforeBuild";

    [Fact]
    public async Task Build_without_restore_installs_a_new_reference_and_the_next_build_skips_the_check_on_its_stamp()
    {
        using var publisher = new RegistrySkillPublisher(fixture.Registry, "consume-build");
        await publisher.PublishAsync("pdf", "1.0.0");
        using var repo = await ConsumerWorkspace.CreateAsync();
        repo.WriteProject("App/App.csproj");
        var cli = repo.Cli("App");
        var restore = await cli.RunAsync("restore");
        Assert.True(restore.Succeeded, restore.ToString());

        repo.WriteProject("App/App.csproj", (publisher.Repo("pdf"), "1.0.0"));
        var first = await cli.RunAsync("build", "--no-restore");

        Assert.True(first.Succeeded, first.ToString());
        Assert.True(File.Exists(repo.SkillFile("pdf")));
        var stamp = repo.File("App/obj/App.csproj.skills.stamp");
        Assert.True(File.Exists(stamp));
        var stampTime = File.GetLastWriteTimeUtc(stamp);
        var before = repo.Snapshot();

        var second = await cli.RunAsync("build", "--no-restore", "-v:d");

        Assert.True(second.Succeeded, second.ToString());
        Assert.Contains($"Skipping target \"{CheckTarget}\" because all output files are up-to-date", second.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Using \"Skills.Oci.Build.Tasks.RestoreSkills\" task", second.Output, StringComparison.Ordinal);
        Assert.Equal(stampTime, File.GetLastWriteTimeUtc(stamp));
        Assert.Equal(before, repo.Snapshot());
    }

    [Theory]
    [InlineData("sdk")]
    [InlineData("package")]
    public async Task On_an_MSBuild_that_cannot_run_the_tasks_a_build_warns_SKOCI3026_and_touches_nothing(string flavour)
    {
        using var publisher = new RegistrySkillPublisher(fixture.Registry, "consume-host-" + flavour);
        await publisher.PublishAsync("pdf", "1.0.0");
        using var repo = await ConsumerWorkspace.CreateAsync();
        var packageReference = $"""  <ItemGroup><PackageReference Include="Skills.Oci.Build" Version="{repo.Workspace.Feed.Version}" /></ItemGroup>{Environment.NewLine}""";
        if (flavour == "sdk")
        {
            repo.WriteProject("App/App.csproj", (publisher.Repo("pdf"), "1.0.0"));
        }
        else
        {
            repo.WriteProject("App/App.csproj", [(publisher.Repo("pdf"), "1.0.0")], extra: packageReference, sdk: string.Empty);
        }

        // What .NET Framework MSBuild 17 (Visual Studio 2022) computes for the host policy; a global
        // property wins over the computation, as MSBuildRuntimeType and MSBuildVersion cannot be set.
        var build = await repo.Cli("App").RunAsync("build", "-p:_SkillsOciTasksSupported=false");

        Assert.True(build.Succeeded, build.ToString());
        Assert.Contains($"warning {ErrorCodes.UnsupportedMSBuildHost}", build.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("MSB4036", build.Output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(repo.File(".agents")));
        Assert.False(File.Exists(repo.LockPath));
    }

    [Fact]
    public async Task PackageReference_flavour_installs_nothing_in_a_bare_first_restore_and_installs_at_build()
    {
        using var publisher = new RegistrySkillPublisher(fixture.Registry, "consume-pkgref");
        await publisher.PublishAsync("pdf", "1.0.0");
        using var repo = await ConsumerWorkspace.CreateAsync();
        repo.WriteProject(
            "App/App.csproj",
            [(publisher.Repo("pdf"), "1.0.0")],
            extra: $"""  <ItemGroup><PackageReference Include="Skills.Oci.Build" Version="{repo.Workspace.Feed.Version}" /></ItemGroup>{Environment.NewLine}""",
            sdk: string.Empty);
        var cli = repo.Cli("App");

        var restore = await cli.RunAsync("restore");

        Assert.True(restore.Succeeded, restore.ToString());
        Assert.False(Directory.Exists(repo.File(".agents")));
        Assert.False(File.Exists(repo.LockPath));

        var build = await cli.RunAsync("build");

        Assert.True(build.Succeeded, build.ToString());
        Assert.True(File.Exists(repo.SkillFile("pdf")));
        Assert.True(File.Exists(repo.LockPath));
        // A development dependency: no assembly for the consumer to reference.
        Assert.False(Directory.Exists(Path.Combine(repo.Workspace.GlobalPackagesFolder, "skills.oci.build", repo.Workspace.Feed.Version, "lib")));
    }

    [Fact]
    public async Task Sdk_imported_from_Directory_Build_files_outside_any_git_repository_restores_into_the_project_folder_and_keeps_the_lock_out_of_default_items()
    {
        using var publisher = new RegistrySkillPublisher(fixture.Registry, "consume-dirbuild");
        await publisher.PublishAsync("pdf", "1.0.0");
        using var repo = await ConsumerWorkspace.CreateAsync(gitRepository: false);
        // <Sdk Name=.../> is not allowed in Directory.Build.props; explicit Sdk imports are, with the version from global.json.
        repo.Workspace.Write("Directory.Build.props", $"""
            <Project>
              <Import Project="Sdk.props" Sdk="Skills.Oci.Sdk" />
              <ItemGroup>
                <SkillReference Include="{publisher.Repo("pdf")}" Version="1.0.0" />
              </ItemGroup>
            </Project>
            """);
        repo.Workspace.Write("Directory.Build.targets", """
            <Project>
              <Import Project="Sdk.targets" Sdk="Skills.Oci.Sdk" />
            </Project>
            """);
        repo.WriteProject("App/App.csproj", [], extra: string.Empty, sdk: string.Empty);
        var cli = repo.Cli("App");

        var restore = await cli.RunAsync("restore");
        var items = await cli.RunAsync("msbuild", "-getItem:None", "-getItem:Content", "-getItem:UpToDateCheckInput", "-getItem:UpToDateCheckBuilt", "-getProperty:SkillsRoot");

        Assert.True(restore.Succeeded, restore.ToString());
        Assert.True(File.Exists(repo.File("App/.agents/skills/pdf/SKILL.md")));
        Assert.True(File.Exists(repo.File("App/skills.lock.json")));
        Assert.False(File.Exists(repo.LockPath));
        Assert.True(items.Succeeded, items.ToString());
        using var json = JsonDocument.Parse(items.Output);
        Assert.Equal(repo.File("App"), json.RootElement.GetProperty("Properties").GetProperty("SkillsRoot").GetString());
        string[] Identities(string item) =>
            json.RootElement.GetProperty("Items").TryGetProperty(item, out var list) ? list.EnumerateArray().Select(i => i.GetProperty("FullPath").GetString()!).ToArray() : [];
        Assert.DoesNotContain(Identities("None").Concat(Identities("Content")), path => path.Contains("skills.lock.json", StringComparison.Ordinal) || path.Contains(".agents", StringComparison.Ordinal));
        // Visual Studio's fast up-to-date check: the lock is an input, the stamp a built output.
        Assert.Equal([repo.File("App/skills.lock.json")], Identities("UpToDateCheckInput"));
        Assert.Equal([repo.File("App/obj/App.csproj.skills.stamp")], Identities("UpToDateCheckBuilt"));
    }
}
