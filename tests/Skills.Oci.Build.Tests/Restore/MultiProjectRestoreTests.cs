using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Restore;
using static Skills.Oci.Build.Tests.Restore.RestoreWorkspace;

namespace Skills.Oci.Build.Tests.Restore;

/// <summary>Several projects sharing one skills root; locked mode, updates, offline restores, parallel restores.</summary>
public sealed class MultiProjectRestoreTests : IDisposable
{
    private const string A = "src/A/A.csproj";
    private const string B = "src/B/B.csproj";
    private readonly RestoreWorkspace _ws = new();

    public void Dispose() => _ws.Dispose();

    private LockFile ReadLock() => LockFile.Parse(File.ReadAllBytes(_ws.LockPath), _ws.LockPath);

    [Fact]
    public async Task Prune_happens_only_when_the_last_project_drops_the_skill()
    {
        await _ws.Registry.PublishSkillAsync("pdf", "1.0.0");
        await _ws.RestoreAsync(A, null, Ref("pdf"));
        await _ws.RestoreAsync(B, null, Ref("pdf"));
        Assert.Equal([A, B], ReadLock().Skills[0].Projects);

        await _ws.RestoreAsync(A, null);
        Assert.True(Directory.Exists(_ws.SkillFolder("pdf")));
        Assert.Equal([B], ReadLock().Skills[0].Projects);

        var result = await _ws.RestoreAsync(B, null);
        Assert.Equal(1, result.Removed);
        Assert.False(Directory.Exists(_ws.SkillFolder("pdf")));
        Assert.Empty(ReadLock().Skills);
    }

    [Fact]
    public async Task A_project_whose_file_is_gone_no_longer_holds_a_skill()
    {
        await _ws.Registry.PublishSkillAsync("pdf", "1.0.0");
        await _ws.Registry.PublishSkillAsync("docx", "1.0.0");
        await _ws.RestoreAsync(A, null, Ref("pdf"));
        await _ws.RestoreAsync(B, null, Ref("docx"));
        File.Delete(Path.Combine(_ws.Root, A));

        await _ws.RestoreAsync(B, null, Ref("docx"));

        Assert.False(Directory.Exists(_ws.SkillFolder("pdf")));
        Assert.Equal(["docx"], ReadLock().Skills.Select(s => s.Name));
    }

    [Fact]
    public async Task A_compatible_request_from_another_project_resolves_once()
    {
        await _ws.Registry.PublishSkillAsync("pdf", "1.0.0");
        await _ws.Registry.PublishSkillAsync("pdf", "1.5.0");
        await _ws.RestoreAsync(A, null, Ref("pdf", "1.0.0"));

        var result = await _ws.RestoreAsync(B, null, Ref("pdf", "[1.0.0,2.0.0)"));

        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        var entry = Assert.Single(ReadLock().Skills);
        Assert.Equal("1.0.0", entry.RegistrySource.Tag);
        Assert.Equal([A, B], entry.Projects);
    }

    [Fact]
    public async Task Overlapping_requests_move_to_a_version_both_accept()
    {
        await _ws.Registry.PublishSkillAsync("pdf", "1.0.0");
        await _ws.Registry.PublishSkillAsync("pdf", "1.5.0");
        await _ws.RestoreAsync(A, null, Ref("pdf", "1.0.0"));

        var result = await _ws.RestoreAsync(B, null, Ref("pdf", "[1.5.0]"));

        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        Assert.Equal("1.5.0", ReadLock().Skills[0].RegistrySource.Tag);
        Assert.True((await _ws.RestoreAsync(A, null, Ref("pdf", "1.0.0"))).WasUpToDate);
    }

