using System.Text;
using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Restore;
using static Skills.Oci.Build.Tests.Restore.RestoreWorkspace;

namespace Skills.Oci.Build.Tests.Restore;

/// <summary>Restoring into an empty root, and what the lock, folders, links and .gitignore then hold.</summary>
public sealed class SkillRestoreEngineTests : IDisposable
{
    private readonly RestoreWorkspace _ws = new();

    public void Dispose() => _ws.Dispose();

    [Fact]
    public async Task First_restore_installs_links_ignores_and_locks()
    {
        var manifest = await _ws.Registry.PublishSkillAsync("pdf", "1.0.0");

        var result = await _ws.RestoreAsync(Ref("pdf"));

        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        Assert.Equal(1, result.Restored);
        Assert.Equal(1, result.Downloaded);
        Assert.True(File.Exists(Path.Combine(_ws.SkillFolder("pdf"), "SKILL.md")));
        Assert.Equal("../../.agents/skills/pdf", new FileInfo(_ws.ClaudeLink("pdf")).LinkTarget);
        Assert.True(File.Exists(Path.Combine(_ws.ClaudeLink("pdf"), "SKILL.md")));
        var gitignore = File.ReadAllText(Path.Combine(_ws.Root, ".gitignore"));
        Assert.Equal($"{GitIgnoreBlock.BeginMarker}\n.agents/.skills-oci/\n.agents/skills/pdf/\n.claude/skills/pdf\n{GitIgnoreBlock.EndMarker}\n", gitignore);

        // What was installed, recorded so drift is found later; no verifiedBy without a policy; the content scan found nothing.
        var tree = await SkillTree.FromFolderAsync(_ws.SkillFolder("pdf"), CancellationToken.None);
        var expected = $$"""
            {
              "lockfileVersion": 1,
              "generatedAt": "2026-04-02T08:11:09Z",
              "skills": [
                {
                  "name": "pdf",
                  "path": ".agents/skills/pdf",
                  "source": {
                    "registry": "localhost:5000",
                    "repository": "skills/pdf",
                    "tag": "1.0.0",
                    "digest": "{{manifest.Digest}}",
                    "ref": "localhost:5000/skills/pdf:1.0.0@{{manifest.Digest}}"
                  },
                  "installedAt": "2026-04-02T08:11:09Z",
                  "additionalPaths": [
                    ".claude/skills/pdf"
                  ],
                  "projects": [
                    "src/App/App.csproj"
                  ],
                  "requests": [
                    {
                      "project": "src/App/App.csproj",
                      "version": "1.0.0"
                    }
                  ],
                  "contentDigest": "{{tree.Digest}}",
                  "scan": {
                    "scanner": "{{Skills.Oci.Build.Security.SkillContentScanner.ScannerId}}"
                  }
                }
              ]
            }

            """;
        Assert.Equal(expected, Encoding.UTF8.GetString(File.ReadAllBytes(_ws.LockPath)));
    }

