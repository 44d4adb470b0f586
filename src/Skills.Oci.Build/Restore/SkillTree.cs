using System.Security.Cryptography;
using System.Text;
using Skills.Oci.Build.Oci;

namespace Skills.Oci.Build.Restore;

/// <summary>One file or folder of a materialized skill: its <c>/</c>-joined relative path, content hash and execute bit.</summary>
public sealed record SkillTreeEntry(string Path, bool IsDirectory, string? Sha256, bool Executable);

/// <summary>How a folder differs from the content it was installed from.</summary>
public enum SkillTreeChange
{
    Added,
    Removed,
    Modified,
    ModeChanged,
}

public sealed record SkillTreeDifference(string Path, SkillTreeChange Change)
{
    public override string ToString() => $"{Change.ToString().ToLowerInvariant()}: {Path}";
}

/// <summary>
/// The content of a materialized skill folder, as restore installed it. Its <see cref="Digest"/> (paths
/// and file contents, not times or owners, and not modes, which Windows cannot keep) is recorded in
/// the lock so drift is found without the original archive; comparing two trees names each changed file.
/// </summary>
public sealed class SkillTree
{
    private SkillTree(IReadOnlyList<SkillTreeEntry> entries)
    {
        Entries = entries;
        Digest = ComputeDigest(entries);
    }

    /// <summary>Entries in ordinal order of their paths.</summary>
    public IReadOnlyList<SkillTreeEntry> Entries { get; }

    /// <summary><c>sha256:</c> over the canonical listing of paths and content hashes.</summary>
    public Digest Digest { get; }

    /// <summary>Reads a folder; links are reported as files whose content is the link text, never followed.</summary>
    public static async Task<SkillTree> FromFolderAsync(string folder, CancellationToken cancellationToken)
    {
        var root = System.IO.Path.GetFullPath(folder);
        var entries = new List<SkillTreeEntry>();
        foreach (var info in new DirectoryInfo(root).EnumerateFileSystemInfos("*", new EnumerationOptions
                 {
                     RecurseSubdirectories = true,
                     AttributesToSkip = 0,
                     IgnoreInaccessible = false,
                     ReturnSpecialDirectories = false,
                 }))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var relative = System.IO.Path.GetRelativePath(root, info.FullName).Replace('\\', '/');
            if (info.LinkTarget is { } target)
            {
                // A link where restore wrote a file is drift; hashing its text keeps it visible without following it.
                entries.Add(new SkillTreeEntry(relative, false, Hash(Encoding.UTF8.GetBytes("link:" + target)), false));
            }
            else if (info is DirectoryInfo)
            {
                entries.Add(new SkillTreeEntry(relative, true, null, false));
            }
            else
            {
                await using var stream = new FileStream(info.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.Asynchronous | FileOptions.SequentialScan);
                var hash = await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false);
                var executable = !OperatingSystem.IsWindows() &&
                                 (File.GetUnixFileMode(info.FullName) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;
                entries.Add(new SkillTreeEntry(relative, false, Convert.ToHexString(hash).ToLowerInvariant(), executable));
            }
        }

        entries.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        return new SkillTree(entries);
    }

    /// <summary>What changed from <paramref name="expected"/> (as installed) to this tree (as on disk).</summary>
    public IReadOnlyList<SkillTreeDifference> CompareTo(SkillTree expected)
    {
        var actual = Entries.ToDictionary(e => e.Path, StringComparer.Ordinal);
        var differences = new List<SkillTreeDifference>();
        foreach (var entry in expected.Entries)
        {
            if (!actual.Remove(entry.Path, out var found))
            {
                differences.Add(new SkillTreeDifference(entry.Path, SkillTreeChange.Removed));
            }
            else if (found.IsDirectory != entry.IsDirectory || found.Sha256 != entry.Sha256)
            {
                differences.Add(new SkillTreeDifference(entry.Path, SkillTreeChange.Modified));
            }
            else if (found.Executable != entry.Executable && !OperatingSystem.IsWindows())
            {
                differences.Add(new SkillTreeDifference(entry.Path, SkillTreeChange.ModeChanged));
            }
        }

        differences.AddRange(actual.Keys.Select(path => new SkillTreeDifference(path, SkillTreeChange.Added)));
        differences.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        return differences;
    }

    private static Digest ComputeDigest(IReadOnlyList<SkillTreeEntry> entries)
    {
        var listing = new StringBuilder("skill-tree-v1\n");
        foreach (var entry in entries)
        {
            listing.Append(entry.IsDirectory ? "d " : "f " + entry.Sha256 + " ").Append(entry.Path).Append('\n');
        }

        return Digest.ComputeSha256(Encoding.UTF8.GetBytes(listing.ToString()));
    }

    private static string Hash(byte[] content) => Convert.ToHexString(SHA256.HashData(content)).ToLowerInvariant();
}
