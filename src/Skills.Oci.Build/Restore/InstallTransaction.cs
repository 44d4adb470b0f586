using System.Security.Cryptography;
using System.Text.Json;
using Skills.Oci.Build.FileSystem;

namespace Skills.Oci.Build.Restore;

/// <summary>
/// Commits one restore's changes to the skills root as a unit. Everything is staged first (extracted
/// under <c>.agents/.skills-oci/staging/&lt;id&gt;/</c>); then a journal is written, the skill folders
/// are swapped (old ones moved aside into the staging folder, never deleted before the end), and the
/// lock is written: that write is the commit point. Links and .gitignore are derived from the lock and
/// follow it. A failure before the commit point moves everything back; after a crash or kill the next
/// restore finds the journal and rolls back (lock unchanged) or forward (lock written), so the root
/// always holds either the old or the new state, and no staging folder is left behind.
/// </summary>
public sealed class InstallTransaction
{
    private readonly RootState _state;
    private readonly string _skillsFolder;
    private readonly List<JournalSkill> _skills = [];
    private readonly List<(string Name, string Staged)> _installs = [];
    private readonly List<(JournalSkill Skill, bool Moved)> _done = [];

    private InstallTransaction(RootState state, string id)
    {
        _state = state;
        Id = id;
        Folder = Path.Combine(state.StagingRoot, id);
        _skillsFolder = SkillsRootPath.Full(state.Root, SkillsRootPath.SkillsFolder);
    }

    public string Id { get; }

    /// <summary>This transaction's staging folder: extract skills here (same volume as the skills folder).</summary>
    public string Folder { get; }

    private string AsideFolder => Path.Combine(Folder, "old");

    public bool IsEmpty => _skills.Count == 0;

    /// <summary>Starts a transaction; call under the root's lock, after <see cref="RecoverAsync"/>.</summary>
    public static InstallTransaction Begin(RootState state)
    {
        var transaction = new InstallTransaction(state, TempName.NewId());
        try
        {
            Directory.CreateDirectory(transaction.Folder);
        }
        catch (Exception ex) when (RestoreIo.IsIo(ex))
        {
            throw RestoreIo.Failure(transaction.Folder, "create the staging folder", ex);
        }

        return transaction;
    }

    /// <summary>Plans <c>.agents/skills/&lt;name&gt;</c> to be replaced by <paramref name="stagedSkillFolder"/> (inside <see cref="Folder"/>).</summary>
    public void Install(string name, string stagedSkillFolder)
    {
        _skills.Add(new JournalSkill(name, "install", Directory.Exists(Path.Combine(_skillsFolder, name))));
        _installs.Add((name, stagedSkillFolder));
    }

    /// <summary>Plans <c>.agents/skills/&lt;name&gt;</c> to be taken away (pruned, or no longer trusted).</summary>
    public void Remove(string name)
    {
        var destination = Path.Combine(_skillsFolder, name);
        if (Directory.Exists(destination) && !SkillsRootPath.IsLink(destination))
        {
            _skills.Add(new JournalSkill(name, "remove", HadFolder: true));
        }
    }

