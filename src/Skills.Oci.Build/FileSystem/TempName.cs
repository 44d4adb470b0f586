using System.Text.RegularExpressions;

namespace Skills.Oci.Build.FileSystem;

/// <summary>
/// The one naming rule for what this project writes temporarily: <c>.&lt;name&gt;.&lt;32 hex&gt;.tmp</c>
/// beside the target (so the final move stays on one volume), or <c>.old</c> for something moved aside.
/// Because the rule is ours alone, leftovers of a killed process can be recognised and removed without
/// ever touching a user's file.
/// </summary>
public static partial class TempName
{
    /// <summary>A fresh unique id (32 lower-case hex characters).</summary>
    public static string NewId() => Guid.NewGuid().ToString("N");

    /// <summary>A temporary path for <paramref name="path"/> in the same folder.</summary>
    public static string Beside(string path, string suffix = "tmp")
    {
        var full = Path.GetFullPath(path);
        return Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{NewId()}.{suffix}");
    }

    /// <summary>True for a name this rule produced.</summary>
    public static bool IsTemporary(string path) => Pattern().IsMatch(Path.GetFileName(Path.TrimEndingDirectorySeparator(path)));

    /// <summary>The folders older restores staged skills in, inside <c>.agents/skills</c>.</summary>
    public static bool IsLegacyStagingFolder(string path) => IsTemporary(path);

    /// <summary>
    /// Removes temporary files of this rule in <paramref name="folder"/> that nobody has written to for
    /// <paramref name="idle"/>: a writer that is still alive keeps touching its file.
    /// </summary>
    public static void RemoveStaleFiles(string folder, TimeSpan idle)
    {
        try
        {
            if (!Directory.Exists(folder))
            {
                return;
            }

            var cutoff = DateTime.UtcNow - idle;
            foreach (var file in Directory.EnumerateFiles(folder, ".*.tmp"))
            {
                if (IsTemporary(file) && File.GetLastWriteTimeUtc(file) < cutoff)
                {
                    File.Delete(file);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Best effort: a file that cannot be removed now is tried again by the next restore.
        }
    }

    [GeneratedRegex(@"^\..+\.[0-9a-f]{32}\.(tmp|old)$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
