using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Restore;
using static Skills.Oci.Build.Tests.Restore.RestoreWorkspace;

namespace Skills.Oci.Build.Tests.Restore;

/// <summary>
/// One answer for the whole root: the resolved tag is a function of every project's current request,
/// whatever order the projects restore in, and UpdateSkills re-resolves against all of them.
/// </summary>
public sealed class RootWideResolutionTests : IDisposable
{
    private const string App = "src/App/App.csproj";
    private const string Lib = "src/Lib/Lib.csproj";
    private readonly RestoreWorkspace _ws = new();

    public void Dispose() => _ws.Dispose();

    private LockEntry Entry(string name = "pdf") => LockFile.Parse(File.ReadAllBytes(_ws.LockPath), _ws.LockPath).Find(name)!;

    private async Task PublishAsync(params string[] versions)
    {
        foreach (var version in versions)
        {
            await _ws.Registry.PublishSkillAsync("pdf", version);
        }
    }

    private static void Ok(SkillRestoreResult result) => Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));

    [Fact]
    public async Task A_project_that_changes_its_exact_version_replaces_its_own_request_only()
    {
        await PublishAsync("1.0.0", "1.1.0", "1.2.0");
        Ok(await _ws.RestoreAsync(App, null, Ref("pdf", "[1.1.0]")));
        Ok(await _ws.RestoreAsync(Lib, null, Ref("pdf", "1.0.0")));

        // Before: "no tag satisfies both", as if Lib still asked what App asked first.
        var result = await _ws.RestoreAsync(App, null, Ref("pdf", "[1.2.0]"));

        Ok(result);
        var entry = Entry();
        Assert.Equal("1.2.0", entry.RegistrySource.Tag);
        Assert.Equal([new LockRequest(App, "[1.2.0]"), new LockRequest(Lib, "1.0.0")], entry.Requests);
        Assert.Contains(result.Changes, c => c.StartsWith("updated pdf 1.1.0 -> 1.2.0 (sha256:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UpdateSkills_from_one_project_never_moves_a_skill_below_what_another_project_floats_to()
    {
        await PublishAsync("1.0.0", "1.3.0");
        Ok(await _ws.RestoreAsync(App, null, Ref("pdf", "1.*")));
        Ok(await _ws.RestoreAsync(Lib, null, Ref("pdf", "1.0.0")));
        Assert.Equal("1.3.0", Entry().RegistrySource.Tag);

        Ok(await _ws.RestoreAsync(Lib, _ws.Options() with { UpdateAll = true }, Ref("pdf", "1.0.0")));

        Assert.Equal("1.3.0", Entry().RegistrySource.Tag);
    }

    [Fact]
    public async Task UpdateSkills_reaches_the_newest_version_in_one_run()
    {
        await PublishAsync("1.0.0");
        Ok(await _ws.RestoreAsync(App, null, Ref("pdf", "1.*")));
        Ok(await _ws.RestoreAsync(Lib, null, Ref("pdf", "1.*")));
        await PublishAsync("1.4.0");

        Ok(await _ws.RestoreAsync(App, _ws.Options() with { UpdateAll = true }, Ref("pdf", "1.*")));

        Assert.Equal("1.4.0", Entry().RegistrySource.Tag);
        Assert.True((await _ws.RestoreAsync(Lib, null, Ref("pdf", "1.*"))).WasUpToDate);
    }

    [Fact]
    public async Task Any_order_of_projects_gives_the_same_lock_bytes()
    {
        await PublishAsync("1.0.0", "1.1.0", "1.2.0", "2.0.0");
        await _ws.Registry.PublishSkillAsync("docx", "1.0.0");
        var projects = new (string Project, SkillReferenceItem[] References)[]
        {
            (App, [Ref("pdf", "1.0.0"), Ref("docx")]),
            (Lib, [Ref("pdf", "[1.1.0,2.0.0)")]),
            ("src/Web/Web.csproj", [Ref("pdf", "1.*")]),
        };

        var locks = new List<string>();
        Directory.CreateDirectory(Path.Combine(_ws.Root, ".agents"));
        Directory.CreateDirectory(Path.Combine(_ws.Root, ".claude"));
        foreach (var order in new[] { new[] { 0, 1, 2 }, [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0] })
        {
            // A fresh clone each time (the cache stays warm: it does not change what is resolved).
            File.Delete(_ws.LockPath);
            File.Delete(Path.Combine(_ws.Root, ".gitignore"));
            Directory.Delete(Path.Combine(_ws.Root, ".agents"), recursive: true);
            Directory.Delete(Path.Combine(_ws.Root, ".claude"), recursive: true);
            foreach (var index in order)
            {
                Ok(await _ws.RestoreAsync(projects[index].Project, null, projects[index].References));
            }

            locks.Add(File.ReadAllText(_ws.LockPath));
        }

        Assert.Single(locks.Distinct());
        Assert.Equal("1.2.0", Entry().RegistrySource.Tag);
    }

    [Fact]
    public async Task Requests_of_a_project_whose_file_is_gone_are_dropped_and_the_rest_resolve_alone()
    {
        await PublishAsync("1.0.0", "1.2.0");
        Ok(await _ws.RestoreAsync(App, null, Ref("pdf", "[1.2.0]")));
        Ok(await _ws.RestoreAsync(Lib, null, Ref("pdf", "1.0.0")));
        File.Delete(Path.Combine(_ws.Root, App));

        Ok(await _ws.RestoreAsync(Lib, null, Ref("pdf", "1.0.0")));

        Assert.Equal("1.0.0", Entry().RegistrySource.Tag);
        Assert.Equal([new LockRequest(Lib, "1.0.0")], Entry().Requests);
    }

    [Fact]
    public async Task Incompatible_requests_name_every_project_and_what_it_asks()
    {
        await PublishAsync("1.0.0", "2.0.0");
        Ok(await _ws.RestoreAsync(App, null, Ref("pdf", "[1.0.0]")));
        _ws.Project(Lib);
        var before = _ws.Snapshot();

        var result = await _ws.RestoreAsync(Lib, null, Ref("pdf", "[2.0.0]"));

        var error = Assert.Single(result.Diagnostics);
        Assert.Equal(ErrorCodes.IncompatibleSkillRequests, error.Code);
        Assert.Contains($"'{App}' asks Version [1.0.0]; '{Lib}' asks Version [2.0.0]", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, _ws.Snapshot());
    }

    [Fact]
    public async Task A_SkillsToUpdate_entry_that_matches_nothing_is_a_coded_warning()
    {
        await PublishAsync("1.0.0");
        Ok(await _ws.RestoreAsync(App, null, Ref("pdf")));

        var result = await _ws.RestoreAsync(App, _ws.Options() with { SkillsToUpdate = ["pfd", "pdf"] }, Ref("pdf"));

        Ok(result);
        var warning = Assert.Single(result.Diagnostics);
        Assert.Equal(ErrorCodes.SkillsToUpdateMatchesNothing, warning.Code);
        Assert.Contains("'pfd'", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpdateSkills_warns_when_the_locked_tag_now_points_at_another_digest()
    {
        var first = await _ws.Registry.PublishSkillAsync("pdf", "1.0.0");
        Ok(await _ws.RestoreAsync(App, null, Ref("pdf", "[1.0.0]")));
        var second = await _ws.Registry.PublishSkillAsync("pdf", "1.0.0", ("notes.md", "pushed again"));

        Assert.True((await _ws.RestoreAsync(App, null, Ref("pdf", "[1.0.0]"))).WasUpToDate);
        var result = await _ws.RestoreAsync(App, _ws.Options() with { UpdateAll = true }, Ref("pdf", "[1.0.0]"));

        Ok(result);
        var warning = Assert.Single(result.Diagnostics);
        Assert.Equal(ErrorCodes.TagMoved, warning.Code);
        Assert.Contains(first.Digest.ToString(), warning.Message, StringComparison.Ordinal);
        Assert.Contains(second.Digest.ToString(), warning.Message, StringComparison.Ordinal);
        Assert.Equal(second.Digest, Entry().RegistrySource.Digest);
    }

    [Fact]
    public async Task An_exclusive_lower_bound_is_no_reason_for_the_not_exact_warning()
    {
        await PublishAsync("1.0.0", "1.1.0");

        var exclusive = await _ws.RestoreAsync(App, null, Ref("pdf", "(1.0.0,2.0)"));
        var inclusive = await _ws.RestoreAsync(Lib, null, Ref("pdf", "1.0.5"));

        Ok(exclusive);
        Assert.Empty(exclusive.Diagnostics);
        Assert.Equal(ErrorCodes.SkillVersionNotExactMatch, Assert.Single(inclusive.Diagnostics).Code);
    }

    [Fact]
    public async Task Projects_that_disagree_on_the_agent_folders_fail_with_a_coded_error_naming_both()
    {
        await PublishAsync("1.0.0");
        Ok(await _ws.RestoreAsync(App, _ws.Options() with { AgentDirectories = [".claude/skills", ".github/skills"] }, Ref("pdf")));
        _ws.Project(Lib);
        var before = _ws.Snapshot();

        var result = await _ws.RestoreAsync(Lib, null, Ref("pdf"));

        var error = Assert.Single(result.Diagnostics);
        Assert.Equal(ErrorCodes.RootSettingsDisagree, error.Code);
        Assert.Contains("SkillsAgentDirectories", error.Message, StringComparison.Ordinal);
        Assert.Contains(App, error.Message, StringComparison.Ordinal);
        Assert.Contains(Lib, error.Message, StringComparison.Ordinal);
        Assert.Contains("Directory.Build.props", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, _ws.Snapshot());
        Assert.True(Directory.Exists(Path.Combine(_ws.Root, ".github", "skills", "pdf")));
    }

    [Fact]
    public async Task A_setting_changed_in_a_shared_file_lands_project_by_project()
    {
        await PublishAsync("1.0.0");
        var props = Path.Combine(_ws.Root, "Directory.Build.props");
        File.WriteAllText(props, "<Project />");
        var narrow = _ws.Options() with { SettingInputs = [props] };
        Ok(await _ws.RestoreAsync(App, narrow, Ref("pdf")));
        Ok(await _ws.RestoreAsync(Lib, narrow, Ref("pdf")));

        // The user widens the agent folders in Directory.Build.props: App's record is older than that file now.
        File.WriteAllText(props, "<Project><PropertyGroup><SkillsAgentDirectories>.claude/skills;.github/skills</SkillsAgentDirectories></PropertyGroup></Project>");
        File.SetLastWriteTimeUtc(props, DateTime.UtcNow.AddSeconds(5));
        var wide = narrow with { AgentDirectories = [".claude/skills", ".github/skills"] };

        Ok(await _ws.RestoreAsync(Lib, wide, Ref("pdf")));
        Ok(await _ws.RestoreAsync(App, wide, Ref("pdf")));
        Assert.True(Directory.Exists(Path.Combine(_ws.Root, ".github", "skills", "pdf")));
        Assert.True((await _ws.RestoreAsync(Lib, wide, Ref("pdf"))).WasUpToDate);
    }
}