    /// <summary>
    /// Swaps the folders and writes the lock (when <paramref name="newLock"/> differs from what is on disk).
    /// On failure everything is moved back and the lock is as it was.
    /// </summary>
    public async Task CommitAsync(string lockPath, byte[]? newLock, CancellationToken cancellationToken)
    {
        var before = HashOf(lockPath);
        var after = newLock is null ? before : Convert.ToHexString(SHA256.HashData(newLock));
        var journal = new Journal(Id, lockPath, before, after, _skills);
        var current = _state.JournalPath;
        try
        {
            await AtomicFile.WriteAllBytesAsync(_state.JournalPath, JsonSerializer.SerializeToUtf8Bytes(journal, RootState.JsonOptions), cancellationToken).ConfigureAwait(false);
            Directory.CreateDirectory(AsideFolder);
            foreach (var skill in _skills)
            {
                var destination = Path.Combine(_skillsFolder, skill.Name);
                current = destination;
                if (skill.HadFolder && Directory.Exists(destination))
                {
                    Directory.Move(destination, Path.Combine(AsideFolder, skill.Name));
                }

                _done.Add((skill, false));
                if (skill.Op == "install")
                {
                    Directory.CreateDirectory(_skillsFolder);
                    Directory.Move(_installs.First(i => i.Name == skill.Name).Staged, destination);
                    _done[^1] = (skill, true);
                }
            }

            if (newLock is not null && before != after)
            {
                current = lockPath;
                await AtomicFile.WriteAllBytesAsync(lockPath, newLock, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            Rollback();
            if (RestoreIo.IsIo(ex))
            {
                throw RestoreIo.Failure(current, "write", ex);
            }

            throw;
        }
    }

    /// <summary>After the links and .gitignore followed the lock: drops the old folders and the journal.</summary>
    public void Complete() => Finish(_state, Folder);

    /// <summary>Abandons a transaction that did not start committing: only its staging folder goes.</summary>
    public void Abort()
    {
        if (_done.Count > 0)
        {
            Rollback();
            return;
        }

        DirectoryTree.Delete(Folder);
    }

    private void Rollback()
    {
        for (var i = _done.Count - 1; i >= 0; i--)
        {
            Undo(_skillsFolder, AsideFolder, _done[i].Skill);
        }

        _done.Clear();
        Finish(_state, Folder);
    }

    /// <summary>
    /// Recovers what a killed restore left: a journal is rolled back (lock unchanged) or forward (lock
    /// written); staging folders with no journal, and the temporary folders older versions left in
    /// <c>.agents/skills</c>, are removed. Call under the root's lock.
    /// </summary>
    public static async Task RecoverAsync(RootState state, CancellationToken cancellationToken)
    {
        if (File.Exists(state.JournalPath))
        {
            Journal? journal = null;
            try
            {
                journal = JsonSerializer.Deserialize<Journal>(await File.ReadAllBytesAsync(state.JournalPath, cancellationToken).ConfigureAwait(false), RootState.JsonOptions);
            }
            catch (JsonException)
            {
                // A journal cut short by the crash was written before any folder moved: nothing to undo.
            }

            if (journal is not null && HashOf(journal.LockPath) != journal.LockAfter)
            {
                var skills = SkillsRootPath.Full(state.Root, SkillsRootPath.SkillsFolder);
                var aside = Path.Combine(state.StagingRoot, journal.Id, "old");
                foreach (var skill in journal.Skills.AsEnumerable().Reverse())
                {
                    Undo(skills, aside, skill);
                }
            }

            AtomicFile.TryDelete(state.JournalPath);
        }

        if (Directory.Exists(state.StagingRoot))
        {
            foreach (var stale in Directory.EnumerateDirectories(state.StagingRoot))
            {
                DirectoryTree.Delete(stale);
            }
        }

        var skillsFolder = SkillsRootPath.Full(state.Root, SkillsRootPath.SkillsFolder);
        if (Directory.Exists(skillsFolder) && !SkillsRootPath.IsLink(skillsFolder))
        {
            foreach (var leftover in Directory.EnumerateDirectories(skillsFolder).Where(TempName.IsLegacyStagingFolder))
            {
                DirectoryTree.Delete(leftover);
            }
        }
    }

    private static void Undo(string skillsFolder, string asideFolder, JournalSkill skill)
    {
        var destination = Path.Combine(skillsFolder, skill.Name);
        var aside = Path.Combine(asideFolder, skill.Name);
        if (skill.Op == "install" && (Directory.Exists(aside) || !skill.HadFolder) && Directory.Exists(destination) && !SkillsRootPath.IsLink(destination))
        {
            // What is there now is what this transaction moved in.
            DirectoryTree.Delete(destination);
        }

        if (Directory.Exists(aside) && !Directory.Exists(destination))
        {
            Directory.Move(aside, destination);
        }
    }

    private static void Finish(RootState state, string folder)
    {
        DirectoryTree.Delete(folder);
        AtomicFile.TryDelete(state.JournalPath);
    }

    private static string? HashOf(string path) =>
        File.Exists(path) ? Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path))) : null;

    private sealed record Journal(string Id, string LockPath, string? LockBefore, string? LockAfter, IReadOnlyList<JournalSkill> Skills);

    private sealed record JournalSkill(string Name, string Op, bool HadFolder);
}
