using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Restore;
using Skills.Oci.Tool.Commands;
using static Skills.Oci.Build.Tests.Restore.RestoreWorkspace;

namespace Skills.Oci.Build.Tests.Restore;

/// <summary>
/// <see cref="LockSync"/> in process against a layout-backed registry: what a lock alone brings back,
/// when nothing is read from the source, and how trust records of the lock become policies.
/// </summary>
public sealed class LockSyncTests : IDisposable
{
    private readonly RestoreWorkspace _ws = new();

    public void Dispose() => _ws.Dispose();

    private LockSyncRequest Request(string? cache = null) => new() { SkillsRoot = _ws.Root, CachePath = cache ?? _ws.CachePath, LockTimeout = TimeSpan.FromSeconds(30) };

    private Task<LockSyncResult> SyncAsync(ISkillSource? source = null, string? cache = null) =>
        new LockSync(() => source ?? _ws.Source).SyncAsync(Request(cache), CancellationToken.None);

    private void DeleteAgentFolders()
    {
        Directory.Delete(Path.Combine(_ws.Root, ".agents"), recursive: true);
        Directory.Delete(Path.Combine(_ws.Root, ".claude"), recursive: true);
    }

    [Fact]
    public async Task A_lock_alone_brings_the_skills_back_and_the_next_sync_reads_nothing_from_the_source()
    {
        await _ws.Registry.PublishSkillAsync("pdf", "1.0.0");
        await _ws.Registry.PublishSkillAsync("lint", "1.0.0");
        Assert.True((await _ws.RestoreAsync(Ref("pdf"), Ref("lint"))).Succeeded);
        var lockBytes = File.ReadAllBytes(_ws.LockPath);
        DeleteAgentFolders();
        Assert.Null(LockSync.UpToDateCount(Request()));

        var first = await SyncAsync(cache: _ws.TempPath("fresh-cache"));

        Assert.True(first.Succeeded, string.Join("\n", first.Diagnostics));
        Assert.Equal(2, first.Installed);
        Assert.Equal(2, first.Downloaded);
        Assert.True(first.Changed);
        Assert.True(File.Exists(Path.Combine(_ws.ClaudeLink("pdf"), "SKILL.md")));
        Assert.Equal(lockBytes, File.ReadAllBytes(_ws.LockPath));

        var calls = _ws.Source.Calls;
        var second = await SyncAsync(cache: _ws.TempPath("fresh-cache"));

        Assert.True(second.WasUpToDate);
        Assert.False(second.Changed);
        Assert.Equal(2, second.InPlace);
        Assert.Equal(calls, _ws.Source.Calls);
        Assert.Equal(2, LockSync.UpToDateCount(Request()));
    }

    [Fact]
    public async Task Skills_a_restore_installed_are_taken_as_in_place_by_their_content_digest()
    {
        await _ws.Registry.PublishSkillAsync("pdf", "1.0.0");
        Assert.True((await _ws.RestoreAsync(Ref("pdf"))).Succeeded);
        var calls = _ws.Source.Calls;

        var result = await SyncAsync();

        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        Assert.Equal(0, result.Installed);
        Assert.Equal(1, result.InPlace);
        Assert.False(result.Changed);
        Assert.Equal(calls, _ws.Source.Calls);
    }

    [Fact]
    public async Task An_older_lock_checked_out_again_brings_back_its_own_digest()
    {
        await _ws.Registry.PublishSkillAsync("pdf", "1.0.0", ("notes.md", "one\n"));
        await _ws.Registry.PublishSkillAsync("pdf", "1.1.0", ("notes.md", "two\n"));
        Assert.True((await _ws.RestoreAsync(Ref("pdf", "1.0.0"))).Succeeded);
        var older = File.ReadAllBytes(_ws.LockPath);
        Assert.True((await _ws.RestoreAsync(Ref("pdf", "1.1.0"))).Succeeded);
        Assert.True((await SyncAsync()).Succeeded);
        File.WriteAllBytes(_ws.LockPath, older);

        var result = await SyncAsync();

        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        Assert.Equal(1, result.Installed);
        Assert.Equal("one\n", File.ReadAllText(Path.Combine(_ws.SkillFolder("pdf"), "notes.md")));
    }

    [Fact]
    public async Task A_skill_sync_installed_that_the_lock_drops_is_removed_and_a_users_folder_stays()
    {
        await _ws.Registry.PublishSkillAsync("pdf", "1.0.0");
        await _ws.Registry.PublishSkillAsync("lint", "1.0.0");
        Assert.True((await _ws.RestoreAsync(Ref("pdf"), Ref("lint"))).Succeeded);
        var both = File.ReadAllBytes(_ws.LockPath);
        Assert.True((await _ws.RestoreAsync(Ref("pdf"))).Succeeded);
        var pdfOnly = File.ReadAllBytes(_ws.LockPath);
        File.WriteAllBytes(_ws.LockPath, both);
        Assert.True((await SyncAsync()).Succeeded);
        Directory.CreateDirectory(_ws.SkillFolder("mine"));
        File.WriteAllText(Path.Combine(_ws.SkillFolder("mine"), "SKILL.md"), "mine\n");
        File.WriteAllBytes(_ws.LockPath, pdfOnly);

        var result = await SyncAsync();

        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        Assert.Equal(1, result.Removed);
        Assert.False(Directory.Exists(_ws.SkillFolder("lint")));
        Assert.False(SkillsRootPath.Exists(_ws.ClaudeLink("lint")));
        Assert.True(File.Exists(Path.Combine(_ws.SkillFolder("mine"), "SKILL.md")));
        Assert.True(File.Exists(Path.Combine(_ws.SkillFolder("pdf"), "SKILL.md")));
    }

