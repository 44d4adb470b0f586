using System.Text.RegularExpressions;
using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Restore;
using Skills.Oci.Build.Tests.Consume;

namespace Skills.Oci.Build.Tests.Tool;

/// <summary>
/// <c>skills-oci install</c>, <c>update</c> and <c>verify</c>, run as the installed tool against the real
/// registry: the same results and codes as <c>dotnet restore</c> and the consume targets.
/// </summary>
[Collection(RegistryCollectionDefinition.Name)]
public sealed partial class InstallCommandTests(RegistryFixture fixture)
{
    [Fact]
    public async Task Install_over_two_projects_gives_the_lock_bytes_and_folders_of_dotnet_restore_and_each_sees_the_other_up_to_date()
    {
        using var publisher = new RegistrySkillPublisher(fixture.Registry, "tool-install");
        foreach (var name in new[] { "shared", "only-a", "only-b" })
        {
            await publisher.PublishAsync(name, "1.0.0", ("notes.md", $"{name}\n"));
        }

        using var restored = await TwoProjectRepositoryAsync(publisher);
        using var installed = await TwoProjectRepositoryAsync(publisher);
        var tool = await SkillsOciTool.GetAsync();

        var restore = await restored.Cli().RunAsync("restore", "S.slnx");
        var install = await ToolCli(tool, installed).RunAsync("install");

        Assert.True(restore.Succeeded, restore.ToString());
        Assert.True(install.Succeeded, install.ToString());
        Assert.Equal(["only-a", "only-b", "shared"], LockFile.Parse(File.ReadAllBytes(installed.LockPath), installed.LockPath).Skills.Select(s => s.Name));
        Assert.Equal(WithoutTimestamps(restored.ReadLock()), WithoutTimestamps(installed.ReadLock()));
        Assert.Equal(Contents(restored), Contents(installed));
        Assert.Equal(File.ReadAllText(restored.File(".gitignore")), File.ReadAllText(installed.File(".gitignore")));
        // No NuGet restore ran: the SDK consumers got no assets file, the plain project was skipped.
        Assert.False(File.Exists(installed.File("a/obj/project.assets.json")));
        Assert.DoesNotContain("Plain.csproj", installed.ReadLock(), StringComparison.Ordinal);

        // Each front end finds the other's result up to date: not one byte of the lock is rewritten.
        var restoredLock = File.ReadAllBytes(restored.LockPath);
        var installedLock = File.ReadAllBytes(installed.LockPath);
        var installAfterRestore = await ToolCli(tool, restored).RunAsync("restore");
        var restoreAfterInstall = await installed.Cli().RunAsync("restore", "S.slnx");

        Assert.True(installAfterRestore.Succeeded, installAfterRestore.ToString());
        Assert.True(restoreAfterInstall.Succeeded, restoreAfterInstall.ToString());
        Assert.Equal(restoredLock, File.ReadAllBytes(restored.LockPath));
        Assert.Equal(installedLock, File.ReadAllBytes(installed.LockPath));
    }

    [Fact]
    public async Task Install_locked_fails_with_the_code_of_restore_locked_mode_when_the_lock_would_change_and_changes_nothing()
    {
        using var publisher = new RegistrySkillPublisher(fixture.Registry, "tool-locked");
        await publisher.PublishAsync("pdf", "1.0.0");
        await publisher.PublishAsync("other", "1.0.0");
        using var repo = await ConsumerWorkspace.CreateAsync();
        repo.WriteProject("App/App.csproj", (publisher.Repo("pdf"), "1.0.0"));
        var cli = ToolCli(await SkillsOciTool.GetAsync(), repo);
        var install = await cli.RunAsync("install");
        Assert.True(install.Succeeded, install.ToString());
        var lockBytes = File.ReadAllBytes(repo.LockPath);

        repo.WriteProject("App/App.csproj", (publisher.Repo("pdf"), "1.0.0"), (publisher.Repo("other"), "1.0.0"));
        var locked = await cli.RunAsync("install", "--locked");
        var restoreLocked = await repo.Cli("App").RunAsync("restore", "--locked-mode");
        var lockedProject = await cli.RunAsync("install", "--locked", "--project", "App/App.csproj");

        Assert.Equal(1, locked.ExitCode);
        Assert.Equal([ErrorCodes.LockedModeChange], locked.ErrorCodes());
        Assert.Equal(restoreLocked.ErrorCodes(), locked.ErrorCodes());
        Assert.Contains(publisher.Repo("other"), locked.StandardError, StringComparison.Ordinal);
        // The diagnostic keeps MSBuild's origin: the lock file it is about.
        Assert.Contains($"{repo.LockPath} : error {ErrorCodes.LockedModeChange}", locked.StandardError, StringComparison.Ordinal);
        Assert.Equal([ErrorCodes.LockedModeChange], lockedProject.ErrorCodes());
        Assert.Equal(lockBytes, File.ReadAllBytes(repo.LockPath));
        Assert.False(Directory.Exists(repo.File(".agents/skills/other")));
    }

