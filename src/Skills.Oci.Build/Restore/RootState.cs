using System.Text.Json;
using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.FileSystem;

namespace Skills.Oci.Build.Restore;

/// <summary>
/// The skills root's own bookkeeping, in <c>.agents/.skills-oci/</c> beside the skills it serves (and
/// listed in the managed .gitignore block): the cross-process lock that serializes restores of this
/// root whatever cache each process uses, the staging area and journal of the install transaction,
/// and what each project last restored with (<see cref="ProjectRecord"/>).
/// </summary>
public sealed class RootState(string root)
{
    /// <summary>Root-relative folder of the state.</summary>
    public const string FolderName = ".agents/.skills-oci";

    public string Root { get; } = root;

    public string Folder => SkillsRootPath.Full(Root, FolderName);

    public string LockFilePath => Path.Combine(Folder, "restore.lock");

    public string StagingRoot => Path.Combine(Folder, "staging");

    public string JournalPath => Path.Combine(Folder, "transaction.json");

    public string ProjectsPath => Path.Combine(Folder, "projects.json");

    /// <summary>True when a transaction did not finish (a crash or kill): the next restore recovers it.</summary>
    public bool HasPendingTransaction => File.Exists(JournalPath);

    /// <summary>Takes the root's lock, waiting up to <paramref name="timeout"/> for another restore of the same root.</summary>
    public async Task<FileLock> AcquireAsync(TimeSpan timeout, string diagnosticFile, CancellationToken cancellationToken)
    {
        try
        {
            SkillsRootPath.EnsureFolders(Root, FolderName, create: true);
            return await FileLock.AcquireAsync(LockFilePath, timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException ex)
        {
            throw new SkillsOciException(ErrorCodes.SkillsRootBusy,
                $"Another restore of the skills root '{Root}' held its lock ('{LockFilePath}') for {timeout.TotalSeconds:0} s. Wait for it to finish, or delete the lock file if no restore is running.", diagnosticFile, innerException: ex);
        }
        catch (Exception ex) when (RestoreIo.IsIo(ex))
        {
            throw RestoreIo.Failure(Folder, "create the skills root's state folder", ex);
        }
    }

    /// <summary>
    /// After a restore, outside its lock: an empty staging folder goes; with <paramref name="removeAll"/>
    /// (a failed restore that created the state) the whole state folder goes, and with
    /// <paramref name="removeParent"/> <c>.agents</c> too when nothing else is in it.
    /// </summary>
    public void Tidy(bool removeAll, bool removeParent)
    {
        try
        {
            if (removeAll)
            {
                DirectoryTree.Delete(Folder);
            }
            else if (Directory.Exists(StagingRoot) && !Directory.EnumerateFileSystemEntries(StagingRoot).Any())
            {
                Directory.Delete(StagingRoot);
            }

            var parent = Path.GetDirectoryName(Folder)!;
            if (removeParent && Directory.Exists(parent) && !SkillsRootPath.IsLink(parent) && !Directory.EnumerateFileSystemEntries(parent).Any())
            {
                Directory.Delete(parent);
            }
        }
        catch (Exception ex) when (RestoreIo.IsIo(ex))
        {
            // Only tidiness: the next restore removes what is left.
        }
    }

    /// <summary>What each project last restored with; empty when absent or unreadable (it is only a cache of facts).</summary>
    public IReadOnlyDictionary<string, ProjectRecord> ReadProjects()
    {
        try
        {
            if (!File.Exists(ProjectsPath))
            {
                return new Dictionary<string, ProjectRecord>(StringComparer.Ordinal);
            }

            var records = JsonSerializer.Deserialize<Dictionary<string, ProjectRecord>>(File.ReadAllBytes(ProjectsPath), JsonOptions);
            return records is null ? new Dictionary<string, ProjectRecord>(StringComparer.Ordinal) : new Dictionary<string, ProjectRecord>(records, StringComparer.Ordinal);
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException || RestoreIo.IsIo(ex))
        {
            return new Dictionary<string, ProjectRecord>(StringComparer.Ordinal);
        }
    }

    /// <summary>Replaces (or, with null, drops) one project's record; also drops records of projects whose file is gone.</summary>
    public async Task WriteProjectAsync(string project, ProjectRecord? record, Func<string, bool> projectExists, CancellationToken cancellationToken)
    {
        var records = ReadProjects().Where(p => p.Key != project && projectExists(p.Key)).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        if (record is not null)
        {
            records[project] = record;
        }

        if (records.Count == 0 && !File.Exists(ProjectsPath))
        {
            return;
        }

        var sorted = new SortedDictionary<string, ProjectRecord>(records, StringComparer.Ordinal);
        try
        {
            await AtomicFile.WriteIfChangedAsync(ProjectsPath, JsonSerializer.SerializeToUtf8Bytes(sorted, JsonOptions), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (RestoreIo.IsIo(ex))
        {
            throw RestoreIo.Failure(ProjectsPath, "write", ex);
        }
    }

    internal static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
        // Generated metadata first (see RootStateJson), reflection for the rest (the journal).
        TypeInfoResolver = System.Text.Json.Serialization.Metadata.JsonTypeInfoResolver.Combine(
            RootStateJson.Default, new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver()),
    };
}

/// <summary>
/// What one project last restored with: the settings that shape the root (which must agree across the
/// root's projects), the files they came from (a record older than any of them may be stale), the
/// digest of its effective trust policy and the skill digests that policy verified.
/// </summary>
public sealed record ProjectRecord
{
    public required RootSettings Settings { get; init; }

    /// <summary>Files under the root that set this project's properties (the project, Directory.Build.props, ...).</summary>
    public IReadOnlyList<string> Inputs { get; init; } = [];

    /// <summary>When the record was written (UTC ticks): a later change to an input makes it stale.</summary>
    public long RecordedAt { get; init; }

    public string? Policy { get; init; }

    /// <summary>Skill name to the manifest digest this project's policy verified.</summary>
    public IReadOnlyDictionary<string, string> Verified { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>True when an input changed after the record was written: the project's settings may be different now.</summary>
    public bool IsStale(string root) =>
        Inputs.Any(input =>
        {
            var full = Path.IsPathRooted(input) ? input : SkillsRootPath.Full(root, input);
            return !File.Exists(full) || File.GetLastWriteTimeUtc(full).Ticks > RecordedAt;
        });
}

/// <summary>
/// The properties that shape the whole root: each project passes its own, and they must agree, or the
/// root would flip between them as different projects restore.
/// </summary>
public sealed record RootSettings
{
    public IReadOnlyList<string> AgentDirectories { get; init; } = [];

    public bool UpdateGitIgnore { get; init; }

    /// <summary>The lock file, root-relative with '/' (full path when outside the root).</summary>
    public string LockFile { get; init; } = Restore.LockFile.FileName;

    /// <summary>The cache a project sets itself (SkillsCachePath); null when it takes the process's default.</summary>
    public string? CachePath { get; init; }

    /// <summary>Each property that differs from <paramref name="other"/>: its MSBuild name and both values.</summary>
    public IEnumerable<(string Property, string Mine, string Theirs)> Differences(RootSettings other)
    {
        if (!AgentDirectories.SequenceEqual(other.AgentDirectories, StringComparer.Ordinal))
        {
            yield return ("SkillsAgentDirectories", Show(AgentDirectories), Show(other.AgentDirectories));
        }

        if (UpdateGitIgnore != other.UpdateGitIgnore)
        {
            yield return ("SkillsUpdateGitIgnore", UpdateGitIgnore ? "true" : "false", other.UpdateGitIgnore ? "true" : "false");
        }

        if (!string.Equals(LockFile, other.LockFile, StringComparison.Ordinal))
        {
            yield return ("SkillsLockFile", LockFile, other.LockFile);
        }

        if (!string.Equals(CachePath, other.CachePath, StringComparison.Ordinal))
        {
            yield return ("SkillsCachePath", CachePath ?? "(default)", other.CachePath ?? "(default)");
        }
    }

    private static string Show(IReadOnlyList<string> folders) => folders.Count == 0 ? "none" : string.Join(";", folders);
}
