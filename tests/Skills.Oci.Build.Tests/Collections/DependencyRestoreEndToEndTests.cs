using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Restore;
using Skills.Oci.Build.Tests.Consume;

namespace Skills.Oci.Build.Tests.Collections;

/// <summary>
/// Skills that require skills, through the real <c>dotnet restore</c> against the real registry:
/// unification to the lowest version every requester accepts, a direct reference winning, pruning,
/// <c>SkillsIncludeDependencies=false</c>, a conflict naming each requester's chain, and a cycle.
/// </summary>
[Collection(CollectionsRegistry.Name)]
public sealed class DependencyRestoreEndToEndTests(RegistryFixture fixture)
{
    private static LockFile ReadLock(ConsumerWorkspace repo) => LockFile.Parse(File.ReadAllBytes(repo.LockPath), repo.LockPath);

    [Fact]
    public async Task Requirements_unify_a_direct_reference_wins_and_a_dependency_nothing_requires_is_pruned()
    {
        using var skills = new RegistrySkillPublisher(fixture.Registry, "e2e-deps");
        await skills.PublishRequiringAsync("review", "1.0.0", ("grilling", "1.0.0"));
        await skills.PublishRequiringAsync("pdf", "1.0.0", ("grilling", "1.1.0"));
        await skills.PublishSkillAsync("grilling", "1.0.0");
        var unified = await skills.PublishSkillAsync("grilling", "1.1.0");
        await skills.PublishSkillAsync("grilling", "1.2.0");
        await skills.PublishSkillAsync("lint", "1.0.0");
        using var repo = await ConsumerWorkspace.CreateAsync();
        repo.WriteProject("App/App.csproj", (skills.Repo("review"), "1.0.0"), (skills.Repo("pdf"), "1.0.0"));

        var restore = await repo.Cli("App").RunAsync("restore");

        Assert.True(restore.Succeeded, restore.ToString());
        var grilling = ReadLock(repo).Find("grilling")!;
        // The lowest version both accept (1.0.0 and 1.1.0 are minimums), as NuGet unifies.
        Assert.Equal(unified.Digest, grilling.RegistrySource.Digest);
        Assert.Equal(["pdf", "review"], grilling.RequiredBy);
        Assert.Equal(["App/App.csproj"], grilling.Projects.Distinct());
        Assert.True(File.Exists(repo.SkillFile("grilling")));
        var tool = await SkillsOciTool.GetAsync();
        var why = await tool.CreateCli(repo.Workspace).RunAsync("why", "grilling");
        Assert.True(why.Succeeded, why.ToString());
        Assert.Equal(["App/App.csproj > pdf 1.0.0 > grilling 1.1.0", "App/App.csproj > review 1.0.0 > grilling 1.1.0"], why.Output.Trim().Split('\n').Select(l => l.TrimEnd('\r')));

        // A direct reference wins over the requirements for its version.
        repo.WriteProject("App/App.csproj", (skills.Repo("review"), "1.0.0"), (skills.Repo("pdf"), "1.0.0"), (skills.Repo("grilling"), "1.2.0"));
        var direct = await repo.Cli("App").RunAsync("restore");
        Assert.True(direct.Succeeded, direct.ToString());
        Assert.Equal(("1.2.0", 0), (ReadLock(repo).Find("grilling")!.RegistrySource.Tag, ReadLock(repo).Find("grilling")!.RequiredBy.Count));

        // Nothing requires grilling any more: pruned, folder and entry.
        repo.WriteProject("App/App.csproj", (skills.Repo("lint"), "1.0.0"));
        var pruned = await repo.Cli("App").RunAsync("restore");
        Assert.True(pruned.Succeeded, pruned.ToString());
        Assert.Equal(["lint"], ReadLock(repo).Skills.Select(s => s.Name));
        Assert.False(Directory.Exists(repo.File(".agents/skills/grilling")));

        // SkillsIncludeDependencies=false installs the skill without what it requires.
        repo.WriteProject("App/App.csproj", (skills.Repo("review"), "1.0.0"));
        var off = await repo.Cli("App").RunAsync("restore", "-p:SkillsIncludeDependencies=false");
        Assert.True(off.Succeeded, off.ToString());
        Assert.Equal(["review"], ReadLock(repo).Skills.Select(s => s.Name));
    }

    [Fact]
    public async Task Requirements_no_version_satisfies_name_each_chain_and_a_cycle_is_an_error()
    {
        using var skills = new RegistrySkillPublisher(fixture.Registry, "e2e-depfail");
        await skills.PublishRequiringAsync("strict", "1.0.0", ("grilling", "[1.0.0]"));
        await skills.PublishRequiringAsync("user", "1.0.0", ("helper", "1.0.0"));
        await skills.PublishRequiringAsync("helper", "1.0.0", ("grilling", "[1.2.0]"));
        await skills.PublishSkillAsync("grilling", "1.0.0");
        await skills.PublishSkillAsync("grilling", "1.2.0");
        await skills.PublishRequiringAsync("ping", "1.0.0", ("pong", "1.0.0"));
        await skills.PublishRequiringAsync("pong", "1.0.0", ("ping", "1.0.0"));
        using var repo = await ConsumerWorkspace.CreateAsync();
        repo.WriteProject("App/App.csproj", (skills.Repo("strict"), "1.0.0"), (skills.Repo("user"), "1.0.0"));

        var conflict = await repo.Cli("App").RunAsync("restore");

        Assert.False(conflict.Succeeded);
        Assert.Equal([ErrorCodes.DependencyConflict], conflict.ErrorCodes());
        Assert.Contains("'App/App.csproj' > strict asks Version [1.0.0]", conflict.Output, StringComparison.Ordinal);
        Assert.Contains("'App/App.csproj' > user > helper asks Version [1.2.0]", conflict.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(repo.LockPath));

        repo.WriteProject("App/App.csproj", (skills.Repo("ping"), "1.0.0"));
        var cycle = await repo.Cli("App").RunAsync("restore");

        Assert.False(cycle.Succeeded);
        Assert.Equal([ErrorCodes.DependencyCycle], cycle.ErrorCodes());
        Assert.Contains("ping > pong > ping", cycle.Output, StringComparison.Ordinal);
    }
}
