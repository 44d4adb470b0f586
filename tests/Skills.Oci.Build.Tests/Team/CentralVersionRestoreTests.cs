using Skills.Oci.Build.Restore;
using Skills.Oci.Build.Tests.Consume;

namespace Skills.Oci.Build.Tests.Team;

/// <summary>
/// Central skill versions through real <c>dotnet restore</c>: a repository whose Directory.Packages.props
/// manages package versions centrally and sets SkillVersion items, two projects in a solution.
/// </summary>
[Collection(TeamRegistryDefinition.Name)]
public sealed class CentralVersionRestoreTests(RegistryFixture fixture)
{
    private const string Solution = """
        <Solution>
          <Project Path="App/App.csproj" />
          <Project Path="Lib/Lib.csproj" />
        </Solution>
        """;

    private static string Props(params (string Include, string Version)[] versions) => $"""
        <Project>
          <PropertyGroup>
            <ManagePackageVersionsCentrally>true</ManagePackageVersionsCentrally>
          </PropertyGroup>
          <ItemGroup>{string.Concat(versions.Select(v => $"{Environment.NewLine}    <SkillVersion Include=\"{v.Include}\" Version=\"{v.Version}\" />"))}
          </ItemGroup>
        </Project>
        """;

    private static int LineOf(string file, string include) =>
        Array.FindIndex(File.ReadAllLines(file), l => l.Contains($"\"{include}\"", StringComparison.Ordinal)) + 1;

    private static LockFile Lock(ConsumerWorkspace repo) => LockFile.Parse(File.ReadAllBytes(repo.LockPath), repo.LockPath);

    [Fact]
    public async Task A_solution_restore_takes_central_versions_and_VersionOverride_and_records_the_union_and_a_changed_central_version_moves_both_projects()
    {
        using var publisher = new RegistrySkillPublisher(fixture.Registry, "team-central");
        await publisher.PublishAsync("shared", "1.0.0");
        await publisher.PublishAsync("shared", "1.1.0");
        await publisher.PublishAsync("lint", "1.0.0");
        await publisher.PublishAsync("lint", "2.0.0");
        using var repo = await ConsumerWorkspace.CreateAsync();
        repo.Workspace.Write("S.slnx", Solution);
        repo.Workspace.Write("Directory.Packages.props", Props((publisher.Repo("shared"), "[1.0.0]"), (publisher.Repo("lint"), "[1.0.0]")));
        repo.WriteProject("App/App.csproj", (publisher.Repo("shared"), null), (publisher.Repo("lint"), null));
        repo.WriteProject("Lib/Lib.csproj", (publisher.Repo("shared"), null));
        var cli = repo.Cli();

        var restore = await cli.RunAsync("restore", "S.slnx");

        Assert.True(restore.Succeeded, restore.ToString());
        var lockFile = Lock(repo);
        Assert.Equal(["lint", "shared"], lockFile.Skills.Select(s => s.Name));
        Assert.Equal(["App/App.csproj", "Lib/Lib.csproj"], lockFile.Find("shared")!.Projects);
        Assert.Equal(["[1.0.0]", "[1.0.0]"], lockFile.Find("shared")!.Requests.Select(r => r.Version));
        Assert.Equal("1.0.0", lockFile.Find("shared")!.RegistrySource.Tag);
        Assert.Equal("1.0.0", lockFile.Find("lint")!.RegistrySource.Tag);

        // The central version moves: one edit in Directory.Packages.props, both projects follow.
        repo.Workspace.Write("Directory.Packages.props", Props((publisher.Repo("shared"), "[1.1.0]"), (publisher.Repo("lint"), "[1.0.0]")));
        var moved = await cli.RunAsync("restore", "S.slnx");

        Assert.True(moved.Succeeded, moved.ToString());
        Assert.Equal("1.1.0", Lock(repo).Find("shared")!.RegistrySource.Tag);
        Assert.Equal(["[1.1.0]", "[1.1.0]"], Lock(repo).Find("shared")!.Requests.Select(r => r.Version));
    }

