using System.Security.Cryptography;
using Skills.Oci.Build.Restore;
using Skills.Oci.Build.Sigstore.Keys;
using Skills.Oci.Build.Tests.Infrastructure;

namespace Skills.Oci.Build.Tests.Consume;

/// <summary>
/// The restore hook's no-op without the task (Skills.Oci.Consume.targets, _SkillsOciHookStampCheck): a
/// restore with nothing to do never runs RestoreSkills, and each change the task's own check would see
/// (a setting given on the command line, a deleted skill, the .gitignore, a changed lock) runs it again.
/// Whether the task ran is read from MSBuild's performance summary, which lists every task executed.
/// </summary>
[Collection(RegistryCollectionDefinition.Name)]
public sealed class RestoreHookNoOpTests(RegistryFixture fixture)
{
    private const string RestoreTask = "Skills.Oci.Build.Tasks.RestoreSkills";
    private const string AnyOfOurTasks = "Skills.Oci.Build.Tasks.";

    [Fact]
    public async Task A_no_op_restore_does_not_run_the_task_says_the_skills_are_up_to_date_and_leaves_the_stamp_alone()
    {
        using var publisher = new RegistrySkillPublisher(fixture.Registry, "hook-noop");
        await publisher.PublishAsync("pdf", "1.0.0");
        await publisher.PublishAsync("review", "1.0.0");
        using var repo = await ConsumerWorkspace.CreateAsync();
        repo.WriteProject("App.csproj", (publisher.Repo("pdf"), "1.0.0"), (publisher.Repo("review"), "1.0.0"));
        var cli = repo.Cli();
        Assert.True((await cli.RunAsync("restore")).Succeeded);
        // The first restore's task wrote the key the hook compares.
        var stamp = repo.File("obj/App.csproj.skills.stamp");
        Assert.Contains("targets-key=", File.ReadAllText(stamp), StringComparison.Ordinal);
        var stampTime = File.GetLastWriteTimeUtc(stamp);
        var before = repo.Snapshot();
        fixture.Registry.ClearRequests();

        var noOp = await cli.RunAsync("restore", "-v:n", "-clp:PerformanceSummary");

        Assert.True(noOp.Succeeded, noOp.ToString());
        Assert.DoesNotContain(RestoreTask, noOp.Output, StringComparison.Ordinal);
        // Nor the session tasks around NuGet's walk: a single project that is up to date loads no task of ours.
        Assert.DoesNotContain(AnyOfOurTasks, noOp.Output, StringComparison.Ordinal);
        Assert.Single(noOp.Output.Split('\n'), line => line.Contains("App.csproj: Skills are up to date (2 skills).", StringComparison.Ordinal));
        Assert.Equal(stampTime, File.GetLastWriteTimeUtc(stamp));
        Assert.Equal(before, repo.Snapshot());
        Assert.Empty(await publisher.RequestsAsync());
    }

