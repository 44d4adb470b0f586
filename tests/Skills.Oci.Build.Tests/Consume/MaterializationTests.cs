using Skills.Oci.Build.Restore;

namespace Skills.Oci.Build.Tests.Consume;

/// <summary>What a restore leaves in the repository over a skill's life: upgrade, fan-out, .gitignore, prune.</summary>
[Collection(RegistryCollectionDefinition.Name)]
public sealed class MaterializationTests(RegistryFixture fixture)
{
    [Fact]
    public async Task Upgrade_fan_out_and_prune_touch_only_what_restore_created()
    {
        using var publisher = new RegistrySkillPublisher(fixture.Registry, "consume-life");
        await publisher.PublishAsync("up", "1.0.0", ("a.txt", "a1"), ("b.txt", "b1"));
        await publisher.PublishAsync("up", "2.0.0", ("a.txt", "a2"));
        await publisher.PublishAsync("keep", "1.0.0");
        using var repo = await ConsumerWorkspace.CreateAsync();
        // The user's own skills and .gitignore lines, committed next to ours.
        new SkillFixture("mine", "mine").WriteFolder(repo.File(".agents/skills/mine"));
        new SkillFixture("theirs", "theirs").WriteFolder(repo.File(".claude/skills/theirs"));
        repo.Workspace.Write(".gitignore", "bin/\nobj/\n");
        const string fanOut = """
              <PropertyGroup>
                <SkillsAgentDirectories>.claude/skills;.github/skills</SkillsAgentDirectories>
              </PropertyGroup>

            """;
        repo.WriteProject("App.csproj", [(publisher.Repo("up"), "1.0.0"), (publisher.Repo("keep"), "1.0.0")], fanOut);
        var cli = repo.Cli();

        var v1 = await cli.RunAsync("restore");

        Assert.True(v1.Succeeded, v1.ToString());
        Assert.True(File.Exists(repo.SkillFile("up", "b.txt")));
        foreach (var name in new[] { "up", "keep" })
        {
            Assert.Equal($"../../.agents/skills/{name}", new FileInfo(repo.ClaudeLink(name)).LinkTarget);
            Assert.Equal($"../../.agents/skills/{name}", new FileInfo(repo.File($".github/skills/{name}")).LinkTarget);
        }

        var gitIgnore = File.ReadAllText(repo.File(".gitignore"));
        Assert.StartsWith("bin/\nobj/\n", gitIgnore, StringComparison.Ordinal);
        Assert.Contains(".github/skills/up", gitIgnore, StringComparison.Ordinal);
        Assert.DoesNotContain("mine", gitIgnore, StringComparison.Ordinal);
        Assert.DoesNotContain(".agents/skills/\n", gitIgnore, StringComparison.Ordinal);

        // Upgrade: the new version's files only, no stale b.txt.
        repo.WriteProject("App.csproj", [(publisher.Repo("up"), "[2.0.0]"), (publisher.Repo("keep"), "1.0.0")], fanOut);
        var v2 = await cli.RunAsync("restore");

        Assert.True(v2.Succeeded, v2.ToString());
        Assert.Equal("a2", File.ReadAllText(repo.SkillFile("up", "a.txt")));
        Assert.False(File.Exists(repo.SkillFile("up", "b.txt")));

        // Remove one reference: its folder, links, lock entry and .gitignore lines go; the other stays.
        repo.WriteProject("App.csproj", [(publisher.Repo("keep"), "1.0.0")], fanOut);
        var removeOne = await cli.RunAsync("restore");

        Assert.True(removeOne.Succeeded, removeOne.ToString());
        Assert.False(Directory.Exists(repo.File(".agents/skills/up")));
        Assert.False(Path.Exists(repo.ClaudeLink("up")));
        Assert.False(Path.Exists(repo.File(".github/skills/up")));
        Assert.True(File.Exists(repo.SkillFile("keep")));
        Assert.Equal(["keep"], LockFile.Parse(File.ReadAllBytes(repo.LockPath), repo.LockPath).Skills.Select(s => s.Name));

        // Remove every reference: the lock stays (empty) so it still prunes; the user's things survive.
        repo.WriteProject("App.csproj", [], fanOut);
        var removeAll = await cli.RunAsync("restore");

        Assert.True(removeAll.Succeeded, removeAll.ToString());
        Assert.Empty(LockFile.Parse(File.ReadAllBytes(repo.LockPath), repo.LockPath).Skills);
        Assert.False(Directory.Exists(repo.File(".agents/skills/keep")));
        Assert.False(Path.Exists(repo.ClaudeLink("keep")));
        Assert.True(File.Exists(repo.SkillFile("mine")));
        Assert.True(File.Exists(repo.File(".claude/skills/theirs/SKILL.md")));
        Assert.StartsWith("bin/\nobj/\n", File.ReadAllText(repo.File(".gitignore")), StringComparison.Ordinal);
    }
}
