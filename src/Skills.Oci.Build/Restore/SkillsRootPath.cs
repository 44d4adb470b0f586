using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Format;

namespace Skills.Oci.Build.Restore;

/// <summary>
/// The one place where paths under the skills root are checked: root-relative '/' paths must stay
/// inside the root, and no component of a path we write through may be a link or a file (lstat, never
/// follow). Everything restore creates or deletes goes through here.
/// </summary>
public static class SkillsRootPath
{
    /// <summary>The primary install folder, relative to the skills root.</summary>
    public const string SkillsFolder = ".agents/skills";

    /// <summary>
    /// True for a relative path that does not leave its root: the archive path rule (no absolute form,
    /// no '..', nothing some OS cannot create), tolerating empty and '.' segments as extraction does.
    /// </summary>
    public static bool IsSafeRelative(string relative) =>
        !string.IsNullOrWhiteSpace(relative) && SkillArchivePath.FindProblem(relative, ArchivePathRules.Reading, out _) is null;

    /// <summary>Drops empty and '.' segments: <c>./.claude//skills/</c> → <c>.claude/skills</c>.</summary>
    public static string Normalize(string relative) =>
        string.Join('/', relative.Replace('\\', '/').Split('/').Where(s => s.Length > 0 && s != "."));

    /// <summary>The full path of a checked relative path.</summary>
    public static string Full(string root, string relative) =>
        Path.GetFullPath(Path.Combine([root, .. Normalize(relative).Split('/')]));

    /// <summary>True when the path itself (not its target) is a symbolic link or junction, dangling or not.</summary>
    public static bool IsLink(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget is not null;
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>True when anything (file, folder, link, even a dangling one) is at the path.</summary>
    public static bool Exists(string path) => File.Exists(path) || Directory.Exists(path) || IsLink(path);

    /// <summary>
    /// Checks each component of <paramref name="relative"/> below the root (lstat): a link or a file
    /// where a folder is needed is refused. Missing folders are created when asked. Returns the full path.
    /// </summary>
    public static string EnsureFolders(string root, string relative, bool create)
    {
        var current = Path.GetFullPath(root);
        foreach (var segment in Normalize(relative).Split('/'))
        {
            current = Path.Combine(current, segment);
            if (IsLink(current))
            {
                throw new SkillsOciException(ErrorCodes.SkillPathIsLink,
                    $"'{current}' is a link; Skills.Oci never writes through a link. Replace it with a real folder (or remove it) and restore again.");
            }

            if (File.Exists(current))
            {
                throw new SkillsOciException(ErrorCodes.SkillPathIsLink,
                    $"'{current}' is a file where Skills.Oci needs a folder. Move it away and restore again.");
            }

            if (create && !Directory.Exists(current))
            {
                Directory.CreateDirectory(current);
            }
        }

        return current;
    }
}