    [Fact]
    public async Task Incompatible_versions_across_projects_name_both_projects()
    {
        await _ws.Registry.PublishSkillAsync("pdf", "1.0.0");
        await _ws.Registry.PublishSkillAsync("pdf", "2.0.0");
        await _ws.RestoreAsync(A, null, Ref("pdf", "[1.0.0]"));
        _ws.Project(B);
        var before = _ws.Snapshot();

        var result = await _ws.RestoreAsync(B, null, Ref("pdf", "[2.0.0]"));

        var error = Assert.Single(result.Diagnostics);
        Assert.Equal(ErrorCodes.IncompatibleSkillRequests, error.Code);
        Assert.Contains(A, error.Message, StringComparison.Ordinal);
        Assert.Contains(B, error.Message, StringComparison.Ordinal);
        Assert.Equal(before, _ws.Snapshot());
    }

    [Fact]
    public async Task Different_sources_for_one_name_are_incompatible()
    {
        var layer = new SkillFixture("pdf").ToTarGz();
        await _ws.Registry.PublishAsync(SkillRegistry.Repo("pdf"), "1.0.0", layer, "pdf");
        await _ws.Registry.PublishAsync(SkillRegistry.Repo("fork"), "1.0.0", layer, "pdf");
        await _ws.RestoreAsync(A, null, Ref("pdf"));
        _ws.Project(B);
        var before = _ws.Snapshot();

        var result = await _ws.RestoreAsync(B, null, Ref("fork"));

        Assert.Equal(ErrorCodes.IncompatibleSkillRequests, Assert.Single(result.Diagnostics).Code);
        Assert.Equal(before, _ws.Snapshot());
    }

    [Fact]
    public async Task Locked_mode_names_each_entry_that_would_change()
    {
        await _ws.Registry.PublishSkillAsync("pdf", "1.0.0");
        await _ws.Registry.PublishSkillAsync("pdf", "1.1.0");
        await _ws.Registry.PublishSkillAsync("docx", "1.0.0");
        await _ws.RestoreAsync(A, null, Ref("pdf"));
        var before = _ws.Snapshot();
        var locked = _ws.Options() with { LockedMode = true };

        var result = await _ws.RestoreAsync(A, locked, Ref("pdf", "1.1.0"), Ref("docx"));

        var error = Assert.Single(result.Diagnostics);
        Assert.Equal(ErrorCodes.LockedModeChange, error.Code);
        Assert.Equal(_ws.LockPath, error.File);
        Assert.Contains("'pdf' is locked at 1.0.0 for Version 1.0.0 by 'src/A/A.csproj', and Version 1.1.0 by 'src/A/A.csproj' is asked now", error.Message, StringComparison.Ordinal);
        Assert.Contains("skills/docx", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, _ws.Snapshot());

        Assert.True((await _ws.RestoreAsync(A, locked, Ref("pdf"))).Succeeded);
    }

    [Fact]
    public async Task Floating_version_stays_locked_until_UpdateSkills()
    {
        await _ws.Registry.PublishSkillAsync("pdf", "1.0.0");
        await _ws.Registry.PublishSkillAsync("docx", "1.0.0");
        await _ws.RestoreAsync(A, null, Ref("pdf", "1.*"), Ref("docx", "1.*"));
        await _ws.Registry.PublishSkillAsync("pdf", "1.1.0");
        await _ws.Registry.PublishSkillAsync("docx", "1.1.0");

        await _ws.RestoreAsync(A, null, Ref("pdf", "1.*"), Ref("docx", "1.*"));
        Assert.All(ReadLock().Skills, s => Assert.Equal("1.0.0", s.RegistrySource.Tag));

        var result = await _ws.RestoreAsync(A, _ws.Options(Now.AddDays(1)) with { SkillsToUpdate = ["pdf"] }, Ref("pdf", "1.*"), Ref("docx", "1.*"));

        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        var skills = ReadLock().Skills;
        Assert.Equal("1.0.0", skills.Single(s => s.Name == "docx").RegistrySource.Tag);
        Assert.Equal("2026-04-02T08:11:09Z", skills.Single(s => s.Name == "docx").InstalledAt);
        var pdf = skills.Single(s => s.Name == "pdf");
        Assert.Equal("1.1.0", pdf.RegistrySource.Tag);
        Assert.Equal("2026-04-03T08:11:09Z", pdf.InstalledAt);

        await _ws.RestoreAsync(A, _ws.Options() with { UpdateAll = true }, Ref("pdf", "1.*"), Ref("docx", "1.*"));
        Assert.All(ReadLock().Skills, s => Assert.Equal("1.1.0", s.RegistrySource.Tag));
    }

