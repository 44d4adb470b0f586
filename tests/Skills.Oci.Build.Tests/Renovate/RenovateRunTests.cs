using System.Text.Json;
using System.Text.Json.Nodes;
using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Restore;
using Skills.Oci.Build.Tests.Consume;
using Skills.Oci.Build.Tests.Tool;

namespace Skills.Oci.Build.Tests.Renovate;

/// <summary>Runs only with <c>SKILLS_OCI_RENOVATE=1</c>: it needs npm and installs Renovate (about 400 MB) unless one is given.</summary>
public sealed class RenovateFactAttribute : FactAttribute
{
    public RenovateFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("SKILLS_OCI_RENOVATE") != "1")
        {
            Skip = "Renovate itself runs only with SKILLS_OCI_RENOVATE=1 (SKILLS_OCI_RENOVATE_BIN=path/to/renovate, or npm to install it).";
        }
    }
}

/// <summary>
/// The preset at work: what its post-upgrade command does to a bumped repository (always), and the
/// real Renovate (<c>--platform=local</c>, offline against a local registry) proposing the bumps (opt-in).
/// </summary>
public sealed class RenovateRunTests
{
    /// <summary>The newest Renovate major that still runs on Node.js 20 (Debian's and this machine's); later ones need Node.js 22 or 24.</summary>
    private const string RenovatePackage = "renovate@39";

    [Fact]
    public async Task After_a_bump_of_Version_the_post_upgrade_command_moves_the_lock_so_a_locked_restore_passes()
    {
        await using var registry = await RegistryProcess.StartAsync();
        using var publisher = new RegistrySkillPublisher(registry, "renovate-lock");
        await publisher.PublishAsync("pdf", "1.0.0");
        var bumped = await publisher.PublishAsync("pdf", "1.2.0");
        using var repo = await ConsumerWorkspace.CreateAsync();
        var project = repo.WriteProject("App/App.csproj", (publisher.Repo("pdf"), "1.0.0"));
        var restored = await repo.Cli("App").RunAsync("restore");
        Assert.True(restored.Succeeded, restored.ToString());

        // Renovate's edit, as the preset's manager makes it.
        var content = File.ReadAllText(project);
        var dependency = Assert.Single(RenovatePreset.Load().Extract("App/App.csproj", content));
        File.WriteAllText(project, RenovatePreset.Apply(content, dependency, "1.2.0"));

        // Without the post-upgrade task, CI's locked restore would refuse the pull request.
        var lockedBefore = await repo.Cli("App").RunAsync("restore", "-p:SkillsLockedMode=true");
        Assert.False(lockedBefore.Succeeded, lockedBefore.ToString());
        Assert.Contains(ErrorCodes.LockedModeChange, lockedBefore.ErrorCodes());

        // The command the preset runs (dotnet skills-oci update {{{depName}}}), through the tool's shim.
        var tool = await SkillsOciTool.GetAsync();
        var update = await InstallCommandTests.ToolCli(tool, repo).RunAsync("update", dependency.DepName);

        Assert.True(update.Succeeded, update.ToString());
        var locked = Assert.Single(LockFile.Parse(File.ReadAllBytes(repo.LockPath), repo.LockPath).Skills).RegistrySource;
        Assert.Equal(("1.2.0", bumped), (locked.Tag, locked.Digest));
        var lockedAfter = await repo.Cli("App").RunAsync("restore", "-p:SkillsLockedMode=true");
        Assert.True(lockedAfter.Succeeded, lockedAfter.ToString());
    }