    [Fact]
    public async Task An_unreachable_source_is_a_warning_and_the_skills_in_place_stay()
    {
        await _ws.Registry.PublishSkillAsync("pdf", "1.0.0");
        await _ws.Registry.PublishSkillAsync("lint", "1.0.0");
        Assert.True((await _ws.RestoreAsync(Ref("pdf"), Ref("lint"))).Succeeded);
        Directory.Delete(_ws.SkillFolder("pdf"), recursive: true);

        var result = await SyncAsync(new UnreachableSource(), _ws.TempPath("empty-cache"));

        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        Assert.Equal([ErrorCodes.SyncRegistryUnreachable], result.Diagnostics.Select(d => d.Code));
        Assert.Equal(1, result.Missing);
        Assert.True(File.Exists(Path.Combine(_ws.SkillFolder("lint"), "SKILL.md")));
    }

    [Fact]
    public async Task No_lock_is_nothing_to_sync_but_a_named_lock_that_is_missing_is_an_error()
    {
        var none = await SyncAsync();
        var named = await new LockSync(() => _ws.Source).SyncAsync(Request() with { LockFilePath = Path.Combine(_ws.Root, "other.lock.json") }, CancellationToken.None);

        Assert.True(none.NoLock);
        Assert.True(none.Succeeded);
        Assert.False(Directory.Exists(Path.Combine(_ws.Root, ".agents")));
        Assert.Equal([ErrorCodes.SyncLockMissing], named.Diagnostics.Select(d => d.Code));
    }

    [Fact]
    public async Task The_locks_signers_become_exact_policies_and_an_unknown_form_is_an_invalid_lock()
    {
        var keyless = Entry("pdf", "keyless:https://token.actions.githubusercontent.com|https://github.com/acme/skills/.github/workflows/release.yml@refs/heads/main+provenance:https://github.com/acme/skills");
        var odd = Entry("lint", "gpg:1234");
        var missingKey = Entry("docs", "key:sha256:" + new string('0', 64));
        var errors = new List<Diagnostic>();

        var policies = await LockTrustPolicies.BuildAsync([keyless, odd, missingKey], new KeyFinder(_ws.Root), _ws.LockPath, errors, CancellationToken.None);

        Assert.Equal([ErrorCodes.InvalidLockFile, ErrorCodes.SyncKeyNotFound], errors.Select(e => e.Code));
        var policy = Assert.Single(policies.Policies);
        Assert.Same(policy, policies.Match("localhost:5000", "skills/pdf"));
        Assert.Null(policies.Match("localhost:5000", "skills/pdf-other"));
        Assert.Contains("https://github.com/acme/skills/.github/workflows/release.yml@refs/heads/main", policy.Requirement.ToString(), StringComparison.Ordinal);
        Assert.Contains("provenance", policy.Requirement.ToString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal("key:sha256:ab", LockTrustPolicies.SignerOf("key:sha256:ab+provenance:https://github.com/acme/skills"));
    }

    [Fact]
    public void The_hook_input_gives_its_cwd_only_when_it_is_an_existing_folder()
    {
        Assert.Equal(_ws.Root, HookInput.WorkingDirectoryOf($$"""{"cwd":{{System.Text.Json.JsonSerializer.Serialize(_ws.Root)}},"source":"startup"}"""));
        Assert.Null(HookInput.WorkingDirectoryOf("""{"cwd":"/no/such/folder/here"}"""));
        Assert.Null(HookInput.WorkingDirectoryOf("""{"cwd":"relative"}"""));
        Assert.Null(HookInput.WorkingDirectoryOf("not json"));
        Assert.Null(HookInput.WorkingDirectoryOf(string.Empty));
    }

    private static LockEntry Entry(string name, string verifiedBy) => new()
    {
        Name = name,
        Path = LockEntry.PrimaryPath(name),
        Source = new RegistryLockSource("localhost:5000", "skills/" + name, "1.0.0", Digest.ComputeSha256("x"u8)),
        InstalledAt = "2026-04-02T08:11:09Z",
        VerifiedBy = verifiedBy,
    };

    private sealed class UnreachableSource : ISkillSource
    {
        public Task<IReadOnlyList<string>> ListTagsAsync(ImageReference repository, CancellationToken cancellationToken) => throw Down();

        public Task<Descriptor> ResolveAsync(ImageReference reference, CancellationToken cancellationToken) => throw Down();

        public Task<Stream> FetchManifestAsync(ImageReference repository, Descriptor manifest, CancellationToken cancellationToken) => throw Down();

        public Task<Stream> FetchBlobAsync(ImageReference repository, Descriptor blob, CancellationToken cancellationToken) => throw Down();

        private static RegistryException Down() => new(RegistryErrorKind.Unreachable, "The registry localhost:5000 could not be reached: connection refused.");
    }
}
