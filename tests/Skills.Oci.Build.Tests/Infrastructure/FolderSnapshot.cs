using System.Security.Cryptography;

namespace Skills.Oci.Build.Tests.Infrastructure;

/// <summary>
/// Every path under a folder with its content hash and write time (or link target), for "nothing
/// changed" and "nothing rewritten" checks: two equal snapshots mean no entry was added, removed,
/// edited or even rewritten with the same bytes.
/// </summary>
public static class FolderSnapshot
{
    /// <summary>Keys are '/'-separated paths relative to <paramref name="root"/>, folders ending in '/'; entries named in <paramref name="skippedNames"/> are left out with everything below them.</summary>
    public static IReadOnlyDictionary<string, string> Take(string root, IReadOnlySet<string>? skippedNames = null)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        void Walk(string folder)
        {
            foreach (var path in Directory.EnumerateFileSystemEntries(folder))
            {
                if (skippedNames?.Contains(Path.GetFileName(path)) == true)
                {
                    continue;
                }

                var relative = Path.GetRelativePath(root, path).Replace('\\', '/');
                var info = new FileInfo(path);
                if (info.LinkTarget is { } target)
                {
                    result[relative] = "link:" + target;
                }
                else if (Directory.Exists(path))
                {
                    result[relative + "/"] = "dir";
                    Walk(path);
                }
                else
                {
                    result[relative] = Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path))) + "@" + info.LastWriteTimeUtc.Ticks;
                }
            }
        }

        Walk(root);
        return result;
    }
}
