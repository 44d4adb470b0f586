using Skills.Oci.Build.FileSystem;

namespace Skills.Oci.Build.Restore;

/// <summary>
/// The managed block in the skills root's <c>.gitignore</c>: between two marker comments, exactly the
/// paths restore materialised (each <c>.agents/skills/&lt;name&gt;/</c> and each agent link), sorted.
/// The user's own lines are never touched, a whole skills folder is never ignored (users commit their
/// own skills there), and the file is rewritten only when the block changes.
/// </summary>
public static class GitIgnoreBlock
{
    public const string BeginMarker = "# BEGIN Skills.Oci managed block: restored skills, do not edit";
    public const string EndMarker = "# END Skills.Oci managed block";

    /// <summary>The lines the block lists for a set of lock entries.</summary>
    /// <remarks>The root's own state folder is listed with them: it exists wherever restore put skills.</remarks>
    public static IReadOnlyList<string> PathsFor(IEnumerable<LockEntry> entries)
    {
        var paths = entries.SelectMany(e => new[] { e.Path + "/" }.Concat(e.AdditionalPaths)).ToList();
        if (paths.Count > 0)
        {
            paths.Add(RootState.FolderName + "/");
        }

        return paths.Distinct(StringComparer.Ordinal).OrderBy(p => p, StringComparer.Ordinal).ToList();
    }

    /// <summary>True when the root's .gitignore already holds the block for these entries (or needs none).</summary>
    public static bool IsCurrent(string root, IEnumerable<LockEntry> entries)
    {
        var gitIgnore = Path.Combine(root, ".gitignore");
        var existing = File.Exists(gitIgnore) ? File.ReadAllText(gitIgnore) : null;
        var paths = PathsFor(entries);
        return (existing is null && paths.Count == 0) || Apply(existing, paths) == existing;
    }

    /// <summary>The file's text with the block replaced (or removed, when <paramref name="paths"/> is empty).</summary>
    public static string Apply(string? existing, IReadOnlyList<string> paths)
    {
        var newline = existing is not null && existing.Contains("\r\n", StringComparison.Ordinal) ? "\r\n" : "\n";
        var lines = existing is null ? [] : existing.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').ToList();
        if (lines.Count > 0 && lines[^1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }

        var begin = lines.FindIndex(l => l.Trim() == BeginMarker);
        var end = begin < 0 ? -1 : lines.FindIndex(begin, l => l.Trim() == EndMarker);
        var insertAt = lines.Count;
        if (begin >= 0)
        {
            // A block whose end marker was lost runs to the end of the file.
            var last = end < 0 ? lines.Count - 1 : end;
            lines.RemoveRange(begin, last - begin + 1);
            insertAt = begin;
        }

        if (paths.Count > 0)
        {
            var block = new List<string> { BeginMarker };
            block.AddRange(paths.OrderBy(p => p, StringComparer.Ordinal));
            block.Add(EndMarker);
            if (begin < 0 && lines.Count > 0 && lines[^1].Trim().Length > 0)
            {
                block.Insert(0, string.Empty);
            }

            lines.InsertRange(insertAt, block);
        }
        else if (begin >= 0 && insertAt == lines.Count && lines.Count > 0 && lines[^1].Length == 0)
        {
            // Removing our appended block also removes the blank line we put before it.
            lines.RemoveAt(lines.Count - 1);
        }

        return lines.Count == 0 ? string.Empty : string.Join(newline, lines) + newline;
    }

    /// <summary>
    /// Brings <c>&lt;root&gt;/.gitignore</c> in line with <paramref name="paths"/>; no file is created for an
    /// empty set, and an unchanged file is not rewritten. Returns true when written.
    /// </summary>
    public static async Task<bool> UpdateAsync(string skillsRoot, IReadOnlyList<string> paths, CancellationToken cancellationToken)
    {
        var path = Path.Combine(skillsRoot, ".gitignore");
        if (SkillsRootPath.IsLink(path))
        {
            throw new Diagnostics.SkillsOciException(Diagnostics.ErrorCodes.SkillPathIsLink,
                $"'{path}' is a link; Skills.Oci never writes through a link. Make it a regular file, or set SkillsUpdateGitIgnore=false.");
        }

        var existing = File.Exists(path) ? await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false) : null;
        if (existing is null && paths.Count == 0)
        {
            return false;
        }

        var updated = Apply(existing, paths);
        if (updated == existing)
        {
            return false;
        }

        return await AtomicFile.WriteTextIfChangedAsync(path, updated, cancellationToken).ConfigureAwait(false);
    }
}