    [Fact]
    public async Task Install_installs_a_skills_json_beside_the_projects_into_the_one_lock_and_locked_mode_guards_both()
    {
        using var publisher = new RegistrySkillPublisher(fixture.Registry, "tool-install-manifest");
        await publisher.PublishAsync("pdf", "1.0.0");
        await publisher.PublishAsync("review", "1.0.0");
        await publisher.PublishAsync("lint", "1.0.0");
        using var repo = await ConsumerWorkspace.CreateAsync();
        repo.WriteProject("App/App.csproj", (publisher.Repo("pdf"), "1.0.0"));
        var manifest = repo.Workspace.Write("skills.json", $$"""{"skills":[{"name":"review","source":"{{publisher.Repo("review")}}","version":"1.0.0"}]}""");
        var cli = ToolCli(await SkillsOciTool.GetAsync(), repo);

        var install = await cli.RunAsync("install");

        Assert.True(install.Succeeded, install.ToString());
        var locked = LockFile.Parse(File.ReadAllBytes(repo.LockPath), repo.LockPath);
        Assert.Equal(["App/App.csproj"], locked.Find("pdf")?.Projects);
        Assert.Equal(["skills.json"], locked.Find("review")?.Projects);
        Assert.True(File.Exists(repo.SkillFile("pdf")));
        Assert.True(File.Exists(repo.SkillFile("review")));

        // A skills.json entry that would change the lock is refused in locked mode, as a project's would be.
        var lockBytes = File.ReadAllBytes(repo.LockPath);
        File.WriteAllText(manifest, $$"""{"skills":[{"name":"review","source":"{{publisher.Repo("review")}}","version":"1.0.0"},{"name":"lint","source":"{{publisher.Repo("lint")}}","version":"1.0.0"}]}""");
        var refused = await cli.RunAsync("install", "--locked");

        Assert.Equal(1, refused.ExitCode);
        Assert.Equal([ErrorCodes.LockedModeChange], refused.ErrorCodes());
        Assert.Equal(lockBytes, File.ReadAllBytes(repo.LockPath));
        Assert.False(Directory.Exists(repo.File(".agents/skills/lint")));

        var accepted = await cli.RunAsync("install");
        Assert.True(accepted.Succeeded, accepted.ToString());
        Assert.True(File.Exists(repo.SkillFile("lint")));
        Assert.True(File.Exists(repo.SkillFile("pdf")));
    }

    [Fact]
    public async Task Update_moves_only_the_named_skills_to_a_newer_tag_and_without_names_every_skill()
    {
        using var publisher = new RegistrySkillPublisher(fixture.Registry, "tool-update");
        await publisher.PublishAsync("pdf", "1.0.0");
        await publisher.PublishAsync("docx", "1.0.0");
        using var repo = await ConsumerWorkspace.CreateAsync();
        repo.WriteProject("App/App.csproj", (publisher.Repo("pdf"), "1.*"), (publisher.Repo("docx"), "1.*"));
        var cli = ToolCli(await SkillsOciTool.GetAsync(), repo);
        Assert.True((await cli.RunAsync("install")).Succeeded);
        await publisher.PublishAsync("pdf", "1.1.0", ("new.md", "pdf 1.1\n"));
        await publisher.PublishAsync("docx", "1.1.0");

        var install = await cli.RunAsync("install");
        Assert.True(install.Succeeded, install.ToString());
        Assert.Equal(["docx=1.0.0", "pdf=1.0.0"], Tags(repo));

        var named = await cli.RunAsync("update", "pdf");

        Assert.True(named.Succeeded, named.ToString());
        Assert.Equal(["docx=1.0.0", "pdf=1.1.0"], Tags(repo));
        Assert.Equal("pdf 1.1\n", File.ReadAllText(repo.SkillFile("pdf", "new.md")));

        var all = await cli.RunAsync("update");

        Assert.True(all.Succeeded, all.ToString());
        Assert.Equal(["docx=1.1.0", "pdf=1.1.0"], Tags(repo));
    }