    [Fact]
    public async Task No_matching_version_lists_nearest_and_writes_nothing()
    {
        await _ws.Registry.PublishSkillAsync("pdf", "1.0.0");
        await _ws.Registry.PublishSkillAsync("pdf", "1.1.0");
        var before = _ws.Snapshot();

        var result = await _ws.RestoreAsync(Ref("pdf", "[9.9.9]"));

        var error = Assert.Single(result.Diagnostics);
        Assert.Equal(ErrorCodes.NoMatchingSkillVersion, error.Code);
        Assert.Contains("1.0.0, 1.1.0", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("App.csproj", error.File, StringComparison.Ordinal);
        Assert.Equal(before, _ws.Snapshot());
    }

    [Fact]
    public async Task Include_with_tag_and_digest_pulls_by_digest_and_records_the_tag()
    {
        var manifest = await _ws.Registry.PublishSkillAsync("pdf", "1.0.0");

        var result = await _ws.RestoreAsync(new SkillReferenceItem($"{SkillRegistry.Repo("pdf")}:1.0.0@{manifest.Digest}"));

        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        Assert.Equal(0, _ws.Source.TagLists);
        var entry = Assert.Single(LockFile.Parse(File.ReadAllBytes(_ws.LockPath), _ws.LockPath).Skills);
        Assert.Equal("skills/pdf", entry.RegistrySource.Repository);
        Assert.Equal("1.0.0", entry.RegistrySource.Tag);
        Assert.Equal($"localhost:5000/skills/pdf:1.0.0@{manifest.Digest}", entry.Source.Ref);
        Assert.Null(Assert.Single(entry.Requests).Version);
    }

    [Fact]
    public async Task Bare_digest_records_empty_tag_and_no_requested_version()
    {
        var manifest = await _ws.Registry.PublishSkillAsync("pdf", "1.0.0");

        var result = await _ws.RestoreAsync(new SkillReferenceItem($"{SkillRegistry.Repo("pdf")}@{manifest.Digest}"));

        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        var entry = Assert.Single(LockFile.Parse(File.ReadAllBytes(_ws.LockPath), _ws.LockPath).Skills);
        Assert.Equal(string.Empty, entry.RegistrySource.Tag);
        Assert.Equal($"localhost:5000/skills/pdf@{manifest.Digest}", entry.Source.Ref);
        Assert.Equal(manifest.Digest, Assert.Single(entry.Requests).Digest);
        Assert.DoesNotContain("requestedVersion", File.ReadAllText(_ws.LockPath), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Non_version_Version_is_an_exact_tag()
    {
        await _ws.Registry.PublishSkillAsync("pdf", "latest");

        var result = await _ws.RestoreAsync(Ref("pdf", "latest"));

        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        var entry = Assert.Single(LockFile.Parse(File.ReadAllBytes(_ws.LockPath), _ws.LockPath).Skills);
        Assert.Equal("latest", entry.RegistrySource.Tag);
        Assert.Equal("latest", Assert.Single(entry.Requests).Version);
    }

    [Fact]
    public async Task Agent_folder_outside_the_root_is_an_error_and_creates_nothing()
    {
        await _ws.Registry.PublishSkillAsync("pdf", "1.0.0");
        var before = _ws.Snapshot();

        var result = await _ws.RestoreAsync("src/App/App.csproj", _ws.Options() with { AgentDirectories = ["../../outside"] }, Ref("pdf"));

        Assert.Equal(ErrorCodes.AgentDirectoryOutsideRoot, Assert.Single(result.Diagnostics).Code);
        Assert.Equal(before, _ws.Snapshot());
        Assert.False(Directory.Exists(Path.GetFullPath(Path.Combine(_ws.Root, "../../outside"))));
    }

    [Fact]
    public async Task Deeper_agent_folders_get_a_correct_relative_link()
    {
        await _ws.Registry.PublishSkillAsync("pdf", "1.0.0");

        var result = await _ws.RestoreAsync("src/App/App.csproj", _ws.Options() with { AgentDirectories = [".claude/skills", "tools/agents/x/skills"] }, Ref("pdf"));

        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        var link = Path.Combine(_ws.Root, "tools", "agents", "x", "skills", "pdf");
        Assert.Equal("../../../../.agents/skills/pdf", new FileInfo(link).LinkTarget);
        Assert.True(File.Exists(Path.Combine(link, "SKILL.md")));
    }

    [Fact]
    public async Task Two_references_install_both_sorted_by_name()
    {
        await _ws.Registry.PublishSkillAsync("zeta", "1.0.0");
        await _ws.Registry.PublishSkillAsync("alpha", "1.0.0");

        var result = await _ws.RestoreAsync(Ref("zeta"), Ref("alpha"));

        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        var names = LockFile.Parse(File.ReadAllBytes(_ws.LockPath), _ws.LockPath).Skills.Select(s => s.Name);
        Assert.Equal(["alpha", "zeta"], names);
        Assert.True(Directory.Exists(_ws.SkillFolder("alpha")));
        Assert.True(Directory.Exists(_ws.SkillFolder("zeta")));
    }

    [Fact]
    public async Task The_cache_lists_each_installed_manifest_once_by_repository_and_digest_beside_its_config()
    {
        var manifests = new Dictionary<string, Descriptor>();
        foreach (var name in new[] { "gamma", "alpha", "beta" })
        {
            manifests[name] = await _ws.Registry.PublishSkillAsync(name, "1.0.0");
        }

        var result = await _ws.RestoreAsync(Ref("gamma"), Ref("alpha"), Ref("beta"));

        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        var cache = new SkillCache(_ws.CachePath);
        var listed = await cache.Layout.ReadIndexAsync(CancellationToken.None);
        Assert.Equal(
            manifests.Select(m => $"{SkillRegistry.Repo(m.Key)}@{m.Value.Digest}").Order(StringComparer.Ordinal),
            listed.Select(m => m.GetAnnotation(AnnotationKeys.RefName)!).Order(StringComparer.Ordinal));
        foreach (var manifest in listed)
        {
            Assert.True(cache.HasBlob(manifest with { Annotations = null }));
            var config = OciManifest.Parse(await File.ReadAllBytesAsync(cache.Layout.BlobPath(manifest.Digest))).Config!;
            Assert.True(cache.HasBlob(config));
        }
    }

    [Fact]
    public async Task Restore_again_makes_no_request_and_rewrites_nothing()
    {
        await _ws.Registry.PublishSkillAsync("pdf", "1.0.0");
        await _ws.RestoreAsync(Ref("pdf"));
        var before = _ws.Snapshot();
        var calls = _ws.Source.Calls;

        var result = await _ws.RestoreAsync("src/App/App.csproj", _ws.Options(Now.AddDays(1)), Ref("pdf"));

        Assert.True(result.Succeeded);
        Assert.True(result.WasUpToDate);
        Assert.Equal(calls, _ws.Source.Calls);
        Assert.Equal(before, _ws.Snapshot());
    }

    [Fact]
    public async Task Locked_digest_is_reinstalled_from_the_cache_after_a_tag_repush()
    {
        var d1 = await _ws.Registry.PublishSkillAsync("pdf", "1.0.0", ("a.md", "v1"));
        await _ws.RestoreAsync(Ref("pdf"));
        var lockBytes = File.ReadAllBytes(_ws.LockPath);
        await _ws.Registry.PublishSkillAsync("pdf", "1.0.0", ("a.md", "v2"));
        Directory.Delete(_ws.SkillFolder("pdf"), recursive: true);
        var calls = _ws.Source.Calls;

        var result = await _ws.RestoreAsync("src/App/App.csproj", _ws.Options(Now.AddDays(1)), Ref("pdf"));

        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        Assert.Equal(calls, _ws.Source.Calls);
        Assert.Equal(1, result.Cached);
        Assert.Equal("v1", File.ReadAllText(Path.Combine(_ws.SkillFolder("pdf"), "a.md")));
        Assert.Equal(lockBytes, File.ReadAllBytes(_ws.LockPath));
        Assert.Contains(d1.Digest.ToString(), Encoding.UTF8.GetString(lockBytes), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deleted_link_is_recreated_without_pulling()
    {
        await _ws.Registry.PublishSkillAsync("pdf", "1.0.0");
        await _ws.RestoreAsync(Ref("pdf"));
        File.Delete(_ws.ClaudeLink("pdf"));
        var calls = _ws.Source.Calls;

        var result = await _ws.RestoreAsync(Ref("pdf"));

        Assert.True(result.Succeeded);
        Assert.Equal(calls, _ws.Source.Calls);
        Assert.Equal(0, result.Installed);
        Assert.NotNull(new FileInfo(_ws.ClaudeLink("pdf")).LinkTarget);
    }

    [Fact]
    public async Task Two_references_resolving_to_one_name_is_an_error()
    {
        var layer = new SkillFixture("pdf").ToTarGz();
        await _ws.Registry.PublishAsync(SkillRegistry.Repo("pdf"), "1.0.0", layer, "pdf");
        await _ws.Registry.PublishAsync(SkillRegistry.Repo("pdf-copy"), "1.0.0", layer, "pdf");
        var before = _ws.Snapshot();

        var result = await _ws.RestoreAsync(Ref("pdf"), Ref("pdf-copy"));

        Assert.Equal(ErrorCodes.DuplicateSkillName, Assert.Single(result.Diagnostics).Code);
        Assert.Equal(before, _ws.Snapshot());
    }

    [Fact]
    public async Task Removing_a_reference_prunes_its_folder_link_and_entry_only()
    {
        await _ws.Registry.PublishSkillAsync("pdf", "1.0.0");
        await _ws.Registry.PublishSkillAsync("docx", "1.0.0");
        await _ws.RestoreAsync(Ref("pdf"), Ref("docx"));

        var result = await _ws.RestoreAsync(Ref("docx"));

        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        Assert.Equal(1, result.Removed);
        Assert.False(Directory.Exists(_ws.SkillFolder("pdf")));
        Assert.False(File.Exists(_ws.ClaudeLink("pdf")) || new FileInfo(_ws.ClaudeLink("pdf")).LinkTarget is not null);
        Assert.True(Directory.Exists(_ws.SkillFolder("docx")));
        Assert.Equal(["docx"], LockFile.Parse(File.ReadAllBytes(_ws.LockPath), _ws.LockPath).Skills.Select(s => s.Name));
        Assert.DoesNotContain("pdf", File.ReadAllText(Path.Combine(_ws.Root, ".gitignore")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_users_own_skill_folder_is_untouched_and_never_replaced()
    {
        var own = Path.Combine(_ws.SkillFolder("mine"), "SKILL.md");
        Directory.CreateDirectory(Path.GetDirectoryName(own)!);
        File.WriteAllText(own, "---\nname: mine\n---\n");
        await _ws.Registry.PublishSkillAsync("docx", "1.0.0");
        await _ws.RestoreAsync(Ref("docx"));
        Assert.True(File.Exists(own));

        await _ws.Registry.PublishSkillAsync("mine", "1.0.0");
        var before = _ws.Snapshot();
        var result = await _ws.RestoreAsync(Ref("docx"), Ref("mine"));

        Assert.Equal(ErrorCodes.SkillPathNotManaged, Assert.Single(result.Diagnostics).Code);
        Assert.Equal(before, _ws.Snapshot());
    }

    [Fact]
    public async Task Removing_every_reference_removes_everything_and_empties_the_lock()
    {
        File.WriteAllText(Path.Combine(_ws.Root, ".gitignore"), "bin/\n");
        await _ws.Registry.PublishSkillAsync("pdf", "1.0.0");
        await _ws.RestoreAsync(Ref("pdf"));

        var result = await _ws.RestoreAsync();

        Assert.True(result.Succeeded);
        Assert.False(Directory.Exists(_ws.SkillFolder("pdf")));
        Assert.Empty(LockFile.Parse(File.ReadAllBytes(_ws.LockPath), _ws.LockPath).Skills);
        Assert.Contains("\"skills\": []", File.ReadAllText(_ws.LockPath), StringComparison.Ordinal);
        Assert.Equal("bin/\n", File.ReadAllText(Path.Combine(_ws.Root, ".gitignore")));
    }

    [Fact]
    public async Task No_references_and_no_lock_does_nothing()
    {
        _ws.Project();
        var before = _ws.Snapshot();

        var result = await _ws.RestoreAsync();

        Assert.True(result.Succeeded);
        Assert.Equal(before, _ws.Snapshot());
        Assert.False(Directory.Exists(Path.Combine(_ws.Root, ".agents")));
    }

    [Fact]
    public async Task Malformed_lock_is_an_error_with_file_and_line()
    {
        await _ws.Registry.PublishSkillAsync("pdf", "1.0.0");
        _ws.Project();
        File.WriteAllText(_ws.LockPath, "{\n  \"lockfileVersion\": 1,\n  \"skills\": [\n<<<<<<< HEAD\n]}\n");
        var before = _ws.Snapshot();

        var result = await _ws.RestoreAsync(Ref("pdf"));

        var error = Assert.Single(result.Diagnostics);
        Assert.Equal(ErrorCodes.InvalidLockFile, error.Code);
        Assert.Equal(_ws.LockPath, error.File);
        Assert.Equal(4, error.Line);
        Assert.Equal(before, _ws.Snapshot());
    }

    [Fact]
    public async Task Links_listed_under_either_field_name_are_removed_on_prune()
    {
        await _ws.Registry.PublishSkillAsync("pdf", "1.0.0");
        await _ws.Registry.PublishSkillAsync("docx", "1.0.0");
        await _ws.RestoreAsync("src/App/App.csproj", _ws.Options() with { AgentDirectories = [".claude/skills", ".codex/skills"] }, Ref("pdf"), Ref("docx"));
        var text = File.ReadAllText(_ws.LockPath);
        // Rewrite one entry as the Go CLI would (additionalInstalledPaths), keep the other as arconia does.
        var goStyle = text.Replace("\"additionalPaths\": [\n        \".claude/skills/docx\",", "\"additionalInstalledPaths\": [\n        \".claude/skills/docx\",", StringComparison.Ordinal);
        Assert.NotEqual(text, goStyle);
        File.WriteAllText(_ws.LockPath, goStyle);

        var result = await _ws.RestoreAsync();

        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        foreach (var name in new[] { "pdf", "docx" })
        {
            Assert.False(SkillsRootPath.Exists(_ws.ClaudeLink(name)));
            Assert.False(SkillsRootPath.Exists(Path.Combine(_ws.Root, ".codex", "skills", name)));
        }
    }

    [Fact]
    public async Task Upgrade_leaves_no_stale_files()
    {
        await _ws.Registry.PublishSkillAsync("pdf", "1.0.0", ("a", "1"), ("b", "1"));
        await _ws.Registry.PublishSkillAsync("pdf", "2.0.0", ("a", "2"));
        await _ws.RestoreAsync(Ref("pdf", "[1.0.0]"));
        Assert.True(File.Exists(Path.Combine(_ws.SkillFolder("pdf"), "b")));

        var result = await _ws.RestoreAsync(Ref("pdf", "[2.0.0]"));

        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        Assert.Equal(["SKILL.md", "a"], Directory.GetFiles(_ws.SkillFolder("pdf")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal("2", File.ReadAllText(Path.Combine(_ws.SkillFolder("pdf"), "a")));
        Assert.Empty(Directory.GetDirectories(Path.Combine(_ws.Root, ".agents", "skills"), ".*"));
    }

    [Fact]
    public async Task Preexisting_symlink_at_the_destination_is_refused()
    {
        await _ws.Registry.PublishSkillAsync("pdf", "1.0.0");
        var outside = _ws.TempPath("outside");
        Directory.CreateDirectory(outside);
        Directory.CreateDirectory(Path.Combine(_ws.Root, ".agents", "skills"));
        Directory.CreateSymbolicLink(_ws.SkillFolder("pdf"), outside);
        var before = _ws.Snapshot();

        var result = await _ws.RestoreAsync(Ref("pdf"));

        Assert.Equal(ErrorCodes.SkillPathIsLink, Assert.Single(result.Diagnostics).Code);
        Assert.Empty(Directory.GetFileSystemEntries(outside));
        Assert.Equal(before, _ws.Snapshot());
    }

    [Fact]
    public async Task Linked_agents_folder_is_refused()
    {
        await _ws.Registry.PublishSkillAsync("pdf", "1.0.0");
        var outside = _ws.TempPath("outside-agents");
        Directory.CreateDirectory(outside);
        Directory.CreateSymbolicLink(Path.Combine(_ws.Root, ".agents"), outside);
        var before = _ws.Snapshot();

        var result = await _ws.RestoreAsync(Ref("pdf"));

        Assert.Equal(ErrorCodes.SkillPathIsLink, Assert.Single(result.Diagnostics).Code);
        Assert.Empty(Directory.GetFileSystemEntries(outside));
        Assert.Equal(before, _ws.Snapshot());
    }

    [Fact]
    public async Task A_users_own_agent_folder_entry_is_never_replaced()
    {
        await _ws.Registry.PublishSkillAsync("pdf", "1.0.0");
        Directory.CreateDirectory(_ws.ClaudeLink("pdf"));
        File.WriteAllText(Path.Combine(_ws.ClaudeLink("pdf"), "SKILL.md"), "mine");
        var before = _ws.Snapshot();

        var result = await _ws.RestoreAsync(Ref("pdf"));

        Assert.Equal(ErrorCodes.SkillPathNotManaged, Assert.Single(result.Diagnostics).Code);
        Assert.Equal(before, _ws.Snapshot());
    }

    [Fact]
    public async Task Users_gitignore_lines_are_kept_and_the_block_can_be_disabled()
    {
        var gitignore = Path.Combine(_ws.Root, ".gitignore");
        File.WriteAllText(gitignore, "bin/\nobj/\n");
        await _ws.Registry.PublishSkillAsync("pdf", "1.0.0");

        await _ws.RestoreAsync("src/App/App.csproj", _ws.Options() with { UpdateGitIgnore = false }, Ref("pdf"));
        Assert.Equal("bin/\nobj/\n", File.ReadAllText(gitignore));

        await _ws.RestoreAsync(Ref("pdf"));
        await _ws.RestoreAsync(Ref("pdf"));
        Assert.Equal($"bin/\nobj/\n\n{GitIgnoreBlock.BeginMarker}\n.agents/.skills-oci/\n.agents/skills/pdf/\n.claude/skills/pdf\n{GitIgnoreBlock.EndMarker}\n", File.ReadAllText(gitignore));
    }
}