    [Fact]
    public async Task Warm_cache_restores_a_second_root_with_no_source_at_all()
    {
        await _ws.Registry.PublishSkillAsync("pdf", "1.0.0");
        await _ws.RestoreAsync(A, null, Ref("pdf"));
        using var other = new TempFolder();
        Directory.CreateDirectory(other.Combine(".git"));
        File.Copy(_ws.LockPath, other.Combine("skills.lock.json"));
        var project = other.Combine("A.csproj");
        File.WriteAllText(project, "<Project />");
        var lockText = File.ReadAllText(_ws.LockPath).Replace(A, "A.csproj", StringComparison.Ordinal);
        File.WriteAllText(other.Combine("skills.lock.json"), lockText);

        var result = await new SkillRestoreEngine((ISkillSource?)null).RestoreAsync(
            new SkillRestoreRequest { SkillsRoot = other.Path, ProjectPath = project, References = [Ref("pdf")] },
            _ws.Options(), CancellationToken.None);

        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        Assert.Equal(1, result.Cached);
        Assert.True(File.Exists(other.Combine(".agents", "skills", "pdf", "SKILL.md")));
    }

    [Fact]
    public async Task Offline_restore_never_fails_and_writes_nothing_it_cannot_install()
    {
        await _ws.Registry.PublishSkillAsync("pdf", "1.0.0");
        await _ws.RestoreAsync(A, null, Ref("pdf"));
        var before = _ws.Snapshot();
        var offline = _ws.Options() with { Offline = true };
        var calls = _ws.Source.Calls;

        var result = await _ws.RestoreAsync(A, offline, Ref("pdf", "2.0.0"));

        Assert.True(result.Succeeded);
        Assert.Equal(ErrorCodes.SkillUnavailableOffline, Assert.Single(result.Diagnostics).Code);
        Assert.Equal(DiagnosticSeverity.Warning, result.Diagnostics[0].Severity);
        Assert.Equal(calls, _ws.Source.Calls);
        Assert.Equal(before, _ws.Snapshot());

        File.WriteAllText(_ws.LockPath, "{ broken");
        var broken = await _ws.RestoreAsync(A, offline, Ref("pdf"));
        Assert.True(broken.Succeeded);
        Assert.Equal(ErrorCodes.InvalidLockFile, Assert.Single(broken.Diagnostics).Code);
    }

    [Fact]
    public async Task Parallel_restores_sharing_a_root_leave_a_consistent_tree_and_lock()
    {
        var names = Enumerable.Range(0, 6).Select(i => $"skill-{i}").ToList();
        foreach (var name in names)
        {
            await _ws.Registry.PublishSkillAsync(name, "1.0.0");
        }

        var projects = Enumerable.Range(0, 6).Select(i => $"src/P{i}/P{i}.csproj").ToList();
        var results = await Task.WhenAll(projects.Select((project, i) =>
            Task.Run(() => _ws.RestoreAsync(project, null, Ref(names[i]), Ref(names[(i + 1) % names.Count])))));

        Assert.All(results, r => Assert.True(r.Succeeded, string.Join("\n", r.Diagnostics)));
        var skills = ReadLock().Skills;
        Assert.Equal(names, skills.Select(s => s.Name));
        Assert.All(skills, s => Assert.Equal(2, s.Projects.Count));
        Assert.All(names, n => Assert.True(File.Exists(Path.Combine(_ws.SkillFolder(n), "SKILL.md"))));
        Assert.Empty(Directory.GetDirectories(Path.Combine(_ws.Root, ".agents", "skills"), ".*"));
        Assert.All(projects.Select((p, i) => (p, i)), x => Assert.True(new RestoreUpToDateCheck(
            new SkillRestoreRequest { SkillsRoot = _ws.Root, ProjectPath = Path.Combine(_ws.Root, x.p), References = [Ref(names[x.i]), Ref(names[(x.i + 1) % names.Count])] },
            _ws.Options()).IsUpToDate()));
    }

