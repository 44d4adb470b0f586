using System.Text;
using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.FileSystem;
using Skills.Oci.Build.Format;
using Skills.Oci.Build.Oci;

namespace Skills.Oci.Build.Packaging;

/// <summary>
/// One file to pack, as the MSBuild <c>SkillFile</c> item gives it.
/// </summary>
/// <param name="FullPath">The file on disk.</param>
/// <param name="Executable">
/// The item's <c>Executable</c> metadata: true packs the file with mode 0755, false with 0644, on every
/// OS. Null (no metadata) uses the file's own execute bits on Unix and 0644 on Windows, which has none.
/// </param>
/// <param name="ArchivePath">
/// The item's <c>Link</c> metadata: the path inside the skill for a file that lives outside the project
/// folder. Null uses the path relative to the project folder.
/// </param>
public sealed record SkillFileItem(string FullPath, bool? Executable = null, string? ArchivePath = null);

/// <summary>
/// The checked, ordered content of a skill archive: every <c>SkillFile</c> plus the folders that hold
/// them, sorted by the ordinal UTF-8 bytes of the <c>/</c>-joined path so that a folder precedes its
/// contents and the order never depends on the OS or the file system. Paths follow
/// <see cref="SkillArchivePath"/>, the rule extraction applies; links, hard links and special files
/// are refused here, before a byte is written.
/// </summary>
public sealed class SkillContent
{
    private SkillContent(SkillName name, IReadOnlyList<SkillContentEntry> entries)
    {
        Name = name;
        Entries = entries;
    }

    /// <summary>The archive root folder name.</summary>
    public SkillName Name { get; }

    /// <summary>Entries below the root, in archive order.</summary>
    public IReadOnlyList<SkillContentEntry> Entries { get; }

    /// <summary>Entries in the archive, the root folder included.</summary>
    public int EntryCount => Entries.Count + 1;

    /// <summary>
    /// Checks and orders the files. Returns null, with every problem in <paramref name="diagnostics"/>,
    /// when anything is refused.
    /// </summary>
    public static SkillContent? Create(
        SkillName name,
        string projectDirectory,
        IEnumerable<SkillFileItem> files,
        OciLimits limits,
        ICollection<Diagnostic> diagnostics)
    {
        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(projectDirectory));
        var errorsBefore = diagnostics.Count;
        var entries = new Dictionary<string, SkillContentEntry>(StringComparer.Ordinal);
        // Extraction refuses two paths that differ only in case (they collide on Windows and macOS),
        // so packing refuses them too rather than publishing something nobody can install.
        var caseInsensitive = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var checkedDirectories = new Dictionary<string, bool>(StringComparer.Ordinal);

        foreach (var file in files)
        {
            var fullPath = Path.GetFullPath(file.FullPath, root);
            var relative = file.ArchivePath is { Length: > 0 } link
                ? link.Replace('\\', '/')
                : Path.GetRelativePath(root, fullPath).Replace(Path.DirectorySeparatorChar, '/');
            if (file.ArchivePath is null && (relative == ".." || relative.StartsWith("../", StringComparison.Ordinal) || Path.IsPathRooted(relative)))
            {
                diagnostics.Add(Diagnostic.Error(ErrorCodes.SkillFileOutsideProject, $"The SkillFile '{fullPath}' is outside the project folder '{root}'. Move it into the skill folder, or give the item a Link metadata naming its path inside the skill.", fullPath));
                continue;
            }

            if (SkillArchivePath.FindProblem(relative, ArchivePathRules.Writing, out _) is { } problem)
            {
                diagnostics.Add(Diagnostic.Error(ErrorCodes.SkillFilePathInvalid, $"The SkillFile '{fullPath}' would be packed as '{relative}', which {problem}; readers refuse such paths. Rename the file (or fix its Link metadata).", fullPath));
                continue;
            }

            var node = FileNode.Inspect(fullPath);
            if (!CheckFileNode(fullPath, node, diagnostics))
            {
                continue;
            }

            if (file.ArchivePath is null && !CheckAncestors(root, fullPath, checkedDirectories, diagnostics))
            {
                continue;
            }

            if (caseInsensitive.TryGetValue(relative, out var existing))
            {
                var what = existing == relative ? "is listed twice" : $"differs only in letter case from '{existing}'";
                diagnostics.Add(Diagnostic.Error(ErrorCodes.SkillFilePathInvalid, $"The skill path '{relative}' {what}; the archive would not extract on Windows or macOS. Remove the duplicate SkillFile item or rename one of the files.", fullPath));
                continue;
            }

            caseInsensitive[relative] = relative;
            var length = new FileInfo(fullPath).Length;
            entries[relative] = new SkillContentEntry(relative, false, fullPath, file.Executable ?? node.HasExecuteBit, length);
        }

        foreach (var path in entries.Keys.ToList())
        {
            for (var slash = path.LastIndexOf('/'); slash > 0; slash = path.LastIndexOf('/', slash - 1))
            {
                var directory = path[..slash];
                if (entries.TryGetValue(directory, out var clash))
                {
                    if (!clash.IsDirectory)
                    {
                        diagnostics.Add(Diagnostic.Error(ErrorCodes.SkillFilePathInvalid, $"'{directory}' is both a file and the folder of '{path}'. Fix the SkillFile items' Link metadata.", clash.SourcePath));
                    }

                    break;
                }

                entries[directory] = new SkillContentEntry(directory, true, null, true, 0);
            }
        }

