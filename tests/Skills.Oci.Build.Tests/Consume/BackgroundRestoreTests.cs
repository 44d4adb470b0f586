using Skills.Oci.Build.Restore;

namespace Skills.Oci.Build.Tests.Consume;

/// <summary>
/// In <c>dotnet restore</c>, skills are fetched while NuGet restores and reported at the end of Restore:
/// the same folders, lock and diagnostics (code, file, line) as a restore in place.
/// </summary>
[Collection(RegistryCollectionDefinition.Name)]
public sealed class BackgroundRestoreTests(RegistryFixture fixture)
{
    private const string BackgroundMessage = "are restored while NuGet restores";

    [Fact]
    public async Task Two_projects_restore_while_NuGet_restores_and_give_the_lock_of_a_restore_in_place()
    {
        using var publisher = new RegistrySkillPublisher(fixture.Registry, "consume-background");
        await publisher.PublishAsync("alpha", "1.0.0");
        await publisher.PublishAsync("beta", "1.0.0");

        async Task<(DotnetResult Result, byte[] Lock, ConsumerWorkspace Repo)> RestoreAsync(params string[] arguments)
        {
            var repo = await AppAndLibAsync(publisher);
            var result = await repo.Cli("src/App").RunAsync(["restore", "-v:d", .. arguments]);
            return (result, File.Exists(repo.LockPath) ? File.ReadAllBytes(repo.LockPath) : [], repo);
        }

        var (background, backgroundLock, first) = await RestoreAsync();
        using (first)
        {
            Assert.True(background.Succeeded, background.ToString());
            Assert.Equal(2, background.Output.Split('\n').Count(l => l.Contains(BackgroundMessage, StringComparison.Ordinal)));
            Assert.Contains("App.csproj: Restored 1 skill (1 downloaded", background.Output, StringComparison.Ordinal);
            Assert.Contains("Lib.csproj: Restored 1 skill (1 downloaded", background.Output, StringComparison.Ordinal);
            Assert.True(File.Exists(first.SkillFile("alpha")));
            Assert.True(File.Exists(first.SkillFile("beta")));
        }

        var (inPlace, inPlaceLock, second) = await RestoreAsync("-p:SkillsRestoreInBackground=false");
        using (second)
        {
            Assert.True(inPlace.Succeeded, inPlace.ToString());
            Assert.DoesNotContain(BackgroundMessage, inPlace.Output, StringComparison.Ordinal);
            // Byte for byte but the time the lock was generated.
            Assert.Equal(WithoutTimes(inPlaceLock), WithoutTimes(backgroundLock));
        }
    }

    [Fact]
    public async Task An_entry_project_that_is_up_to_date_still_opens_the_session_for_a_referenced_project_that_is_not()
    {
        using var publisher = new RegistrySkillPublisher(fixture.Registry, "consume-background-entry-current");
        await publisher.PublishAsync("alpha", "1.0.0");
        await publisher.PublishAsync("beta", "1.0.0");
        using var repo = await AppAndLibAsync(publisher);
        var cli = repo.Cli("src/App");
        Assert.True((await cli.RunAsync("restore")).Succeeded);
        var again = await cli.RunAsync("restore", "-v:d");
        Assert.True(again.Succeeded, again.ToString());
        Assert.DoesNotContain(BackgroundMessage, again.Output, StringComparison.Ordinal);

        // Only the referenced project changed (a skill folder is shared by the root, so deleting one would
        // make every project's check fail): the entry's own check finds it up to date, Lib's does not.
        var lib = repo.File("src/Lib/Lib.csproj");
        File.SetLastWriteTimeUtc(lib, DateTime.UtcNow.AddSeconds(2));
        var result = await cli.RunAsync("restore", "-v:d");

        Assert.True(result.Succeeded, result.ToString());
        Assert.Contains("App.csproj: Skills are up to date (1 skill).", result.Output, StringComparison.Ordinal);
        var background = result.Output.Split('\n').Where(l => l.Contains(BackgroundMessage, StringComparison.Ordinal)).ToList();
        Assert.Single(background);
        Assert.Contains("Lib.csproj", background[0], StringComparison.Ordinal);
        Assert.Contains("Lib.csproj: Skills are up to date (1 skill).", result.Output, StringComparison.Ordinal);
    }

    /// <summary>src/App (skill alpha) with a ProjectReference to src/Lib (skill beta).</summary>
    private static async Task<ConsumerWorkspace> AppAndLibAsync(RegistrySkillPublisher publisher)
    {
        var repo = await ConsumerWorkspace.CreateAsync();
        repo.WriteProject("src/Lib/Lib.csproj", (publisher.Repo("beta"), "1.0.0"));
        repo.WriteProject("src/App/App.csproj", [(publisher.Repo("alpha"), "1.0.0")],
            extra: """  <ItemGroup><ProjectReference Include="../Lib/Lib.csproj" /></ItemGroup>""" + Environment.NewLine);
        return repo;
    }

    private static string WithoutTimes(byte[] lockBytes) =>
        System.Text.RegularExpressions.Regex.Replace(System.Text.Encoding.UTF8.GetString(lockBytes), "\"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z\"", "\"<time>\"");

    [Fact]
    public async Task A_failure_in_the_background_is_reported_at_its_reference_with_its_code_and_the_restore_fails()
    {
        using var publisher = new RegistrySkillPublisher(fixture.Registry, "consume-background-error");
        await publisher.PublishAsync("alpha", "1.0.0");
        using var repo = await ConsumerWorkspace.CreateAsync();
        var project = repo.WriteProject("App.csproj", (publisher.Repo("alpha"), "[9.9.9]"));
        var before = repo.Snapshot();

        var result = await repo.Cli().RunAsync("restore", "-v:d");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(BackgroundMessage, result.Output, StringComparison.Ordinal);
        Assert.Equal(["SKOCI3002"], result.ErrorCodes());
        var line = File.ReadAllLines(project).Select((text, index) => (text, index)).Single(l => l.text.Contains("SkillReference", StringComparison.Ordinal));
        Assert.Contains($"{project}({line.index + 1},", result.AllOutput, StringComparison.Ordinal);
        Assert.Equal(before, repo.Snapshot());
    }

    [Fact]
    public async Task A_no_op_restore_in_the_background_changes_nothing_and_says_so()
    {
        using var publisher = new RegistrySkillPublisher(fixture.Registry, "consume-background-noop");
        await publisher.PublishAsync("alpha", "1.0.0");
        using var repo = await ConsumerWorkspace.CreateAsync();
        repo.WriteProject("App.csproj", (publisher.Repo("alpha"), "1.0.0"));
        Assert.True((await repo.Cli().RunAsync("restore")).Succeeded);
        var before = repo.Snapshot();
        fixture.Registry.ClearRequests();

        var result = await repo.Cli().RunAsync("restore", "-v:d");

        Assert.True(result.Succeeded, result.ToString());
        // Nothing to do: the hook sees that from the stamp and starts no restore at all (RestoreHookNoOpTests).
        Assert.DoesNotContain(BackgroundMessage, result.Output, StringComparison.Ordinal);
        Assert.Contains("App.csproj: Skills are up to date (1 skill).", result.Output, StringComparison.Ordinal);
        Assert.Empty(await publisher.RequestsAsync());
        Assert.Equal(before, repo.Snapshot());
    }
}
