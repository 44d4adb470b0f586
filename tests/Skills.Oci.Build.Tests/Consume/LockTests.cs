using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Restore;

namespace Skills.Oci.Build.Tests.Consume;

/// <summary>Versions, the lock file, locked mode and UpdateSkills through the real restore.</summary>
[Collection(RegistryCollectionDefinition.Name)]
public sealed class LockTests(RegistryFixture fixture)
{
    [Fact]
    public async Task A_fresh_clone_with_an_empty_cache_fetches_each_locked_manifest_with_one_GET_and_looks_up_no_tag()
    {
        using var publisher = new RegistrySkillPublisher(fixture.Registry, "consume-locked-cold");
        await publisher.PublishAsync("pdf", "1.0.0");
        await publisher.PublishAsync("lint", "1.0.0");
        using var first = await ConsumerWorkspace.CreateAsync();
        first.WriteProject("App.csproj", (publisher.Repo("pdf"), "1.0.0"), (publisher.Repo("lint"), "1.0.0"));
        var resolved = await first.Cli().RunAsync("restore");
        Assert.True(resolved.Succeeded, resolved.ToString());

        // The committed lock in a clone with its own, empty cache.
        using var clone = await ConsumerWorkspace.CreateAsync();
        clone.WriteProject("App.csproj", (publisher.Repo("pdf"), "1.0.0"), (publisher.Repo("lint"), "1.0.0"));
        File.WriteAllText(clone.LockPath, first.ReadLock());
        fixture.Registry.ClearRequests();

        var restore = await clone.Cli().RunAsync("restore");

        Assert.True(restore.Succeeded, restore.ToString());
        Assert.True(File.Exists(clone.SkillFile("pdf")));
        var requests = await publisher.RequestsAsync();
        Assert.DoesNotContain(requests, r => r.Method == "HEAD");
        Assert.DoesNotContain(requests, r => r.Path.EndsWith("/tags/list", StringComparison.Ordinal));
        Assert.Equal(2, requests.Count(r => r.Method == "GET" && r.Path.Contains("/manifests/sha256:", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Ranges_and_floating_versions_resolve_then_stay_locked_through_tag_pushes_until_UpdateSkills_moves_the_named_ones()
    {
        using var publisher = new RegistrySkillPublisher(fixture.Registry, "consume-versions");
        var ranged = await publisher.PublishAsync("ranged", "1.0.0", ("v.txt", "first"));
        await publisher.PublishAsync("ranged", "1.1.0");
        await publisher.PublishAsync("ranged", "2.0.0");
        foreach (var name in new[] { "float-a", "float-b" })
        {
            await publisher.PublishAsync(name, "1.0.0");
            await publisher.PublishAsync(name, "1.1.0");
            await publisher.PublishAsync(name, "2.0.0");
        }

        using var repo = await ConsumerWorkspace.CreateAsync();
        repo.WriteProject("App.csproj", (publisher.Repo("ranged"), "[1.0,2.0)"), (publisher.Repo("float-a"), "1.*"), (publisher.Repo("float-b"), "1.*"));
        var cli = repo.Cli();

        var first = await cli.RunAsync("restore");

        Assert.True(first.Succeeded, first.ToString());
        Assert.Equal(["ranged=1.0.0", "float-a=1.1.0", "float-b=1.1.0"], Tags(repo, "ranged", "float-a", "float-b"));
        Assert.Equal(ranged, Locked(repo, "ranged").RegistrySource.Digest);

        // New tags, and the locked tag re-pushed with other content: a restore keeps every locked digest
        // and reinstalls a deleted skill from the cache with no tag lookup (no request at all).
        await publisher.PublishAsync("float-a", "1.2.0");
        await publisher.PublishAsync("float-b", "1.2.0");
        await publisher.PublishAsync("ranged", "1.0.0", ("v.txt", "re-pushed"));
        Directory.Delete(repo.File(".agents/skills/ranged"), recursive: true);
        var lockBefore = repo.ReadLock();
        fixture.Registry.ClearRequests();

        var locked = await cli.RunAsync("restore");

        Assert.True(locked.Succeeded, locked.ToString());
        Assert.Empty(await publisher.RequestsAsync());
        Assert.Equal("first", File.ReadAllText(repo.SkillFile("ranged", "v.txt")));
        Assert.Equal(lockBefore, repo.ReadLock());

        var updateOne = await cli.RunAsync("msbuild", "-t:UpdateSkills", "-p:SkillsToUpdate=float-a");

        Assert.True(updateOne.Succeeded, updateOne.ToString());
        Assert.Equal(["ranged=1.0.0", "float-a=1.2.0", "float-b=1.1.0"], Tags(repo, "ranged", "float-a", "float-b"));
        Assert.Equal(ranged, Locked(repo, "ranged").RegistrySource.Digest);

        var updateAll = await cli.RunAsync("msbuild", "-t:UpdateSkills");

        Assert.True(updateAll.Succeeded, updateAll.ToString());
        Assert.Equal(["ranged=1.0.0", "float-a=1.2.0", "float-b=1.2.0"], Tags(repo, "ranged", "float-a", "float-b"));
        // Re-resolving the range found the re-pushed 1.0.0.
        Assert.NotEqual(ranged, Locked(repo, "ranged").RegistrySource.Digest);
        Assert.Equal("re-pushed", File.ReadAllText(repo.SkillFile("ranged", "v.txt")));
    }

    [Fact]
    public async Task Locked_mode_fails_naming_each_entry_that_would_change_and_leaves_everything_as_it_was()
    {
        using var publisher = new RegistrySkillPublisher(fixture.Registry, "consume-locked");
        await publisher.PublishAsync("pdf", "1.0.0");
        await publisher.PublishAsync("pdf", "1.1.0");
        await publisher.PublishAsync("other", "1.0.0");
        using var repo = await ConsumerWorkspace.CreateAsync();
        repo.WriteProject("App.csproj", (publisher.Repo("pdf"), "1.0.0"));
        var cli = repo.Cli();
        var restore = await cli.RunAsync("restore");
        Assert.True(restore.Succeeded, restore.ToString());
        var before = repo.Snapshot();

        // NuGet's own switch counts: a reference that is not locked.
        repo.WriteProject("App.csproj", (publisher.Repo("pdf"), "1.0.0"), (publisher.Repo("other"), "1.0.0"));
        var added = await cli.RunAsync("restore", "-p:RestoreLockedMode=true");
        // SkillsLockedMode: a reference whose Version changed.
        repo.WriteProject("App.csproj", (publisher.Repo("pdf"), "[1.1.0]"));
        var changed = await cli.RunAsync("restore", "-p:SkillsLockedMode=true");

        Assert.Equal(1, added.ExitCode);
        Assert.Equal(["SKOCI3023"], added.ErrorCodes());
        Assert.Contains(publisher.Repo("other"), added.Output, StringComparison.Ordinal);
        Assert.Equal(1, changed.ExitCode);
        Assert.Equal(["SKOCI3023"], changed.ErrorCodes());
        Assert.Contains("[1.1.0]", changed.Output, StringComparison.Ordinal);
        Assert.Contains($"{repo.LockPath} : error SKOCI3023", changed.Output, StringComparison.Ordinal);
        Assert.Equal(before.Where(p => !p.Key.EndsWith(".csproj", StringComparison.Ordinal)), repo.Snapshot().Where(p => !p.Key.EndsWith(".csproj", StringComparison.Ordinal)));
    }

    private static LockEntry Locked(ConsumerWorkspace repo, string name) =>
        LockFile.Parse(File.ReadAllBytes(repo.LockPath), repo.LockPath).Find(name)!;

    private static string[] Tags(ConsumerWorkspace repo, params string[] names) =>
        names.Select(name => $"{name}={Locked(repo, name).RegistrySource.Tag}").ToArray();
}