        if (!entries.ContainsKey(SkillMarkdown.FileName))
        {
            diagnostics.Add(Diagnostic.Error(ErrorCodes.SkillMarkdownNotInContent, $"{SkillMarkdown.FileName} is not among the files to pack (found {entries.Count(e => !e.Value.IsDirectory)} files under '{root}'). Keep SKILL.md in the SkillFile items; if the project folder is reached through a link, check that the link's target holds the skill.", Path.Combine(root, SkillMarkdown.FileName)));
        }

        var ordered = entries.Values.OrderBy(e => e.RelativePath, Utf8OrdinalComparer.Instance).ToList();
        CheckLimits(name, ordered, limits, root, diagnostics);
        return diagnostics.Count > errorsBefore ? null : new SkillContent(name, ordered);
    }

    private static void CheckLimits(SkillName name, List<SkillContentEntry> entries, OciLimits limits, string root, ICollection<Diagnostic> diagnostics)
    {
        if (entries.Count + 1 > limits.MaxArchiveEntries)
        {
            diagnostics.Add(Diagnostic.Error(ErrorCodes.TooManyEntries, $"The skill would have {entries.Count + 1} archive entries (files and folders); the limit is {limits.MaxArchiveEntries}, which readers apply too. Remove files from the SkillFile items, or raise SkillMaxArchiveEntries if every consumer raises it as well.", root));
        }

        foreach (var entry in entries)
        {
            var bytes = Encoding.UTF8.GetByteCount(name.Value) + 1 + Encoding.UTF8.GetByteCount(entry.RelativePath) + (entry.IsDirectory ? 1 : 0);
            if (bytes > limits.MaxEntryPathBytes)
            {
                diagnostics.Add(Diagnostic.Error(ErrorCodes.EntryPathTooLong, $"The archive path of '{entry.RelativePath}' is {bytes} bytes; the limit is {limits.MaxEntryPathBytes}. Shorten the folder or file names.", entry.SourcePath ?? root));
            }
        }
    }

    private static bool CheckFileNode(string fullPath, FileNode node, ICollection<Diagnostic> diagnostics)
    {
        switch (node.Kind)
        {
            case FileNodeKind.RegularFile when node.LinkCount > 1:
                diagnostics.Add(Diagnostic.Error(ErrorCodes.SkillFileIsHardLink, $"The SkillFile '{fullPath}' is a hard link ({node.LinkCount} names for the same file). A skill archive holds only regular files; replace it with a copy ('cp --remove-destination' or copy and rename), or remove it from the SkillFile items.", fullPath));
                return false;
            case FileNodeKind.RegularFile:
                return true;
            case FileNodeKind.Missing:
                diagnostics.Add(Diagnostic.Error(ErrorCodes.SkillFileNotFound, $"The SkillFile '{fullPath}' does not exist. Fix or remove the SkillFile item.", fullPath));
                return false;
            case FileNodeKind.SymbolicLink:
                diagnostics.Add(Diagnostic.Error(ErrorCodes.SkillFileIsLink, $"The SkillFile '{fullPath}' is a symbolic link. Links are never packed (they could point outside the skill); replace it with the file it points to, or remove it from the SkillFile items.", fullPath));
                return false;
            case FileNodeKind.Directory:
                diagnostics.Add(Diagnostic.Error(ErrorCodes.SkillFileIsSpecial, $"The SkillFile '{fullPath}' is a folder. SkillFile items name files; include the folder's files with a glob such as 'folder/**'.", fullPath));
                return false;
            default:
                diagnostics.Add(Diagnostic.Error(ErrorCodes.SkillFileIsSpecial, $"The SkillFile '{fullPath}' is a {Describe(node.Kind)}, not a regular file. Remove it from the skill folder or from the SkillFile items.", fullPath));
                return false;
        }
    }

    /// <summary>Refuses a folder below the project folder that is a link: packing would follow it.</summary>
    private static bool CheckAncestors(string root, string fullPath, Dictionary<string, bool> checkedDirectories, ICollection<Diagnostic> diagnostics)
    {
        for (var directory = Path.GetDirectoryName(fullPath); directory is not null && directory.Length > root.Length; directory = Path.GetDirectoryName(directory))
        {
            if (!checkedDirectories.TryGetValue(directory, out var ok))
            {
                ok = FileNode.Inspect(directory).Kind != FileNodeKind.SymbolicLink;
                checkedDirectories[directory] = ok;
                if (!ok)
                {
                    diagnostics.Add(Diagnostic.Error(ErrorCodes.SkillFileIsLink, $"The folder '{directory}' in the skill is a symbolic link (or junction). Links are never packed; replace it with a real folder, or remove its files from the SkillFile items.", directory));
                }
            }

            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    private static string Describe(FileNodeKind kind) => kind switch
    {
        FileNodeKind.CharacterDevice => "character device",
        FileNodeKind.BlockDevice => "block device",
        FileNodeKind.Fifo => "named pipe (FIFO)",
        FileNodeKind.Socket => "socket",
        _ => "special file",
    };
}
