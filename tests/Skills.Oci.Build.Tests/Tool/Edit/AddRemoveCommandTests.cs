using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Restore;
using Skills.Oci.Build.Tests.Consume;

namespace Skills.Oci.Build.Tests.Tool.Edit;

/// <summary>
/// <c>skills-oci add</c> and <c>remove</c>, the installed tool against a real registry: in a .NET project
/// (the file edited byte for byte, the project's own restore run) and in a folder with only skills.json.
/// </summary>
[Collection(RegistryCollectionDefinition.Name)]
public sealed class AddRemoveCommandTests(RegistryFixture fixture)
{
    private static LockFile ReadLock(ConsumerWorkspace repo) => LockFile.Parse(File.ReadAllBytes(repo.LockPath), repo.LockPath);

    private static async Task<DotnetCli> ToolAsync(ConsumerWorkspace repo, string? folder = null) =>
        (await SkillsOciTool.GetAsync()).CreateCli(repo.Workspace, folder, new Dictionary<string, string?> { ["SKILLS_OCI_CACHE"] = repo.CachePath });

    [Fact]
    public async Task Add_then_remove_in_a_project_edits_only_the_reference_and_restores_then_prunes_the_skill()
    {
        using var publisher = new RegistrySkillPublisher(fixture.Registry, "tool-add-project");
        await publisher.PublishAsync("pdf", "1.0.0");
        var newest = await publisher.PublishAsync("pdf", "1.1.0");
        using var repo = await ConsumerWorkspace.CreateAsync();
        const string original = "<Project Sdk=\"Microsoft.NET.Sdk\">\r\n\t<Sdk Name=\"Skills.Oci.Sdk\" />\r\n\t<!-- keep me -->\r\n\t<PropertyGroup>\r\n\t\t<TargetFramework>net10.0</TargetFramework>\r\n\t</PropertyGroup>\r\n</Project>\r\n";
        var project = repo.Workspace.Write("app/app.csproj", original);
        var tool = await ToolAsync(repo, "app");

        var added = await tool.RunAsync("add", publisher.Repo("pdf"));

        Assert.True(added.Succeeded, added.ToString());
        Assert.Equal(
            original.Replace("\t</PropertyGroup>\r\n", $"\t</PropertyGroup>\r\n\r\n\t<ItemGroup>\r\n\t\t<SkillReference Include=\"{publisher.Repo("pdf")}\" Version=\"1.1.0\" />\r\n\t</ItemGroup>\r\n", StringComparison.Ordinal),
            File.ReadAllText(project));
        Assert.True(File.Exists(repo.SkillFile("pdf")));
        // Only the project file is edited: the imports beside it stay as they were.
        Assert.Equal("<Project />\n", File.ReadAllText(repo.File("Directory.Build.props")));
        var entry = Assert.Single(ReadLock(repo).Skills);
        Assert.Equal(newest, entry.RegistrySource.Digest);
        Assert.Equal(["app/app.csproj"], entry.Projects);

        var removed = await tool.RunAsync("remove", "pdf");

        Assert.True(removed.Succeeded, removed.ToString());
        Assert.Equal(original, File.ReadAllText(project));
        Assert.False(Directory.Exists(repo.File(".agents/skills/pdf")));
        Assert.False(File.Exists(repo.ClaudeLink("pdf")) || Directory.Exists(repo.ClaudeLink("pdf")));
        Assert.Empty(ReadLock(repo).Skills);
    }

    [Fact]
    public async Task Add_updates_an_existing_reference_and_a_failed_restore_leaves_the_project_as_it_was()
    {
        using var publisher = new RegistrySkillPublisher(fixture.Registry, "tool-add-update");
        await publisher.PublishAsync("lint", "1.0.0");
        await publisher.PublishAsync("lint", "2.0.0");
        using var repo = await ConsumerWorkspace.CreateAsync();
        var project = repo.WriteProject("app/app.csproj", (publisher.Repo("lint"), "1.0.0"));
        var before = File.ReadAllText(project);
        var tool = await ToolAsync(repo, "app");

        var missing = await tool.RunAsync("add", publisher.Repo("lint") + ":9.9.9");
        var unchanged = File.ReadAllText(project);
        var updated = await tool.RunAsync("add", publisher.Repo("lint"), "--version", "2.0.0");

        Assert.Equal(1, missing.ExitCode);
        Assert.Contains(ErrorCodes.NoMatchingSkillVersion, missing.ErrorCodes());
        Assert.Equal(before, unchanged);
        Assert.True(updated.Succeeded, updated.ToString());
        Assert.Equal(before.Replace("Version=\"1.0.0\"", "Version=\"2.0.0\"", StringComparison.Ordinal), File.ReadAllText(project));
        Assert.Equal("2.0.0", Assert.Single(ReadLock(repo).Skills).RegistrySource.Tag);
    }