    [Fact]
    public async Task A_setting_on_the_command_line_a_deleted_skill_a_deleted_gitignore_and_a_changed_lock_each_run_the_task()
    {
        using var publisher = new RegistrySkillPublisher(fixture.Registry, "hook-stale");
        await publisher.PublishAsync("pdf", "1.0.0");
        using var repo = await ConsumerWorkspace.CreateAsync();
        repo.WriteProject("App.csproj", (publisher.Repo("pdf"), "1.0.0"));
        var cli = repo.Cli();
        Assert.True((await cli.RunAsync("restore")).Succeeded);
        await AssertNoOpAsync(cli);

        // A global property changes no file: the key in the stamp differs.
        var linked = await cli.RunAsync("restore", "-p:SkillsAgentDirectories=.cursor/skills", "-clp:PerformanceSummary");
        Assert.True(linked.Succeeded, linked.ToString());
        Assert.Contains(RestoreTask, linked.Output, StringComparison.Ordinal);
        Assert.True(File.Exists(repo.File(".cursor/skills/pdf/SKILL.md")));
        // Back to the project's own setting: the task runs again and puts the links back.
        Assert.True((await cli.RunAsync("restore")).Succeeded);
        Assert.True(File.Exists(repo.File(".claude/skills/pdf/SKILL.md")));
        await AssertNoOpAsync(cli);

        // A deleted skill folder: the stamp lists its SKILL.md.
        Directory.Delete(repo.File(".agents/skills/pdf"), recursive: true);
        await AssertTaskRanAsync(cli);
        Assert.True(File.Exists(repo.SkillFile("pdf")));
        await AssertNoOpAsync(cli);

        // A deleted .gitignore: the managed block must be written again.
        File.Delete(repo.File(".gitignore"));
        await AssertTaskRanAsync(cli);
        Assert.Contains(".agents/skills/pdf/", File.ReadAllText(repo.File(".gitignore")), StringComparison.Ordinal);
        await AssertNoOpAsync(cli);

        // A lock newer than the stamp (a pull, another project's restore), with the same content.
        File.WriteAllBytes(repo.LockPath, File.ReadAllBytes(repo.LockPath));
        await AssertTaskRanAsync(cli);
        await AssertNoOpAsync(cli);

        // The explicit target always runs the task.
        var explicitRestore = await cli.RunAsync("msbuild", "-t:RestoreSkills", "-clp:PerformanceSummary");
        Assert.True(explicitRestore.Succeeded, explicitRestore.ToString());
        Assert.Contains(RestoreTask, explicitRestore.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rewritten_trust_key_and_a_pending_install_transaction_each_run_the_task()
    {
        using var publisher = new RegistrySkillPublisher(fixture.Registry, "hook-trust");
        await publisher.PublishAsync("pdf", "1.0.0");
        using var key = SigningKey.Generate(KeyAlgorithm.EcdsaP256);
        await TrustTests.SignAsync(fixture.Registry, publisher, "pdf", "1.0.0", key);
        using var repo = await ConsumerWorkspace.CreateAsync();
        TrustTests.WriteKey(repo, "eng/keys/skills.pub", key);
        repo.WriteProject("App.csproj", [(publisher.Repo("pdf"), "1.0.0")], TrustTests.KeyPolicy($"{fixture.Registry.HostPort}/hook-trust/%2A", "eng/keys/skills.pub"));
        var cli = repo.Cli();
        Assert.True((await cli.RunAsync("restore")).Succeeded);
        await AssertNoOpAsync(cli);

        // The key file is an input: a rotated (here rewritten) key is checked by the task, not assumed.
        File.WriteAllText(repo.File("eng/keys/skills.pub"), File.ReadAllText(repo.File("eng/keys/skills.pub")));
        await AssertTaskRanAsync(cli);
        await AssertNoOpAsync(cli);

        // A journal left by a restore killed after it wrote the lock: the task rolls it forward, whatever the stamp says.
        var state = new RootState(repo.Root);
        var id = new string('d', 32);
        var aside = Path.Combine(state.StagingRoot, id, "old", "pdf");
        Directory.CreateDirectory(aside);
        File.WriteAllText(Path.Combine(aside, "SKILL.md"), "the previous version");
        File.WriteAllText(state.JournalPath, $$"""
            {"id":"{{id}}","lockPath":{{System.Text.Json.JsonSerializer.Serialize(repo.LockPath)}},"lockBefore":null,"lockAfter":"{{Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(repo.LockPath)))}}","skills":[{"name":"pdf","op":"install","hadFolder":true}]}
            """);
        await AssertTaskRanAsync(cli);
        Assert.False(File.Exists(state.JournalPath));
        Assert.False(Directory.Exists(Path.Combine(state.StagingRoot, id)));
        await AssertNoOpAsync(cli);
    }

    private static async Task AssertNoOpAsync(DotnetCli cli)
    {
        var result = await cli.RunAsync("restore", "-clp:PerformanceSummary");
        Assert.True(result.Succeeded, result.ToString());
        Assert.DoesNotContain(RestoreTask, result.Output, StringComparison.Ordinal);
    }

    private static async Task AssertTaskRanAsync(DotnetCli cli)
    {
        var result = await cli.RunAsync("restore", "-clp:PerformanceSummary");
        Assert.True(result.Succeeded, result.ToString());
        Assert.Contains(RestoreTask, result.Output, StringComparison.Ordinal);
    }
}
