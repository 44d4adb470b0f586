namespace Skills.Oci.Build.Tests.Consume;

/// <summary>Restores that must not reach the registry: design-time builds, and locked restores with a warm cache. Each test stops its own registry.</summary>
public sealed class OfflineTests
{
    [Fact]
    public async Task Design_time_build_with_the_registry_down_and_an_empty_cache_succeeds_with_warnings_and_writes_nothing()
    {
        await using var registry = await RegistryProcess.StartAsync(new RegistryOptions { AccessLog = true });
        using var publisher = new RegistrySkillPublisher(registry, "consume-design-time");
        await publisher.PublishAsync("pdf", "1.0.0");
        using var repo = await ConsumerWorkspace.CreateAsync();
        repo.WriteProject("App/App.csproj", (publisher.Repo("pdf"), "1.0.0"));
        await registry.StopAsync();
        var before = repo.Snapshot();

        var result = await repo.Cli("App").RunAsync("msbuild", "-t:CollectPackageReferences", "-p:DesignTimeBuild=true", "-p:BuildingInsideVisualStudio=true");

        Assert.True(result.Succeeded, result.ToString());
        Assert.Empty(result.ErrorCodes());
        Assert.Equal(["SKOCI3025"], result.WarningCodes());
        Assert.Equal(before, repo.Snapshot());
        Assert.False(File.Exists(repo.File("App/obj/App.csproj.skills.stamp")));
    }

    [Fact]
    public async Task Second_consumer_with_the_same_lock_restores_from_a_warm_cache_while_the_registry_is_down()
    {
        await using var registry = await RegistryProcess.StartAsync(new RegistryOptions { AccessLog = true });
        using var publisher = new RegistrySkillPublisher(registry, "consume-warm");
        await publisher.PublishAsync("pdf", "1.0.0", ("notes.md", "cached"));
        using var first = await ConsumerWorkspace.CreateAsync();
        first.WriteProject("App.csproj", (publisher.Repo("pdf"), "1.0.0"));
        var warmUp = await first.Cli().RunAsync("restore");
        Assert.True(warmUp.Succeeded, warmUp.ToString());
        await registry.StopAsync();

        using var second = await ConsumerWorkspace.CreateAsync();
        second.CachePath = first.CachePath;
        second.WriteProject("Other.csproj", (publisher.Repo("pdf"), "1.0.0"));
        // The same locked references, as in a fresh clone of the repository.
        File.WriteAllText(second.LockPath, first.ReadLock().Replace("App.csproj", "Other.csproj", StringComparison.Ordinal));

        var result = await second.Cli().RunAsync("restore");

        Assert.True(result.Succeeded, result.ToString());
        Assert.Equal("cached", File.ReadAllText(second.SkillFile("pdf", "notes.md")));
        Assert.Empty(result.WarningCodes());
    }
}

/// <summary>A locked, cached, signed skill re-verifies from the cached snapshot with the registry down.</summary>
public sealed class OfflineTrustTests
{
    [Fact]
    public async Task A_locked_reinstall_from_a_warm_cache_re_verifies_offline_from_the_snapshot()
    {
        await using var registry = await RegistryProcess.StartAsync(new RegistryOptions { AccessLog = true });
        using var publisher = new RegistrySkillPublisher(registry, "trust-offline");
        await publisher.PublishAsync("pdf", "1.0.0", ("notes.md", "cached"));
        using var key = Skills.Oci.Build.Sigstore.Keys.SigningKey.Generate(Skills.Oci.Build.Sigstore.Keys.KeyAlgorithm.EcdsaP256);
        await TrustTests.SignAsync(registry, publisher, "pdf", "1.0.0", key);
        using var repo = await ConsumerWorkspace.CreateAsync();
        TrustTests.WriteKey(repo, "skills.pub", key);
        repo.WriteProject("App.csproj", [(publisher.Repo("pdf"), "1.0.0")], TrustTests.KeyPolicy($"{registry.HostPort}/trust-offline/%2A", "skills.pub"));
        var first = await repo.Cli().RunAsync("restore");
        Assert.True(first.Succeeded, first.ToString());
        var lockBefore = repo.ReadLock();
        Assert.Contains("\"verifiedBy\"", lockBefore, StringComparison.Ordinal);
        Directory.Delete(repo.File(".agents/skills/pdf"), recursive: true);
        await registry.StopAsync();

        var result = await repo.Cli().RunAsync("restore", "-v:detailed");

        Assert.True(result.Succeeded, result.ToString());
        Assert.Empty(result.WarningCodes());
        Assert.Contains("verified from the cached signature snapshot", result.Output, StringComparison.Ordinal);
        Assert.Equal("cached", File.ReadAllText(repo.SkillFile("pdf", "notes.md")));
        Assert.Equal(lockBefore, repo.ReadLock());

        var verify = await repo.Cli().RunAsync("msbuild", "-t:VerifySkills");
        Assert.True(verify.Succeeded, verify.ToString());
    }
}
