using System.Text;
using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Restore;
using static Skills.Oci.Build.Tests.Restore.RestoreWorkspace;

namespace Skills.Oci.Build.Tests.Restore;

/// <summary>One transaction: a failure or a kill leaves the old state or the new one, and no staging behind.</summary>
public sealed class InstallTransactionTests : IDisposable
{
    private readonly RestoreWorkspace _ws = new();

    public void Dispose() => _ws.Dispose();

    [Fact]
    public async Task A_lock_that_cannot_be_written_is_a_coded_error_and_the_previous_folders_stay()
    {
        await _ws.Registry.PublishSkillAsync("pdf", "1.0.0", ("notes.md", "old\n"));
        Assert.True((await _ws.RestoreAsync(Ref("pdf", "[1.0.0]"))).Succeeded);
        var before = _ws.Snapshot();
        var blocker = _ws.TempPath("not-a-folder");
        File.WriteAllText(blocker, "a file where the lock's folder should be");
        var state = new RootState(_ws.Root);
        var transaction = InstallTransaction.Begin(state);
        var staged = Path.Combine(transaction.Folder, "new", "pdf");
        Directory.CreateDirectory(staged);
        File.WriteAllText(Path.Combine(staged, "SKILL.md"), "new");
        transaction.Install("pdf", staged);

        // Before: the new folder stayed with the old lock, reported as SKOCI0001 "please report".
        var error = await Assert.ThrowsAsync<SkillsOciException>(() => transaction.CommitAsync(Path.Combine(blocker, "skills.lock.json"), "{}"u8.ToArray(), CancellationToken.None));

        Assert.Equal(ErrorCodes.RestoreIoFailure, error.Code);
        Assert.Contains(blocker, error.Message, StringComparison.Ordinal);
        state.Tidy(removeAll: false, removeParent: false);
        Assert.Equal(before, _ws.Snapshot());
    }

    [Fact]
    public async Task A_commit_killed_before_the_lock_was_written_is_rolled_back_by_the_next_restore()
    {
        await _ws.Registry.PublishSkillAsync("pdf", "1.0.0", ("notes.md", "old\n"));
        Assert.True((await _ws.RestoreAsync(Ref("pdf", "[1.0.0]"))).Succeeded);
        var lockBytes = File.ReadAllBytes(_ws.LockPath);

        // What a kill in the middle of the swap leaves: the old folder aside in staging, a new one in place, the journal.
        var state = new RootState(_ws.Root);
        var id = new string('a', 32);
        var aside = Path.Combine(state.StagingRoot, id, "old");
        Directory.CreateDirectory(aside);
        Directory.Move(_ws.SkillFolder("pdf"), Path.Combine(aside, "pdf"));
        Directory.CreateDirectory(_ws.SkillFolder("pdf"));
        File.WriteAllText(Path.Combine(_ws.SkillFolder("pdf"), "SKILL.md"), "half-installed");
        File.WriteAllText(state.JournalPath, $$"""
            {"id":"{{id}}","lockPath":{{System.Text.Json.JsonSerializer.Serialize(_ws.LockPath)}},"lockBefore":"{{Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(lockBytes))}}","lockAfter":"0000","skills":[{"name":"pdf","op":"install","hadFolder":true}]}
            """, new UTF8Encoding(false));
        var legacy = Path.Combine(_ws.Root, ".agents", "skills", $".pdf.{new string('b', 32)}.tmp");
        Directory.CreateDirectory(legacy);

        await InstallTransaction.RecoverAsync(state, CancellationToken.None);

        Assert.Equal("old\n", File.ReadAllText(Path.Combine(_ws.SkillFolder("pdf"), "notes.md")));
        Assert.False(File.Exists(state.JournalPath));
        Assert.False(Directory.Exists(Path.Combine(state.StagingRoot, id)));
        Assert.False(Directory.Exists(legacy));
        Assert.Equal(lockBytes, File.ReadAllBytes(_ws.LockPath));
    }