    [Fact]
    public async Task Verify_passes_on_installed_skills_and_exits_1_reporting_each_tampered_file()
    {
        using var publisher = new RegistrySkillPublisher(fixture.Registry, "tool-verify");
        await publisher.PublishAsync("pdf", "1.0.0", ("notes.md", "original\n"));
        using var repo = await ConsumerWorkspace.CreateAsync();
        repo.WriteProject("App/App.csproj", (publisher.Repo("pdf"), "1.0.0"));
        var cli = ToolCli(await SkillsOciTool.GetAsync(), repo);
        Assert.True((await cli.RunAsync("install")).Succeeded);

        var clean = await cli.RunAsync("verify");
        File.WriteAllText(repo.SkillFile("pdf", "notes.md"), "edited\n");
        var tampered = await cli.RunAsync("verify");

        Assert.True(clean.Succeeded, clean.ToString());
        Assert.Empty(clean.ErrorCodes());
        Assert.Equal(1, tampered.ExitCode);
        Assert.Equal([ErrorCodes.SkillContentDrift], tampered.ErrorCodes());
        Assert.Contains("modified 'notes.md'", tampered.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_never_restored_Skills_Oci_Build_package_reference_is_installed_from_the_tools_own_targets_and_a_later_build_agrees()
    {
        using var publisher = new RegistrySkillPublisher(fixture.Registry, "tool-pkgref");
        await publisher.PublishAsync("pdf", "1.0.0");
        await publisher.PublishAsync("docx", "1.0.0");
        using var repo = await ConsumerWorkspace.CreateAsync();
        var package = $"""  <ItemGroup><PackageReference Include="Skills.Oci.Build" Version="{repo.Workspace.Feed.Version}" /></ItemGroup>{Environment.NewLine}""";
        repo.WriteProject("App/App.csproj", [(publisher.Repo("pdf"), "1.0.0")], extra: package, sdk: string.Empty);
        // TargetFrameworks, even with one framework, makes an outer build, which imports the cross-targeting Custom...After file.
        repo.WriteProject("Multi/Multi.csproj", [(publisher.Repo("docx"), "1.0.0")],
            extra: package + "  <PropertyGroup><TargetFramework></TargetFramework><TargetFrameworks>net10.0</TargetFrameworks></PropertyGroup>" + Environment.NewLine, sdk: string.Empty);

        var install = await ToolCli(await SkillsOciTool.GetAsync(), repo).RunAsync("install");

        Assert.True(install.Succeeded, install.ToString());
        Assert.True(File.Exists(repo.SkillFile("pdf")));
        Assert.True(File.Exists(repo.SkillFile("docx")));
        Assert.Equal(["App/App.csproj"], LockFile.Parse(File.ReadAllBytes(repo.LockPath), repo.LockPath).Find("pdf")!.Projects);
        Assert.Equal(["Multi/Multi.csproj"], LockFile.Parse(File.ReadAllBytes(repo.LockPath), repo.LockPath).Find("docx")!.Projects);
        Assert.False(File.Exists(repo.File("App/obj/project.assets.json")));
        var lockBytes = File.ReadAllBytes(repo.LockPath);

        // Once NuGet has restored the package, its own targets take over and find nothing to change.
        var build = await repo.Cli("App").RunAsync("build");
        var multiBuild = await repo.Cli("Multi").RunAsync("build");

        Assert.True(build.Succeeded, build.ToString());
        Assert.True(multiBuild.Succeeded, multiBuild.ToString());
        Assert.Equal(lockBytes, File.ReadAllBytes(repo.LockPath));
    }

    /// <summary>a and b consume skills through the SDK; c is a plain project, which install skips.</summary>
    private static async Task<ConsumerWorkspace> TwoProjectRepositoryAsync(RegistrySkillPublisher publisher)
    {
        var repo = await ConsumerWorkspace.CreateAsync();
        repo.Workspace.Write("S.slnx", """
            <Solution>
              <Project Path="a/A.csproj" />
              <Project Path="b/B.csproj" />
              <Project Path="c/Plain.csproj" />
            </Solution>
            """);
        repo.WriteProject("a/A.csproj", (publisher.Repo("shared"), "1.0.0"), (publisher.Repo("only-a"), "1.0.0"));
        repo.WriteProject("b/B.csproj", (publisher.Repo("shared"), "1.0.0"), (publisher.Repo("only-b"), "1.0.0"));
        repo.WriteProject("c/Plain.csproj", [], extra: string.Empty, sdk: string.Empty);
        return repo;
    }

    internal static DotnetCli ToolCli(SkillsOciTool tool, ConsumerWorkspace repo, string? relative = null) =>
        tool.CreateCli(repo.Workspace, relative, new Dictionary<string, string?>(StringComparer.Ordinal) { ["SKILLS_OCI_CACHE"] = repo.CachePath });

    private static string WithoutTimestamps(string lockText) => Timestamp().Replace(lockText, "\"$1\": \"-\"");

    /// <summary>Installed skills and links by content, without write times (two repositories are compared).</summary>
    private static Dictionary<string, string> Contents(ConsumerWorkspace repo) =>
        new[] { ".agents/skills", ".claude/skills" }
            .SelectMany(folder => FolderSnapshot.Take(repo.File(folder)).Select(p => (Key: folder + "/" + p.Key, Value: p.Value.Split('@')[0])))
            .ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);

    private static string[] Tags(ConsumerWorkspace repo) =>
        LockFile.Parse(File.ReadAllBytes(repo.LockPath), repo.LockPath).Skills.Select(s => $"{s.Name}={s.RegistrySource.Tag}").ToArray();

    [GeneratedRegex("\"(generatedAt|installedAt)\": \"[^\"]*\"")]
    private static partial Regex Timestamp();
}
