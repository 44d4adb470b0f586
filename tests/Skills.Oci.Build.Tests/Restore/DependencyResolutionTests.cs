using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Restore;
using static Skills.Oci.Build.Tests.Restore.RestoreWorkspace;

namespace Skills.Oci.Build.Tests.Restore;

/// <summary>
/// Skills that require skills: transitive resolution, one version per skill across the root, conflicts
/// with each requester's chain, cycles, pruning, direct-wins and SkillsIncludeDependencies=false.
/// </summary>
public sealed class DependencyResolutionTests : IDisposable
{
    private readonly RestoreWorkspace _ws = new();

    public void Dispose() => _ws.Dispose();

    private LockFile ReadLock() => LockFile.Parse(File.ReadAllBytes(_ws.LockPath), _ws.LockPath);

    [Fact]
    public async Task A_chain_of_requirements_installs_transitively_and_records_the_edges()
    {
        await _ws.Registry.PublishRequiringAsync("review", "1.0.0", ("grilling", "1.0.0"));
        await _ws.Registry.PublishRequiringAsync("grilling", "1.0.0", ("lint", "1.*"));
        await _ws.Registry.PublishSkillAsync("lint", "1.0.0");
        var lint = await _ws.Registry.PublishSkillAsync("lint", "1.4.0");
        await _ws.Registry.PublishSkillAsync("lint", "2.0.0");

        var result = await _ws.RestoreAsync(Ref("review"));

        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        Assert.True(Directory.Exists(_ws.SkillFolder("grilling")));
        Assert.True(Directory.Exists(_ws.SkillFolder("lint")));
        var lockFile = ReadLock();
        Assert.Equal(["review"], lockFile.Find("grilling")!.RequiredBy);
        Assert.Equal(["grilling"], lockFile.Find("lint")!.RequiredBy);
        Assert.Equal(new RegistryLockSource(SkillRegistry.Registry, "skills/lint", "1.4.0", lint.Digest), lockFile.Find("lint")!.Source);
        Assert.Empty(lockFile.Find("review")!.RequiredBy);
        Assert.Equal(File.ReadAllBytes(_ws.LockPath), lockFile.Serialize());
    }

    [Fact]
    public async Task Requirements_unify_to_the_lowest_version_every_requester_accepts()
    {
        await _ws.Registry.PublishRequiringAsync("review", "1.0.0", ("grilling", "1.0.0"));
        await _ws.Registry.PublishRequiringAsync("pdf", "1.0.0", ("grilling", "1.1.0"));
        await _ws.Registry.PublishSkillAsync("grilling", "1.0.0");
        await _ws.Registry.PublishSkillAsync("grilling", "1.1.0");
        await _ws.Registry.PublishSkillAsync("grilling", "1.2.0");

        var result = await _ws.RestoreAsync(Ref("review"), Ref("pdf"));

        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        var grilling = ReadLock().Find("grilling")!;
        Assert.Equal("1.1.0", grilling.RegistrySource.Tag);
        Assert.Equal(["pdf", "review"], grilling.RequiredBy);
    }

    [Fact]
    public async Task Requirements_no_version_satisfies_are_a_conflict_naming_each_requesters_chain()
    {
        await _ws.Registry.PublishRequiringAsync("review", "1.0.0", ("grilling", "[1.0.0]"));
        await _ws.Registry.PublishRequiringAsync("pdf", "1.0.0", ("helper", "1.0.0"));
        await _ws.Registry.PublishRequiringAsync("helper", "1.0.0", ("grilling", "[2.0.0]"));
        await _ws.Registry.PublishSkillAsync("grilling", "1.0.0");
        await _ws.Registry.PublishSkillAsync("grilling", "2.0.0");

        var result = await _ws.RestoreAsync(Ref("review"), Ref("pdf"));

        var error = Assert.Single(result.Diagnostics);
        Assert.Equal(ErrorCodes.DependencyConflict, error.Code);
        Assert.Contains("'src/App/App.csproj' > pdf > helper asks Version [2.0.0]", error.Message, StringComparison.Ordinal);
        Assert.Contains("'src/App/App.csproj' > review asks Version [1.0.0]", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(_ws.LockPath));
    }