    [Fact]
    public async Task VersionOverride_gives_one_project_its_own_version_and_central_versions_follow_ManageSkillVersionsCentrally_over_the_package_setting()
    {
        using var publisher = new RegistrySkillPublisher(fixture.Registry, "team-override");
        await publisher.PublishAsync("pdf", "1.0.0");
        await publisher.PublishAsync("pdf", "2.0.0");
        await publisher.PublishAsync("other", "1.0.0");
        using var repo = await ConsumerWorkspace.CreateAsync();
        // Packages are not central here; skills are, by their own property.
        repo.Workspace.Write("Directory.Packages.props", Props((publisher.Repo("pdf"), "1.0.0")).Replace(
            "<ManagePackageVersionsCentrally>true</ManagePackageVersionsCentrally>",
            "<ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally><ManageSkillVersionsCentrally>true</ManageSkillVersionsCentrally>", StringComparison.Ordinal));
        repo.WriteProject("App/App.csproj", [], extra: $"""
              <ItemGroup>
                <SkillReference Include="{publisher.Repo("pdf")}" VersionOverride="[2.0.0]" />
                <SkillReference Include="{publisher.Repo("other")}" VersionOverride="1.0.0" />
              </ItemGroup>

            """);

        var restore = await repo.Cli("App").RunAsync("restore");

        Assert.True(restore.Succeeded, restore.ToString());
        var lockFile = Lock(repo);
        Assert.Equal("2.0.0", lockFile.Find("pdf")!.RegistrySource.Tag);
        Assert.Equal("[2.0.0]", Assert.Single(lockFile.Find("pdf")!.Requests).Version);
        Assert.Equal("1.0.0", lockFile.Find("other")!.RegistrySource.Tag);
    }

    [Fact]
    public async Task A_Version_on_a_reference_and_a_reference_without_central_version_are_coded_errors_at_the_declaring_line_naming_the_central_file()
    {
        using var publisher = new RegistrySkillPublisher(fixture.Registry, "team-central-errors");
        await publisher.PublishAsync("pdf", "1.0.0");
        using var repo = await ConsumerWorkspace.CreateAsync();
        repo.Workspace.Write("S.slnx", Solution);
        var props = repo.Workspace.Write("Directory.Packages.props", Props((publisher.Repo("pdf"), "1.0.0")));
        var app = repo.WriteProject("App/App.csproj", (publisher.Repo("pdf"), "1.0.0"));
        var lib = repo.WriteProject("Lib/Lib.csproj", (publisher.Repo("missing"), null));
        var cli = repo.Cli();

        var restore = await cli.RunAsync("restore", "S.slnx");

        Assert.Equal(1, restore.ExitCode);
        Assert.Equal(["SKOCI8001", "SKOCI8002"], restore.ErrorCodes().Order(StringComparer.Ordinal));
        var lines = restore.Output.Split('\n');
        var notAllowed = lines.First(l => l.Contains("error SKOCI8001", StringComparison.Ordinal));
        Assert.StartsWith($"{app}({LineOf(app, publisher.Repo("pdf"))},", notAllowed.Trim(), StringComparison.Ordinal);
        Assert.Contains("VersionOverride=\"1.0.0\"", notAllowed, StringComparison.Ordinal);
        var missing = lines.First(l => l.Contains("error SKOCI8002", StringComparison.Ordinal));
        Assert.StartsWith($"{lib}({LineOf(lib, publisher.Repo("missing"))},", missing.Trim(), StringComparison.Ordinal);
        Assert.Contains($"<SkillVersion Include=\"{publisher.Repo("missing")}\" Version=\"1.0.0\" /> to {props}", missing, StringComparison.Ordinal);
        Assert.False(File.Exists(repo.LockPath));
        Assert.False(Directory.Exists(repo.File(".agents")));
    }
}