    [RenovateFact]
    public async Task Renovate_with_the_preset_proposes_the_newest_stable_tag_for_each_skill_of_a_local_repository()
    {
        await using var registry = await RegistryProcess.StartAsync();
        using var publisher = new RegistrySkillPublisher(registry, "renovate-run");
        foreach (var tag in new[] { "1.0.0", "1.1.0", "1.2.0", "2.0.0-rc.1", "latest" })
        {
            await publisher.PublishAsync("pdf", tag);
        }

        await publisher.PublishAsync("lint", "0.9.0");
        await publisher.PublishAsync("lint", "0.9.1");
        using var work = new TempFolder("renovate");
        var renovate = await FindOrInstallRenovateAsync(work);
        var repo = work.CreateFolder("repo");
        work.Write("repo/App/App.csproj", $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <Sdk Name="Skills.Oci.Sdk" />
              <ItemGroup>
                <SkillReference Include="{publisher.Repo("pdf")}" Version="1.0.0" />
                <PackageReference Include="Contoso.Pdf" Version="1.0.0" />
              </ItemGroup>
            </Project>
            """);
        work.Write("repo/Directory.Packages.props", $"""
            <Project>
              <ItemGroup>
                <SkillVersion Version='0.9.0'
                              Include='{publisher.Repo("lint")}' />
              </ItemGroup>
            </Project>
            """);
        await Git.CommitAllAsync(repo);
        // The preset as the whole configuration, plus what a self-hosted admin adds: the registry speaks plain HTTP.
        var config = JsonNode.Parse(File.ReadAllText(RenovatePreset.PresetPath))!.AsObject();
        config["hostRules"] = new JsonArray(new JsonObject { ["hostType"] = "docker", ["matchHost"] = registry.HostPort, ["insecureRegistry"] = true });
        var configPath = work.Write("config.json", config.ToJsonString());

        var run = await ProcessRunner.RunAsync(
            renovate,
            ["--platform=local", "--onboarding=false", "--require-config=ignored"],
            repo,
            environment =>
            {
                environment["RENOVATE_CONFIG_FILE"] = configPath;
                environment["RENOVATE_BASE_DIR"] = work.Combine("base");
                environment["LOG_LEVEL"] = "debug";
                environment["LOG_FORMAT"] = "json";
            },
            timeout: TimeSpan.FromMinutes(5));

        Assert.True(run.Succeeded, run.ToString());
        var proposed = ProposedUpdates(run.Output);
        Assert.Equal(
            [
                ("App/App.csproj", publisher.Repo("pdf"), "1.0.0", "1.2.0"),
                ("Directory.Packages.props", publisher.Repo("lint"), "0.9.0", "0.9.1"),
            ],
            proposed.Order());
    }

    /// <summary>The regex managers' dependencies with an update, from Renovate's "packageFiles with updates" debug record.</summary>
    private static List<(string File, string DepName, string From, string To)> ProposedUpdates(string jsonLog)
    {
        var record = jsonLog.Split('\n').Where(line => line.StartsWith('{'))
            .Select(line => JsonDocument.Parse(line).RootElement)
            .Single(e => e.TryGetProperty("msg", out var msg) && msg.GetString() == "packageFiles with updates");
        var regex = record.GetProperty("config").GetProperty("regex");
        return regex.EnumerateArray()
            .SelectMany(file => file.GetProperty("deps").EnumerateArray().Select(dep => (File: file.GetProperty("packageFile").GetString()!, Dep: dep)))
            .SelectMany(x => x.Dep.GetProperty("updates").EnumerateArray().Select(update =>
                (x.File, x.Dep.GetProperty("depName").GetString()!, x.Dep.GetProperty("currentValue").GetString()!, update.GetProperty("newValue").GetString()!)))
            .ToList();
    }

    private static async Task<string> FindOrInstallRenovateAsync(TempFolder work)
    {
        if (Environment.GetEnvironmentVariable("SKILLS_OCI_RENOVATE_BIN") is { Length: > 0 } given)
        {
            return given;
        }

        var prefix = work.CreateFolder("renovate-npm");
        var install = await ProcessRunner.RunAsync("npm", ["install", "--prefix", prefix, "--no-audit", "--no-fund", "--loglevel=error", RenovatePackage], prefix, timeout: TimeSpan.FromMinutes(15));
        Assert.True(install.Succeeded, install.ToString());
        return Path.Combine(prefix, "node_modules", ".bin", "renovate");
    }
}