    [Fact]
    public async Task Skills_that_require_each_other_are_a_cycle()
    {
        await _ws.Registry.PublishRequiringAsync("review", "1.0.0", ("grilling", "1.0.0"));
        await _ws.Registry.PublishRequiringAsync("grilling", "1.0.0", ("lint", "1.0.0"));
        await _ws.Registry.PublishRequiringAsync("lint", "1.0.0", ("grilling", "1.0.0"));

        var result = await _ws.RestoreAsync(Ref("review"));

        var error = Assert.Single(result.Diagnostics);
        Assert.Equal(ErrorCodes.DependencyCycle, error.Code);
        Assert.Contains("grilling > lint > grilling", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_dependency_nothing_requires_any_more_is_pruned()
    {
        await _ws.Registry.PublishRequiringAsync("review", "1.0.0", ("grilling", "1.0.0"));
        await _ws.Registry.PublishSkillAsync("grilling", "1.0.0");
        await _ws.Registry.PublishSkillAsync("pdf", "1.0.0");
        Assert.True((await _ws.RestoreAsync(Ref("review"))).Succeeded);
        Assert.True(Directory.Exists(_ws.SkillFolder("grilling")));

        var result = await _ws.RestoreAsync(Ref("pdf"));

        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        Assert.False(Directory.Exists(_ws.SkillFolder("grilling")));
        Assert.Null(ReadLock().Find("grilling"));
    }

    [Fact]
    public async Task A_direct_reference_wins_over_a_requirement_for_its_version()
    {
        await _ws.Registry.PublishRequiringAsync("review", "1.0.0", ("grilling", "2.0.0"));
        await _ws.Registry.PublishSkillAsync("grilling", "1.0.0");
        await _ws.Registry.PublishSkillAsync("grilling", "2.0.0");

        var result = await _ws.RestoreAsync(Ref("review"), Ref("grilling", "1.0.0"));

        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        var grilling = ReadLock().Find("grilling")!;
        Assert.Equal("1.0.0", grilling.RegistrySource.Tag);
        Assert.Empty(grilling.RequiredBy);
    }

    [Fact]
    public async Task SkillsIncludeDependencies_false_installs_no_dependency_and_prunes_the_locked_ones()
    {
        await _ws.Registry.PublishRequiringAsync("review", "1.0.0", ("grilling", "1.0.0"));
        await _ws.Registry.PublishSkillAsync("grilling", "1.0.0");
        Assert.True((await _ws.RestoreAsync(Ref("review"))).Succeeded);

        var result = await _ws.RestoreAsync("src/App/App.csproj", _ws.Options() with { IncludeDependencies = false }, Ref("review"));

        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        Assert.False(Directory.Exists(_ws.SkillFolder("grilling")));
        Assert.Equal(["review"], ReadLock().Skills.Select(s => s.Name));
    }

    [Fact]
    public async Task ToolHive_requirements_are_followed_too()
    {
        await _ws.Registry.PublishAsync(SkillRegistry.Repo("review"), "1.0.0", new SkillFixture("review").ToTarGz(), "review",
            extraAnnotations: new Dictionary<string, string> { [AnnotationKeys.ToolHiveRequires] = $"[\"{SkillRegistry.Repo("grilling")}:1.0.0\"]" });
        var grilling = await _ws.Registry.PublishSkillAsync("grilling", "1.0.0");

        var result = await _ws.RestoreAsync(Ref("review"));

        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        Assert.Equal(grilling.Digest, ReadLock().Find("grilling")!.RegistrySource.Digest);
    }

    [Fact]
    public async Task A_locked_restore_keeps_dependencies_without_tag_lookups()
    {
        await _ws.Registry.PublishRequiringAsync("review", "1.0.0", ("grilling", "1.*"));
        var pinned = await _ws.Registry.PublishSkillAsync("grilling", "1.0.0");
        Assert.True((await _ws.RestoreAsync(Ref("review"))).Succeeded);
        await _ws.Registry.PublishSkillAsync("grilling", "1.1.0");
        Directory.Delete(_ws.SkillFolder("grilling"), recursive: true);
        var lookups = _ws.Source.TagLists;

        var locked = await _ws.RestoreAsync("src/App/App.csproj", _ws.Options() with { LockedMode = true }, Ref("review"));

        Assert.True(locked.Succeeded, string.Join("\n", locked.Diagnostics));
        Assert.Equal(lookups, _ws.Source.TagLists);
        Assert.True(Directory.Exists(_ws.SkillFolder("grilling")));
        Assert.Equal(pinned.Digest, ReadLock().Find("grilling")!.RegistrySource.Digest);
    }

    [Fact]
    public async Task A_collection_members_requirements_are_installed()
    {
        var review = await _ws.Registry.PublishRequiringAsync("review", "1.0.0", ("grilling", "1.0.0"));
        await _ws.Registry.PublishSkillAsync("grilling", "1.0.0");
        await CollectionIndexes.PublishAsync(_ws.Registry, "dev-tools", "1.0.0", CollectionIndexes.Ours("dev-tools", ("review", review, "1.0.0")));

        var result = await _ws.RestoreAsync(new SkillReferenceItem(SkillRegistry.Repo("dev-tools"), "1.0.0"));

        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        Assert.Equal(["review"], ReadLock().Find("grilling")!.RequiredBy);
        Assert.Equal("dev-tools", ReadLock().Find("review")!.Collection);
    }

    [Fact]
    public async Task A_dependencys_requests_name_the_projects_and_requiredBy_the_requiring_skills()
    {
        await _ws.Registry.PublishRequiringAsync("review", "1.0.0", ("grilling", "1.0.0"));
        await _ws.Registry.PublishRequiringAsync("pdf", "1.0.0", ("grilling", "1.1.0"));
        await _ws.Registry.PublishSkillAsync("grilling", "1.1.0");
        Assert.True((await _ws.RestoreAsync("src/App/App.csproj", null, Ref("review"), Ref("pdf"))).Succeeded);

        var second = await _ws.RestoreAsync("src/Lib/Lib.csproj", null, Ref("review"));

        Assert.True(second.Succeeded, string.Join("\n", second.Diagnostics));
        var grilling = ReadLock().Find("grilling")!;
        Assert.Equal(["pdf", "review"], grilling.RequiredBy);
        Assert.Equal(
            [new LockRequest("src/App/App.csproj", "1.0.0"), new LockRequest("src/App/App.csproj", "1.1.0"), new LockRequest("src/Lib/Lib.csproj", "1.0.0")],
            grilling.Requests);
        Assert.Equal(File.ReadAllBytes(_ws.LockPath), ReadLock().Serialize());
        var paths = SkillDependencyPaths.Find(ReadLock(), "grilling", _ws.LockPath).Select(p => p.ToString());
        Assert.Equal(["src/App/App.csproj > pdf 1.0.0 > grilling 1.1.0", "src/App/App.csproj > review 1.0.0 > grilling 1.1.0", "src/Lib/Lib.csproj > review 1.0.0 > grilling 1.1.0"], paths);
    }
}
