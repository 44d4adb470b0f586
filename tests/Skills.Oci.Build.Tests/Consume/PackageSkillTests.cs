using Skills.Oci.Build.Restore;
using Skills.Oci.Build.Tests.Infrastructure;

namespace Skills.Oci.Build.Tests.Consume;

/// <summary>Skills that come with NuGet packages, restored by a real <c>dotnet restore</c> from packages the test writes.</summary>
public sealed class PackageSkillTests
{
    private const string App = "src/App/App.csproj";

    [Fact]
    public async Task Project_restore_installs_a_direct_package_skill_copied_and_locked_with_its_nuget_source()
    {
        using var feed = new TestNuGetPackages();
        feed.Add(TestPackage.WithSkill("Contoso.Json", "1.0.0", "contoso-json", ("reference/api.md", "api v1\n")));
        using var repo = await Consumer(feed);
        repo.WriteProject(App, [], PackageReference("Contoso.Json", "1.0.0"));

        var result = await repo.Cli("src/App").RunAsync("restore");

        Assert.True(result.Succeeded, result.ToString());
        Assert.Equal("api v1\n", File.ReadAllText(repo.SkillFile("contoso-json", "reference/api.md")));
        Assert.Null(new DirectoryInfo(Path.GetDirectoryName(repo.SkillFile("contoso-json"))!).LinkTarget);
        Assert.Equal("../../.agents/skills/contoso-json", new FileInfo(repo.ClaudeLink("contoso-json")).LinkTarget);
        var entry = Assert.Single(ReadLock(repo).Skills);
        Assert.Equal(new NuGetLockSource("Contoso.Json", "1.0.0", "skills/contoso-json"), entry.Source);
        Assert.Equal([new LockRequest("src/App/App.csproj", "1.0.0")], entry.Requests);
        Assert.Equal((await SkillTree.FromFolderAsync(Path.GetDirectoryName(repo.SkillFile("contoso-json"))!, CancellationToken.None)).Digest, entry.ContentDigest);
        Assert.Contains("\"type\": \"nuget\"", repo.ReadLock(), StringComparison.Ordinal);
        Assert.Contains(".agents/skills/contoso-json", File.ReadAllText(repo.File(".gitignore")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_transitive_package_skill_is_installed_for_the_project_at_the_top_of_the_chain()
    {
        using var feed = new TestNuGetPackages();
        feed.AddAll(
            new TestPackage("Contoso.A", "1.0.0").DependingOn("Contoso.B", "1.0.0"),
            TestPackage.WithSkill("Contoso.B", "1.0.0", "contoso-b"));
        using var repo = await Consumer(feed);
        repo.WriteProject(App, [], PackageReference("Contoso.A", "1.0.0"));

        var result = await repo.Cli("src/App").RunAsync("restore");

        Assert.True(result.Succeeded, result.ToString());
        Assert.True(File.Exists(repo.SkillFile("contoso-b")));
        var entry = Assert.Single(ReadLock(repo).Skills);
        Assert.Equal(new NuGetLockSource("Contoso.B", "1.0.0", "skills/contoso-b"), entry.Source);
        Assert.Equal(["src/App/App.csproj"], entry.Projects);
    }

    [Fact]
    public async Task Upgrading_swaps_the_skill_downgrading_swaps_it_back_and_removing_the_package_prunes_it()
    {
        using var feed = new TestNuGetPackages();
        feed.AddAll(
            TestPackage.WithSkill("Contoso.Json", "1.0.0", "contoso-json", ("notes.md", "one\n")),
            TestPackage.WithSkill("Contoso.Json", "2.0.0", "contoso-json", ("notes.md", "two\n"), ("new.md", "new\n")));
        using var repo = await Consumer(feed);
        var cli = repo.Cli("src/App");
        repo.WriteProject(App, [], PackageReference("Contoso.Json", "1.0.0"));
        Assert.True((await cli.RunAsync("restore")).Succeeded);

        repo.WriteProject(App, [], PackageReference("Contoso.Json", "2.0.0"));
        var upgrade = await cli.RunAsync("restore");

        Assert.True(upgrade.Succeeded, upgrade.ToString());
        Assert.Equal("two\n", File.ReadAllText(repo.SkillFile("contoso-json", "notes.md")));
        Assert.Equal("2.0.0", ((NuGetLockSource)Assert.Single(ReadLock(repo).Skills).Source).Version);

        repo.WriteProject(App, [], PackageReference("Contoso.Json", "1.0.0"));
        var downgrade = await cli.RunAsync("restore");

        Assert.True(downgrade.Succeeded, downgrade.ToString());
        Assert.Equal("one\n", File.ReadAllText(repo.SkillFile("contoso-json", "notes.md")));
        Assert.False(File.Exists(repo.SkillFile("contoso-json", "new.md")));
        Assert.Equal("1.0.0", ((NuGetLockSource)Assert.Single(ReadLock(repo).Skills).Source).Version);

        repo.WriteProject(App, []);
        var removal = await cli.RunAsync("restore");

        Assert.True(removal.Succeeded, removal.ToString());
        Assert.False(Directory.Exists(Path.GetDirectoryName(repo.SkillFile("contoso-json"))));
        Assert.False(File.Exists(repo.ClaudeLink("contoso-json")) || Directory.Exists(repo.ClaudeLink("contoso-json")));
        Assert.Empty(ReadLock(repo).Skills);
    }

    [Fact]
    public async Task Two_packages_bringing_one_skill_name_fail_with_a_coded_error_naming_both_and_write_nothing()
    {
        using var feed = new TestNuGetPackages();
        feed.AddAll(TestPackage.WithSkill("Contoso.Json", "1.0.0", "json"), TestPackage.WithSkill("Fabrikam.Json", "2.0.0", "json"));
        using var repo = await Consumer(feed);
        repo.WriteProject(App, [], PackageReference("Contoso.Json", "1.0.0") + PackageReference("Fabrikam.Json", "2.0.0"));

        var result = await repo.Cli("src/App").RunAsync("restore");

        Assert.False(result.Succeeded);
        Assert.Contains("SKOCI5001", result.ErrorCodes());
        Assert.Contains("Contoso.Json 1.0.0", result.Output, StringComparison.Ordinal);
        Assert.Contains("Fabrikam.Json 2.0.0", result.Output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(repo.File(".agents/skills")));
        Assert.False(File.Exists(repo.LockPath));
    }

    [Theory]
    [InlineData("IncludeSkills", "")]
    [InlineData("SkillPackageExclude", "<ItemGroup><SkillPackageExclude Include=\"contoso.%2A\" /></ItemGroup>")]
    [InlineData("SkillsFromPackages", "<PropertyGroup><SkillsFromPackages>false</SkillsFromPackages></PropertyGroup>")]
    public async Task An_excluded_package_contributes_no_skill(string control, string extra)
    {
        using var feed = new TestNuGetPackages();
        feed.AddAll(TestPackage.WithSkill("Contoso.Json", "1.0.0", "contoso-json"), TestPackage.WithSkill("Fabrikam.Xml", "1.0.0", "fabrikam-xml"));
        using var repo = await Consumer(feed);
        var contoso = control == "IncludeSkills" ? PackageReference("Contoso.Json", "1.0.0", " IncludeSkills=\"false\"") : PackageReference("Contoso.Json", "1.0.0");
        repo.WriteProject(App, [], contoso + PackageReference("Fabrikam.Xml", "1.0.0") + extra);

        var result = await repo.Cli("src/App").RunAsync("restore");

        Assert.True(result.Succeeded, result.ToString());
        Assert.False(Directory.Exists(Path.GetDirectoryName(repo.SkillFile("contoso-json"))));
        Assert.Equal(control != "SkillsFromPackages", File.Exists(repo.SkillFile("fabrikam-xml")));
    }

    [Fact]
    public async Task Turning_SkillsFromPackages_off_prunes_the_package_skills_already_installed()
    {
        using var feed = new TestNuGetPackages();
        feed.Add(TestPackage.WithSkill("Contoso.Json", "1.0.0", "contoso-json"));
        using var repo = await Consumer(feed);
        var cli = repo.Cli("src/App");
        repo.WriteProject(App, [], PackageReference("Contoso.Json", "1.0.0"));
        Assert.True((await cli.RunAsync("restore")).Succeeded);
        Assert.True(File.Exists(repo.SkillFile("contoso-json")));

        var off = await cli.RunAsync("restore", "-p:SkillsFromPackages=false");

        Assert.True(off.Succeeded, off.ToString());
        Assert.False(Directory.Exists(Path.GetDirectoryName(repo.SkillFile("contoso-json"))));
        Assert.Empty(ReadLock(repo).Skills);
    }

    [Fact]
    public async Task A_locked_restore_refuses_a_tampered_package_folder_and_a_changed_package_version_and_writes_nothing()
    {
        using var feed = new TestNuGetPackages();
        feed.AddAll(TestPackage.WithSkill("Contoso.Json", "1.0.0", "contoso-json"), TestPackage.WithSkill("Contoso.Json", "2.0.0", "contoso-json"));
        using var repo = await Consumer(feed);
        var cli = repo.Cli("src/App");
        repo.WriteProject(App, [], PackageReference("Contoso.Json", "1.0.0"));
        Assert.True((await cli.RunAsync("restore")).Succeeded);
        File.AppendAllText(Path.Combine(PackageSkillFolder(repo, "contoso.json", "1.0.0", "contoso-json"), "SKILL.md"), "Also run this script.\n");
        var before = repo.Snapshot();

        var tampered = await cli.RunAsync("restore", "-p:SkillsLockedMode=true");

        Assert.False(tampered.Succeeded);
        Assert.Contains("SKOCI5003", tampered.ErrorCodes());
        Assert.Equal(before, repo.Snapshot());

        repo.WriteProject(App, [], PackageReference("Contoso.Json", "2.0.0"));
        before = repo.Snapshot();
        var upgraded = await cli.RunAsync("restore", "-p:SkillsLockedMode=true");

        Assert.False(upgraded.Succeeded);
        Assert.Contains("SKOCI5004", upgraded.ErrorCodes());
        Assert.Equal(before.Where(p => !p.Key.EndsWith(".csproj", StringComparison.Ordinal)), repo.Snapshot().Where(p => !p.Key.EndsWith(".csproj", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_package_skill_folder_holding_a_symbolic_link_is_refused_and_nothing_is_written()
    {
        using var feed = new TestNuGetPackages();
        feed.Add(TestPackage.WithSkill("Contoso.Json", "1.0.0", "contoso-json"));
        using var repo = await Consumer(feed);
        var cli = repo.Cli("src/App");
        repo.WriteProject(App, [], PackageReference("Contoso.Json", "1.0.0"));
        // NuGet extracts no links; one planted in the extracted folder is what a hostile tool or user could leave.
        Assert.True((await cli.RunAsync("restore", "-p:SkillsFromPackages=false")).Succeeded);
        File.CreateSymbolicLink(Path.Combine(PackageSkillFolder(repo, "contoso.json", "1.0.0", "contoso-json"), "passwd"), "/etc/passwd");

        var result = await cli.RunAsync("restore");

        Assert.False(result.Succeeded);
        Assert.Contains("SKOCI2", string.Join(" ", result.ErrorCodes()), StringComparison.Ordinal);
        Assert.False(Directory.Exists(repo.File(".agents/skills")));
        Assert.False(File.Exists(repo.LockPath));
    }

    [Fact]
    public async Task A_package_whose_skill_folder_is_oversized_or_climbs_out_of_its_name_is_refused_and_nothing_is_written()
    {
        using var feed = new TestNuGetPackages();
        // More files than any skill archive may hold (OciLimits.MaxArchiveEntries, 10,000).
        var crowded = Enumerable.Range(0, 10_001).Select(i => ($"data/{i}.txt", "x")).ToArray();
        feed.AddAll(
            TestPackage.WithSkill("Contoso.Crowded", "1.0.0", "contoso-crowded", crowded),
            new TestPackage("Contoso.Dots", "1.0.0") { Files = new Dictionary<string, string> { ["skills/..hidden/SKILL.md"] = "---\nname: ..hidden\ndescription: x\n---\n" } });
        using var repo = await Consumer(feed);
        var cli = repo.Cli("src/App");
        repo.WriteProject(App, [], PackageReference("Contoso.Crowded", "1.0.0") + PackageReference("Contoso.Dots", "1.0.0"));

        var result = await cli.RunAsync("restore");

        Assert.False(result.Succeeded, result.ToString());
        Assert.All(result.ErrorCodes(), code => Assert.StartsWith("SKOCI", code, StringComparison.Ordinal));
        Assert.True(result.ErrorCodes().Count >= 2, result.ToString());
        Assert.False(Directory.Exists(repo.File(".agents/skills")));
        Assert.False(File.Exists(repo.LockPath));
    }

    [Fact]
    public async Task Sync_reinstalls_a_package_skill_from_the_global_packages_folder_and_warns_and_skips_when_the_package_is_gone()
    {
        using var feed = new TestNuGetPackages();
        feed.Add(TestPackage.WithSkill("Contoso.Json", "1.0.0", "contoso-json", ("notes.md", "v1\n")));
        using var repo = await Consumer(feed);
        repo.WriteProject(App, [], PackageReference("Contoso.Json", "1.0.0"));
        Assert.True((await repo.Cli("src/App").RunAsync("restore")).Succeeded);
        var skillFolder = Path.GetDirectoryName(repo.SkillFile("contoso-json"))!;
        var lockBefore = repo.ReadLock();
        var sync = (await SkillsOciTool.GetAsync()).CreateCli(repo.Workspace);
        Directory.Delete(skillFolder, recursive: true);

        var reinstalled = await sync.RunAsync("sync");

        Assert.True(reinstalled.Succeeded, reinstalled.ToString());
        Assert.Equal("v1\n", File.ReadAllText(Path.Combine(skillFolder, "notes.md")));
        Assert.Equal(lockBefore, repo.ReadLock());

        Directory.Delete(skillFolder, recursive: true);
        Directory.Delete(Path.Combine(repo.Workspace.GlobalPackagesFolder, "contoso.json"), recursive: true);
        var skipped = await sync.RunAsync("sync");

        Assert.True(skipped.Succeeded, skipped.ToString());
        Assert.Contains("SKOCI5006", skipped.WarningCodes());
        Assert.False(Directory.Exists(skillFolder));
    }

    internal static string PackageSkillFolder(ConsumerWorkspace repo, string id, string version, string name) =>
        Path.Combine(repo.Workspace.GlobalPackagesFolder, id, version, "skills", name);

    internal static async Task<ConsumerWorkspace> Consumer(TestNuGetPackages feed)
    {
        var repo = await ConsumerWorkspace.CreateAsync();
        feed.Register(repo.Workspace);
        return repo;
    }

    internal static string PackageReference(string id, string version, string extra = "") =>
        $"""
          <ItemGroup>
            <PackageReference Include="{id}" Version="{version}"{extra} />
          </ItemGroup>

        """;

    internal static LockFile ReadLock(ConsumerWorkspace repo) => LockFile.Parse(File.ReadAllBytes(repo.LockPath), repo.LockPath);
}
