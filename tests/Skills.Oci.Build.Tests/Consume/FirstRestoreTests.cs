using Skills.Oci.Build.Restore;

namespace Skills.Oci.Build.Tests.Consume;

/// <summary>The very first restore through the SDK resolver, the no-op restore after it, and a failing one.</summary>
[Collection(RegistryCollectionDefinition.Name)]
public sealed class FirstRestoreTests(RegistryFixture fixture)
{
    [Fact]
    public async Task First_restore_with_an_empty_packages_folder_installs_pins_and_links_then_a_second_restore_is_a_silent_no_op()
    {
        using var publisher = new RegistrySkillPublisher(fixture.Registry, "consume-first");
        var digest = await publisher.PublishAsync("pdf", "1.0.0", ("scripts/run.sh", "echo hi\n"));
        using var repo = await ConsumerWorkspace.CreateAsync();
        repo.WriteProject("src/App/App.csproj", (publisher.Repo("pdf"), "1.0.0"));
        var cli = repo.Cli("src/App");
        Assert.False(Directory.Exists(repo.Workspace.GlobalPackagesFolder));

        var first = await cli.RunAsync("restore");

        Assert.True(first.Succeeded, first.ToString());
        Assert.True(File.Exists(repo.SkillFile("pdf")));
        Assert.True(File.Exists(repo.SkillFile("pdf", "scripts/run.sh")));
        Assert.Equal("../../.agents/skills/pdf", new FileInfo(repo.ClaudeLink("pdf")).LinkTarget);
        var entry = Assert.Single(LockFile.Parse(File.ReadAllBytes(repo.LockPath), repo.LockPath).Skills);
        Assert.Equal("pdf", entry.Name);
        Assert.Equal(".agents/skills/pdf", entry.Path);
        Assert.Equal("1.0.0", entry.RegistrySource.Tag);
        Assert.Equal(digest, entry.RegistrySource.Digest);
        Assert.Equal($"{publisher.Repo("pdf")}:1.0.0@{digest}", entry.Source.Ref);
        Assert.Equal([new LockRequest("src/App/App.csproj", "1.0.0")], entry.Requests);
        Assert.Equal(["src/App/App.csproj"], entry.Projects);
        Assert.Equal([".claude/skills/pdf"], entry.AdditionalPaths);
        var gitIgnore = File.ReadAllText(repo.File(".gitignore"));
        Assert.Contains(".agents/skills/pdf/", gitIgnore, StringComparison.Ordinal);
        Assert.Contains(".claude/skills/pdf", gitIgnore, StringComparison.Ordinal);
        // Quiet at the CLI's default (minimal) verbosity.
        Assert.DoesNotContain("Restored 1 skill", first.AllOutput, StringComparison.Ordinal);

        var before = repo.Snapshot();
        fixture.Registry.ClearRequests();
        var second = await cli.RunAsync("restore", "-v:n");

        Assert.True(second.Succeeded, second.ToString());
        Assert.Empty(await publisher.RequestsAsync());
        Assert.Equal(before, repo.Snapshot());
        Assert.Contains("App.csproj: Skills are up to date (1 skill).", second.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Normal_verbosity_shows_one_summary_line_per_project()
    {
        using var publisher = new RegistrySkillPublisher(fixture.Registry, "consume-summary");
        await publisher.PublishAsync("alpha", "1.0.0");
        await publisher.PublishAsync("beta", "1.0.0");
        using var repo = await ConsumerWorkspace.CreateAsync();
        repo.WriteProject("App.csproj", (publisher.Repo("alpha"), "1.0.0"), (publisher.Repo("beta"), "1.0.0"));

        var result = await repo.Cli().RunAsync("restore", "-v:n");

        Assert.True(result.Succeeded, result.ToString());
        Assert.Single(result.Output.Split('\n'), line => line.Contains("App.csproj: Restored 2 skills (2 downloaded, 0 from the cache, 0 already in place).", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_version_with_no_matching_tag_fails_the_restore_with_a_coded_error_on_the_project_and_writes_nothing()
    {
        using var publisher = new RegistrySkillPublisher(fixture.Registry, "consume-error");
        await publisher.PublishAsync("pdf", "1.0.0");
        using var repo = await ConsumerWorkspace.CreateAsync();
        var project = repo.WriteProject("App.csproj", (publisher.Repo("pdf"), "[9.9.9]"));
        var before = repo.Snapshot();

        var result = await repo.Cli().RunAsync("restore");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(["SKOCI3002"], result.ErrorCodes());
        // The line and column of the Include that failed, in the file that declares it.
        var line = File.ReadAllLines(project).Select((text, index) => (text, index)).Single(l => l.text.Contains("SkillReference", StringComparison.Ordinal));
        var column = line.text.IndexOf('"', StringComparison.Ordinal) + 2;
        Assert.True(result.Output.Contains($"{project}({line.index + 1},{column}): error SKOCI3002", StringComparison.Ordinal), result.ToString());
        Assert.Contains("1.0.0", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.AllOutput, StringComparison.Ordinal);
        Assert.Equal(before, repo.Snapshot());
    }
}