    [Fact]
    public async Task Several_projects_are_a_usage_error_naming_them_and_an_unknown_name_changes_nothing()
    {
        using var repo = await ConsumerWorkspace.CreateAsync();
        repo.WriteProject("two/a.csproj");
        repo.WriteProject("two/b.csproj");
        var single = repo.WriteProject("one/one.csproj");
        var tool = await ToolAsync(repo, "two");

        var several = await tool.RunAsync("add", $"{fixture.Registry.HostPort}/x/y:1.0.0");
        var unknown = await tool.RunAsync("remove", "nope", "--project", "../one");

        Assert.Equal(2, several.ExitCode);
        Assert.Equal([ErrorCodes.NoSingleProjectToEdit], several.ErrorCodes());
        Assert.Contains("a.csproj, b.csproj", several.StandardError, StringComparison.Ordinal);
        Assert.Equal(1, unknown.ExitCode);
        Assert.Equal([ErrorCodes.SkillNotDeclared], unknown.ErrorCodes());
        Assert.Contains("one.csproj", unknown.StandardError, StringComparison.Ordinal);
        Assert.False(File.Exists(repo.LockPath));
        Assert.Equal(single, repo.File("one/one.csproj"));
    }

    [Fact]
    public async Task Without_a_project_add_writes_skills_json_and_the_lock_and_remove_prunes_them()
    {
        using var publisher = new RegistrySkillPublisher(fixture.Registry, "tool-add-manifest");
        var pdf = await publisher.PublishAsync("pdf", "1.0.0");
        await publisher.PublishAsync("review", "2.1.0");
        using var repo = await ConsumerWorkspace.CreateAsync();
        // Another tool's entry, with a field Skills.Oci does not use: kept as it is.
        repo.Workspace.Write("skills.json", $$"""
            {
              "skills": [
                {
                  "name": "review",
                  "source": "{{publisher.Repo("review")}}",
                  "version": "2.1.0",
                  "additionalBasePaths": [".codex/skills"]
                }
              ]
            }
            """);
        var tool = await ToolAsync(repo);

        var added = await tool.RunAsync("add", publisher.Repo("pdf") + ":1.0.0");

        Assert.True(added.Succeeded, added.ToString());
        Assert.Equal($$"""
            {
              "skills": [
                {
                  "name": "review",
                  "source": "{{publisher.Repo("review")}}",
                  "version": "2.1.0",
                  "additionalBasePaths": [
                    ".codex/skills"
                  ]
                },
                {
                  "name": "pdf",
                  "source": "{{publisher.Repo("pdf")}}",
                  "version": "1.0.0"
                }
              ]
            }

            """.ReplaceLineEndings("\n"), File.ReadAllText(repo.File("skills.json")));
        var locked = ReadLock(repo);
        Assert.Equal(["pdf", "review"], locked.Skills.Select(s => s.Name));
        Assert.All(locked.Skills, s => Assert.Equal(["skills.json"], s.Projects));
        Assert.Equal(pdf, locked.Find("pdf")!.RegistrySource.Digest);
        Assert.Equal("1.0.0", locked.Find("pdf")!.Requests.Single().Tag);
        Assert.True(File.Exists(repo.SkillFile("pdf")));
        Assert.True(File.Exists(Path.Combine(repo.ClaudeLink("review"), "SKILL.md")));

        var afterAdd = File.ReadAllText(repo.File("skills.json"));
        var lockAfterAdd = repo.ReadLock();
        var unknown = await tool.RunAsync("remove", "nope");

        Assert.Equal(1, unknown.ExitCode);
        Assert.Equal([ErrorCodes.SkillNotDeclared], unknown.ErrorCodes());
        Assert.Equal(afterAdd, File.ReadAllText(repo.File("skills.json")));
        Assert.Equal(lockAfterAdd, repo.ReadLock());

        var removed = await tool.RunAsync("remove", "pdf");

        Assert.True(removed.Succeeded, removed.ToString());
        Assert.DoesNotContain("\"pdf\"", File.ReadAllText(repo.File("skills.json")), StringComparison.Ordinal);
        Assert.Equal(["review"], ReadLock(repo).Skills.Select(s => s.Name));
        Assert.False(Directory.Exists(repo.File(".agents/skills/pdf")));
        Assert.True(File.Exists(repo.SkillFile("review")));
    }

    [Fact]
    public async Task Installing_a_skills_json_goes_through_the_engine_and_a_name_that_is_not_the_artifacts_is_an_error()
    {
        using var publisher = new RegistrySkillPublisher(fixture.Registry, "tool-manifest-restore");
        await publisher.PublishAsync("pdf", "1.0.0");
        using var repo = await ConsumerWorkspace.CreateAsync();
        var manifest = repo.Workspace.Write("skills.json", $$"""{"skills":[{"name":"pdf","source":"{{publisher.Repo("pdf")}}","version":"1.0.0"}]}""");
        var options = new SkillRestoreOptions { CachePath = repo.CachePath };

        var first = await SkillsManifestRestore.RestoreAsync(manifest, options, CancellationToken.None);
        var second = await SkillsManifestRestore.RestoreAsync(manifest, options, CancellationToken.None);
        File.WriteAllText(manifest, $$"""{"skills":[{"name":"other","source":"{{publisher.Repo("pdf")}}","version":"1.0.0"}]}""");
        var renamed = await SkillsManifestRestore.RestoreAsync(manifest, options, CancellationToken.None);

        Assert.True(first.Succeeded, string.Join("\n", first.Diagnostics));
        Assert.Equal(1, first.Downloaded);
        Assert.True(second.WasUpToDate);
        Assert.Equal([ErrorCodes.SkillsManifestNameMismatch], renamed.Diagnostics.Select(d => d.Code));
        Assert.Equal(manifest, renamed.Diagnostics[0].File);
    }
}
