using Skills.Oci.Build.Restore;

namespace Skills.Oci.Build.Tests.Consume;

/// <summary>Several projects under one repository root: solution, parallel and static-graph restores.</summary>
[Collection(RegistryCollectionDefinition.Name)]
public sealed class SolutionRestoreTests(RegistryFixture fixture)
{
    private const string Solution = """
        <Solution>
          <Project Path="a/A.csproj" />
          <Project Path="b/B.csproj" />
        </Solution>
        """;

    [Fact]
    public async Task Projects_sharing_a_root_restore_the_union_in_parallel_and_static_graph_and_a_skill_is_pruned_only_with_its_last_reference()
    {
        using var publisher = new RegistrySkillPublisher(fixture.Registry, "consume-sln");
        foreach (var name in new[] { "shared", "only-a", "only-b" })
        {
            await publisher.PublishAsync(name, "1.0.0");
        }

        using var repo = await ConsumerWorkspace.CreateAsync();
        repo.Workspace.Write("S.slnx", Solution);
        repo.WriteProject("a/A.csproj", (publisher.Repo("shared"), "1.0.0"), (publisher.Repo("only-a"), "1.0.0"));
        repo.WriteProject("b/B.csproj", (publisher.Repo("shared"), "1.0.0"), (publisher.Repo("only-b"), "1.0.0"));
        var cli = repo.Cli();

        // Parallel (-m): both projects write one root under the cross-process lock.
        var parallel = await cli.RunAsync("restore", "S.slnx", "-m:2");

        Assert.True(parallel.Succeeded, parallel.ToString());
        AssertInstalled(repo, ("only-a", ["a/A.csproj"]), ("only-b", ["b/B.csproj"]), ("shared", ["a/A.csproj", "b/B.csproj"]));
        Assert.DoesNotContain(Directory.GetDirectories(repo.File(".agents/skills")), d => Path.GetFileName(d).StartsWith('.'));

        // Static graph: the hook runs in NuGet's separate restore process; start from an empty root.
        foreach (var path in new[] { ".agents", ".claude" })
        {
            Directory.Delete(repo.File(path), recursive: true);
        }

        File.Delete(repo.LockPath);
        File.Delete(repo.File(".gitignore"));
        var staticGraph = await cli.RunAsync("restore", "S.slnx", "-p:RestoreUseStaticGraphEvaluation=true");

        Assert.True(staticGraph.Succeeded, staticGraph.ToString());
        AssertInstalled(repo, ("only-a", ["a/A.csproj"]), ("only-b", ["b/B.csproj"]), ("shared", ["a/A.csproj", "b/B.csproj"]));

        // A drops the shared skill: B still references it, so it stays.
        repo.WriteProject("a/A.csproj", (publisher.Repo("only-a"), "1.0.0"));
        var firstDrop = await cli.RunAsync("restore", "S.slnx");

        Assert.True(firstDrop.Succeeded, firstDrop.ToString());
        AssertInstalled(repo, ("only-a", ["a/A.csproj"]), ("only-b", ["b/B.csproj"]), ("shared", ["b/B.csproj"]));

        // B drops it too: folder, link, lock entry and .gitignore line go; the others stay.
        repo.WriteProject("b/B.csproj", (publisher.Repo("only-b"), "1.0.0"));
        var lastDrop = await cli.RunAsync("restore", "S.slnx");

        Assert.True(lastDrop.Succeeded, lastDrop.ToString());
        AssertInstalled(repo, ("only-a", ["a/A.csproj"]), ("only-b", ["b/B.csproj"]));
        Assert.False(Directory.Exists(repo.File(".agents/skills/shared")));
        Assert.False(Path.Exists(repo.ClaudeLink("shared")));
        Assert.DoesNotContain("shared", File.ReadAllText(repo.File(".gitignore")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Incompatible_requests_from_two_projects_fail_the_solution_restore_naming_both_projects_in_both_restore_modes()
    {
        using var publisher = new RegistrySkillPublisher(fixture.Registry, "consume-conflict");
        await publisher.PublishAsync("pdf", "1.0.0");
        await publisher.PublishAsync("pdf", "2.0.0");
        using var repo = await ConsumerWorkspace.CreateAsync();
        repo.Workspace.Write("S.slnx", Solution);
        repo.WriteProject("a/A.csproj", (publisher.Repo("pdf"), "[1.0.0]"));
        repo.WriteProject("b/B.csproj", (publisher.Repo("pdf"), "[2.0.0]"));
        var cli = repo.Cli();

        var result = await cli.RunAsync("restore", "S.slnx");
        var staticGraph = await cli.RunAsync("restore", "S.slnx", "-p:RestoreUseStaticGraphEvaluation=true");

        foreach (var run in new[] { result, staticGraph })
        {
            Assert.Equal(1, run.ExitCode);
            Assert.Equal(["SKOCI3021"], run.ErrorCodes());
            var error = run.Output.Split('\n').First(l => l.Contains("error SKOCI3021", StringComparison.Ordinal));
            Assert.Contains("a/A.csproj", error, StringComparison.Ordinal);
            Assert.Contains("b/B.csproj", error, StringComparison.Ordinal);
        }

        // The first project's restore stands; the conflicting one changed nothing.
        var entry = Assert.Single(LockFile.Parse(File.ReadAllBytes(repo.LockPath), repo.LockPath).Skills);
        Assert.Single(entry.Projects);
    }

    private static void AssertInstalled(ConsumerWorkspace repo, params (string Name, string[] Projects)[] expected)
    {
        var lockFile = LockFile.Parse(File.ReadAllBytes(repo.LockPath), repo.LockPath);
        Assert.Equal(expected.Select(e => e.Name), lockFile.Skills.Select(s => s.Name));
        foreach (var (name, projects) in expected)
        {
            Assert.Equal(projects, lockFile.Find(name)!.Projects);
            Assert.True(File.Exists(repo.SkillFile(name)), name);
            Assert.True(Path.Exists(repo.ClaudeLink(name)), name);
        }

        Assert.Equal(expected.Select(e => e.Name), Directory.GetDirectories(repo.File(".agents/skills")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }
}
