namespace Skills.Oci.Build.Restore;

/// <summary>
/// Finds the skills root: where agents look for skills, and where the lock and <c>.gitignore</c> live.
/// </summary>
public static class SkillsRootLocator
{
    /// <summary>
    /// An explicit <c>SkillsRoot</c> wins; else the nearest folder at or above the project folder that
    /// holds <c>.git</c> (a folder, or a file as in worktrees and submodules); else the project folder.
    /// </summary>
    public static string Locate(string projectDirectory, string? explicitRoot = null)
    {
        if (!string.IsNullOrWhiteSpace(explicitRoot))
        {
            return Path.TrimEndingDirectorySeparator(Path.GetFullPath(explicitRoot, projectDirectory));
        }

        var start = Path.TrimEndingDirectorySeparator(Path.GetFullPath(projectDirectory));
        for (var folder = new DirectoryInfo(start); folder is not null; folder = folder.Parent)
        {
            var git = Path.Combine(folder.FullName, ".git");
            if (Directory.Exists(git) || File.Exists(git))
            {
                return Path.TrimEndingDirectorySeparator(folder.FullName);
            }
        }

        return start;
    }
}