    [Fact]
    public async Task NoOp_check_and_stamp_follow_the_lock_the_references_and_the_tree()
    {
        await _ws.Registry.PublishSkillAsync("pdf", "1.0.0");
        var request = new SkillRestoreRequest { SkillsRoot = _ws.Root, ProjectPath = Path.Combine(_ws.Root, A), References = [Ref("pdf")] };
        var options = _ws.Options();
        Assert.False(new RestoreUpToDateCheck(request, options).IsUpToDate());
        var stampBefore = new RestoreUpToDateCheck(request, options).ComputeStamp();

        await _ws.RestoreAsync(A, null, Ref("pdf"));

        Assert.True(new RestoreUpToDateCheck(request, options).IsUpToDate());
        var stamp = new RestoreUpToDateCheck(request, options).ComputeStamp();
        Assert.NotEqual(stampBefore, stamp);
        Assert.Equal(stamp, new RestoreUpToDateCheck(request, options).ComputeStamp());
        Assert.NotEqual(stamp, new RestoreUpToDateCheck(request with { References = [Ref("pdf", "2.0.0")] }, options).ComputeStamp());
        Assert.False(new RestoreUpToDateCheck(request with { References = [Ref("pdf", "2.0.0")] }, options).IsUpToDate());

        File.Delete(_ws.ClaudeLink("pdf"));
        Assert.False(new RestoreUpToDateCheck(request, options).IsUpToDate());
    }

    [Fact]
    public void Skills_root_is_the_nearest_folder_holding_git_else_the_project_folder()
    {
        var project = Path.Combine(_ws.Root, "src", "A");
        Directory.CreateDirectory(project);
        Assert.Equal(_ws.Root, SkillsRootLocator.Locate(project));

        File.WriteAllText(Path.Combine(project, ".git"), "gitdir: /elsewhere");
        Assert.Equal(project, SkillsRootLocator.Locate(project));
        Assert.Equal(Path.Combine(_ws.Root, "x"), SkillsRootLocator.Locate(project, "../../x"));

        using var outside = new TempFolder();
        Assert.Equal(outside.Path, SkillsRootLocator.Locate(outside.Path));
    }

    [Fact]
    public async Task An_archive_written_by_python_tarfile_with_pax_headers_is_restored()
    {
        var archive = _ws.TempPath("py.tar.gz");
        var script = $$"""
            import tarfile, io
            with tarfile.open(r"{{archive}}", "w:gz", format=tarfile.PAX_FORMAT) as t:
                def add(name, data, mode=0o644):
                    info = tarfile.TarInfo(name); info.size = len(data); info.mode = mode
                    info.pax_headers = {"comment": "made by python"}
                    t.addfile(info, io.BytesIO(data))
                add("pdf/SKILL.md", b"---\nname: pdf\ndescription: x\n---\n")
                add("pdf/scripts/run.sh", b"#!/bin/sh\n", 0o755)
                add("pdf/" + "d" * 120 + "/long-name.md", b"long")
                add("pdf/caf\u00e9.md", b"unicode")
            """;
        var python = await ProcessRunner.RunAsync("python3", ["-c", script]);
        Assert.True(python.Succeeded, python.ToString());
        await _ws.Registry.PublishAsync(SkillRegistry.Repo("pdf"), "1.0.0", File.ReadAllBytes(archive), "pdf");

        var result = await _ws.RestoreAsync(Ref("pdf"));

        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        var folder = _ws.SkillFolder("pdf");
        Assert.Equal("long", File.ReadAllText(Path.Combine(folder, new string('d', 120), "long-name.md")));
        Assert.True(File.Exists(Path.Combine(folder, "café.md")));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal((UnixFileMode)0b111_101_101, File.GetUnixFileMode(Path.Combine(folder, "scripts", "run.sh")));
            Assert.Equal((UnixFileMode)0b110_100_100, File.GetUnixFileMode(Path.Combine(folder, "SKILL.md")));
        }
    }
}