    [Fact]
    public async Task A_commit_killed_after_the_lock_was_written_is_rolled_forward()
    {
        await _ws.Registry.PublishSkillAsync("pdf", "1.0.0");
        Assert.True((await _ws.RestoreAsync(Ref("pdf", "[1.0.0]"))).Succeeded);
        var lockBytes = File.ReadAllBytes(_ws.LockPath);
        var state = new RootState(_ws.Root);
        var id = new string('c', 32);
        var aside = Path.Combine(state.StagingRoot, id, "old", "pdf");
        Directory.CreateDirectory(aside);
        File.WriteAllText(Path.Combine(aside, "SKILL.md"), "the previous version");
        File.WriteAllText(state.JournalPath, $$"""
            {"id":"{{id}}","lockPath":{{System.Text.Json.JsonSerializer.Serialize(_ws.LockPath)}},"lockBefore":null,"lockAfter":"{{Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(lockBytes))}}","skills":[{"name":"pdf","op":"install","hadFolder":true}]}
            """, new UTF8Encoding(false));
        var installed = File.ReadAllText(Path.Combine(_ws.SkillFolder("pdf"), "SKILL.md"));

        // The next restore recovers first (the journal makes it not up to date), then finds everything in place.
        var result = await _ws.RestoreAsync(Ref("pdf", "[1.0.0]"));

        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        Assert.Equal(installed, File.ReadAllText(Path.Combine(_ws.SkillFolder("pdf"), "SKILL.md")));
        Assert.False(Directory.Exists(state.StagingRoot) && Directory.EnumerateFileSystemEntries(state.StagingRoot).Any());
        Assert.False(File.Exists(state.JournalPath));
        Assert.True((await _ws.RestoreAsync(Ref("pdf", "[1.0.0]"))).WasUpToDate);
    }

    [Fact]
    public async Task A_deleted_skill_folder_is_noticed_and_reinstalled_from_the_cache_without_the_source()
    {
        await _ws.Registry.PublishSkillAsync("pdf", "1.0.0");
        Assert.True((await _ws.RestoreAsync(Ref("pdf"))).Succeeded);
        Directory.Delete(_ws.SkillFolder("pdf"), recursive: true);
        var calls = _ws.Source.Calls;

        var result = await _ws.RestoreAsync(Ref("pdf"));

        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        Assert.Equal((0, 1, 0), (result.Downloaded, result.Cached, result.Reused));
        Assert.Equal(calls, _ws.Source.Calls);
        Assert.Empty(result.Changes);
        // Detailed logs say where the time went, phase by phase.
        Assert.Contains(result.Messages, m => m.StartsWith("Phases: lock and recovery ", StringComparison.Ordinal) && m.Contains("fetch, trust and extraction", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_locked_digest_gone_from_the_source_fails_naming_it_after_every_other_skill_is_installed()
    {
        await _ws.Registry.PublishSkillAsync("pdf", "1.0.0");
        await _ws.Registry.PublishSkillAsync("docx", "1.0.0");
        Assert.True((await _ws.RestoreAsync(Ref("pdf"), Ref("docx"))).Succeeded);
        var gone = "sha256:" + new string('e', 64);
        var text = File.ReadAllText(_ws.LockPath);
        var pdf = LockFile.Parse(File.ReadAllBytes(_ws.LockPath), _ws.LockPath).Find("pdf")!;
        File.WriteAllText(_ws.LockPath, text.Replace(pdf.RegistrySource.Digest.ToString(), gone, StringComparison.Ordinal));

        // A fresh clone: no folders, an empty cache.
        Directory.Delete(Path.Combine(_ws.Root, ".agents"), recursive: true);
        Directory.Delete(_ws.CachePath, recursive: true);
        var result = await _ws.RestoreAsync(Ref("pdf"), Ref("docx"));

        var error = Assert.Single(result.Diagnostics);
        Assert.Equal(ErrorCodes.LockedDigestGone, error.Code);
        Assert.Contains("'pdf'", error.Message, StringComparison.Ordinal);
        Assert.Contains("UpdateSkills", error.Message, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(_ws.SkillFolder("docx"), "SKILL.md")));
        Assert.False(Directory.Exists(_ws.SkillFolder("pdf")));
        Assert.Contains(gone, File.ReadAllText(_ws.LockPath), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cache_temporary_files_a_killed_restore_left_are_removed_and_a_live_writers_are_kept()
    {
        await _ws.Registry.PublishSkillAsync("pdf", "1.0.0");
        Assert.True((await _ws.RestoreAsync(Ref("pdf"))).Succeeded);
        var blobs = Path.Combine(_ws.CachePath, "blobs", "sha256");
        var stale = Path.Combine(blobs, $".{new string('1', 64)}.{new string('a', 32)}.tmp");
        var live = Path.Combine(blobs, $".{new string('2', 64)}.{new string('b', 32)}.tmp");
        var users = Path.Combine(blobs, "notes.tmp");
        foreach (var file in new[] { stale, live, users })
        {
            File.WriteAllText(file, "partial");
        }

        File.SetLastWriteTimeUtc(stale, DateTime.UtcNow.AddHours(-1));
        File.SetLastWriteTimeUtc(users, DateTime.UtcNow.AddHours(-1));
        Directory.Delete(_ws.SkillFolder("pdf"), recursive: true);

        Assert.True((await _ws.RestoreAsync(Ref("pdf"))).Succeeded);

        Assert.False(File.Exists(stale));
        Assert.True(File.Exists(live));
        Assert.True(File.Exists(users));
    }
}
