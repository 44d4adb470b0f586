using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Skills.Oci.Build.FileSystem;

namespace Skills.Oci.Build.Restore;

/// <summary>
/// What <c>skills-oci sync</c> last put in place, in <c>.agents/.skills-oci/sync.json</c> (state, gitignored):
/// per skill the manifest digest and signer it verified, its links, and a fingerprint of the folder's file
/// metadata. It lets the next sync decide "nothing to do" as the no-op restore does, from existence tests
/// and this one small file, without hashing folders or asking a registry.
/// </summary>
public sealed record SyncRecord
{
    public const string FileName = "sync.json";

    /// <summary>Whether sync maintains the .gitignore block (decided once from the root's project records).</summary>
    public bool UpdateGitIgnore { get; init; } = true;

    public IReadOnlyDictionary<string, SyncedSkill> Skills { get; init; } = new Dictionary<string, SyncedSkill>(StringComparer.Ordinal);

    public static string PathIn(RootState state) => Path.Combine(state.Folder, FileName);

    /// <summary>The record, or null when absent or unreadable (it is only a cache of facts: sync then checks the folders).</summary>
    public static SyncRecord? Read(RootState state)
    {
        try
        {
            var path = PathIn(state);
            return File.Exists(path) ? JsonSerializer.Deserialize<SyncRecord>(File.ReadAllBytes(path), RootState.JsonOptions) : null;
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException || RestoreIo.IsIo(ex))
        {
            return null;
        }
    }

    public async Task WriteAsync(RootState state, CancellationToken cancellationToken)
    {
        var sorted = this with { Skills = new SortedDictionary<string, SyncedSkill>(Skills.ToDictionary(p => p.Key, p => p.Value), StringComparer.Ordinal) };
        var path = PathIn(state);
        try
        {
            await AtomicFile.WriteIfChangedAsync(path, JsonSerializer.SerializeToUtf8Bytes(sorted, RootState.JsonOptions), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (RestoreIo.IsIo(ex))
        {
            throw RestoreIo.Failure(path, "write", ex);
        }
    }

    public static void Delete(RootState state) => AtomicFile.TryDelete(PathIn(state));

    /// <summary>
    /// A fingerprint of a folder's file metadata (relative paths, sizes, write times), read without opening
    /// a file: an edit, an added or a removed file changes it. Null when the folder is missing.
    /// </summary>
    public static string? FolderFingerprint(string folder)
    {
        if (!Directory.Exists(folder))
        {
            return null;
        }

        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = false };
        var lines = new DirectoryInfo(folder).EnumerateFileSystemInfos("*", options)
            .Select(info => info is FileInfo file
                ? $"{Path.GetRelativePath(folder, file.FullName)}\t{file.Length}\t{file.LastWriteTimeUtc.Ticks}"
                : $"{Path.GetRelativePath(folder, info.FullName)}/")
            .Order(StringComparer.Ordinal);
        var text = string.Join('\n', lines);
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text))).ToLowerInvariant();
    }
}

/// <summary>One skill as sync installed or confirmed it.</summary>
/// <param name="Source">The locked <c>registry/repository@digest</c> in place.</param>
/// <param name="VerifiedBy">The signer verified for it (the lock's <c>verifiedBy</c>); null when the lock records none.</param>
/// <param name="Links">The agent paths sync made for it, root-relative.</param>
/// <param name="Files">The <see cref="SyncRecord.FolderFingerprint"/> of its folder after the install.</param>
public sealed record SyncedSkill(string Source, string? VerifiedBy, IReadOnlyList<string> Links, string Files);
