using Skills.Oci.Build.FileSystem;

namespace Skills.Oci.Build.Restore;

/// <summary>What <see cref="LockClean"/> removed, root-relative, in the order it removed them.</summary>
public sealed record LockCleanResult(IReadOnlyList<string> Removed, int Skills);

/// <summary>
/// <c>skills-oci clean</c>: removes what Skills.Oci materialized in a skills root: the skill folders and
/// agent links the lock (and sync's record) list as ours, and the root's state folder. A folder Skills.Oci
/// did not create, a link where a skill folder should be, and anything reached through a link stay. The
/// lock is kept, so the next sync or restore puts everything back.
/// </summary>
public static class LockClean
{
    public static async Task<LockCleanResult> CleanAsync(string skillsRoot, string? lockFilePath, TimeSpan lockTimeout, CancellationToken cancellationToken)
    {
        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(skillsRoot));
        var lockPath = Path.GetFullPath(lockFilePath ?? Path.Combine(root, LockFile.FileName));
        var state = new RootState(root);
        var removed = new List<string>();
        int skills;
        FileLock? rootLock = null;
        try
        {
            if (Directory.Exists(state.Folder))
            {
                // Under the root's lock, so a restore or sync running now is not cut in half.
                rootLock = await state.AcquireAsync(lockTimeout, lockPath, cancellationToken).ConfigureAwait(false);
                await InstallTransaction.RecoverAsync(state, cancellationToken).ConfigureAwait(false);
            }

            skills = Remove(root, await OursAsync(state, lockPath, cancellationToken).ConfigureAwait(false), removed);
        }
        catch (Exception ex) when (RestoreIo.IsIo(ex))
        {
            throw RestoreIo.Failure(root, "clean the skills root", ex);
        }
        finally
        {
            rootLock?.Dispose();
        }

        if (Directory.Exists(state.Folder))
        {
            state.Tidy(removeAll: true, removeParent: false);
            removed.Add(RootState.FolderName);
        }

        // An empty skills folder was ours too (restore creates it); a user's skill in it keeps it.
        var skillsFolder = SkillsRootPath.Full(root, SkillsRootPath.SkillsFolder);
        if (Directory.Exists(skillsFolder) && !SkillsRootPath.IsLink(skillsFolder) && !Directory.EnumerateFileSystemEntries(skillsFolder).Any())
        {
            Directory.Delete(skillsFolder);
        }

        return new LockCleanResult(removed, skills);
    }

    /// <summary>The lock's entries with the standard path, and what a previous sync installed that the lock no longer lists.</summary>
    private static async Task<IReadOnlyList<LockEntry>> OursAsync(RootState state, string lockPath, CancellationToken cancellationToken)
    {
        var lockFile = await LockFile.ReadAsync(lockPath, cancellationToken).ConfigureAwait(false) ?? LockFile.Empty;
        var ours = LockSync.Managed(lockFile).ToList();
        foreach (var (name, synced) in SyncRecord.Read(state)?.Skills ?? new Dictionary<string, SyncedSkill>())
        {
            if (ours.All(e => e.Name != name))
            {
                ours.Add(LockSync.PrunedEntry(name, synced));
            }
        }

        return ours;
    }

    private static int Remove(string root, IReadOnlyList<LockEntry> ours, List<string> removed)
    {
        var materializer = new SkillMaterializer(root, []);
        var count = 0;
        var skillsFolderIsReal = !SkillsRootPath.IsLink(SkillsRootPath.Full(root, ".agents")) && !SkillsRootPath.IsLink(SkillsRootPath.Full(root, SkillsRootPath.SkillsFolder));
        foreach (var entry in ours)
        {
            foreach (var link in entry.AdditionalPaths.Where(p => SkillsRootPath.Exists(materializer.FullPath(p))))
            {
                materializer.RemoveAgentPaths([link]);
                removed.Add(link);
            }

            var folder = materializer.FullPath(entry.Path);
            if (skillsFolderIsReal && Directory.Exists(folder) && !SkillsRootPath.IsLink(folder))
            {
                DirectoryTree.Delete(folder);
                removed.Add(entry.Path);
                count++;
            }
        }

        return count;
    }
}
