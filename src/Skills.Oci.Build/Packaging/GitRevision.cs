namespace Skills.Oci.Build.Packaging;

/// <summary>
/// The commit a folder's git repository has checked out, read from <c>.git</c> itself (no git executable
/// needed), so <c>skills-oci push</c> records the same <c>org.opencontainers.image.revision</c> that
/// SourceLink gives <c>dotnet pack</c> of the same folder (its SourceRevisionId: the HEAD commit).
/// Handles worktrees and submodules (<c>.git</c> as a <c>gitdir:</c> file), loose and packed refs and a
/// detached HEAD; anything unreadable means "no revision", as outside a repository.
/// </summary>
public static class GitRevision
{
    public static string? HeadCommit(string folder)
    {
        for (var current = new DirectoryInfo(Path.GetFullPath(folder)); current is not null; current = current.Parent)
        {
            var dotGit = Path.Combine(current.FullName, ".git");
            if (Directory.Exists(dotGit) || File.Exists(dotGit))
            {
                return Read(dotGit);
            }
        }

        return null;
    }

    private static string? Read(string dotGit)
    {
        try
        {
            var gitDir = File.Exists(dotGit) ? GitDirOf(dotGit) : dotGit;
            if (gitDir is null)
            {
                return null;
            }

            // A worktree's refs live in the main repository's folder ("commondir").
            var commonDir = File.Exists(Path.Combine(gitDir, "commondir"))
                ? Path.GetFullPath(Path.Combine(gitDir, File.ReadAllText(Path.Combine(gitDir, "commondir")).Trim()))
                : gitDir;
            var head = File.ReadAllText(Path.Combine(gitDir, "HEAD")).Trim();
            if (!head.StartsWith("ref:", StringComparison.Ordinal))
            {
                return IsSha(head) ? head : null;
            }

            var reference = head["ref:".Length..].Trim();
            foreach (var dir in new[] { gitDir, commonDir })
            {
                var loose = Path.Combine(dir, reference.Replace('/', Path.DirectorySeparatorChar));
                if (File.Exists(loose) && File.ReadAllText(loose).Trim() is var sha && IsSha(sha))
                {
                    return sha;
                }
            }

            var packed = Path.Combine(commonDir, "packed-refs");
            return File.Exists(packed)
                ? File.ReadLines(packed)
                    .Select(line => line.Split(' ', 2))
                    .Where(parts => parts.Length == 2 && parts[1].Trim() == reference && IsSha(parts[0]))
                    .Select(parts => parts[0])
                    .FirstOrDefault()
                : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string? GitDirOf(string dotGitFile)
    {
        var line = File.ReadAllText(dotGitFile).Trim();
        if (!line.StartsWith("gitdir:", StringComparison.Ordinal))
        {
            return null;
        }

        var path = line["gitdir:".Length..].Trim();
        return Path.GetFullPath(Path.IsPathRooted(path) ? path : Path.Combine(Path.GetDirectoryName(dotGitFile)!, path));
    }

    private static bool IsSha(string value) =>
        value.Length is 40 or 64 && value.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f');
}
