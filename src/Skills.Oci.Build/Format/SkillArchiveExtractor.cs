using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.FileSystem;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.IO;

namespace Skills.Oci.Build.Format;

/// <summary>
/// Extracts a skill's content layer: streaming, into a new temporary folder beside the destination,
/// refusing unsafe paths (<see cref="SkillArchivePath"/>), entries outside <c>&lt;name&gt;/</c>, links and special files,
/// duplicates (also by letter case), and anything over the limits. Reads what other tools write (PAX
/// <c>x</c>/<c>g</c> headers, GNU long names, optional directory entries, old-style regular files).
/// On any violation the temporary folder is removed and a coded error is thrown.
/// </summary>
public static class SkillArchiveExtractor
{
    private const UnixFileMode FileMode644 = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    private const UnixFileMode FileMode755 = FileMode644 | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
    private const UnixFileMode AnyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    /// <summary>
    /// Extracts <paramref name="gzipLayer"/> (ideally a verifying stream) into a new folder created in
    /// <paramref name="stagingParent"/> and returns it; the skill is at <c>&lt;returned&gt;/&lt;name&gt;</c>.
    /// The layer is read to its end, so a verifying stream has checked the digest when this returns.
    /// </summary>
    public static async Task<string> ExtractAsync(Stream gzipLayer, string skillName, string stagingParent, OciLimits limits, string reference, CancellationToken cancellationToken)
    {
        var staging = TempName.Beside(Path.Combine(Path.GetFullPath(stagingParent), skillName));
        Directory.CreateDirectory(staging);
        try
        {
            await ExtractIntoAsync(gzipLayer, skillName, staging, limits, reference, cancellationToken).ConfigureAwait(false);
            await CheckSkillFileAsync(staging, skillName, reference, cancellationToken).ConfigureAwait(false);
            return staging;
        }
        catch
        {
            DirectoryTree.Delete(staging);
            throw;
        }
    }

    private static async Task ExtractIntoAsync(Stream gzipLayer, string skillName, string staging, OciLimits limits, string reference, CancellationToken cancellationToken)
    {
        var compressed = new BoundedReadStream(gzipLayer, limits.MaxLayerBytes, limit => TooLarge(reference, $"the compressed layer is over {limit} bytes"), leaveOpen: true);
        await using var gzip = new GZipStream(compressed, CompressionMode.Decompress, leaveOpen: true);
        await using var tarStream = new BoundedReadStream(gzip, limits.MaxUncompressedBytes, limit => TooLarge(reference, $"the content expands past {limit} bytes (uncompressed limit)"), leaveOpen: false);
        var paths = new Dictionary<string, bool>(StringComparer.OrdinalIgnoreCase); // path → is directory
        var explicitDirectories = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var entries = 0;
        try
        {
            using var reader = new TarReader(tarStream, leaveOpen: true);
            while (await reader.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false) is { } entry)
            {
                if (++entries > limits.MaxArchiveEntries)
                {
                    throw TooLarge(reference, $"the archive has more than {limits.MaxArchiveEntries} entries");
                }

                if (entry.EntryType == TarEntryType.GlobalExtendedAttributes)
                {
                    continue; // PAX 'g' records are metadata, not content.
                }

                var segments = CheckName(entry.Name, skillName, limits, reference);
                var relative = string.Join('/', segments);
                switch (entry.EntryType)
                {
                    case TarEntryType.Directory:
                        if (!explicitDirectories.Add(relative) || (paths.TryGetValue(relative, out var isDir) && !isDir))
                        {
                            throw Duplicate(reference, entry.Name);
                        }

                        RegisterParents(paths, segments, entry.Name, reference);
                        paths[relative] = true;
                        CreateDirectory(Path.Combine(staging, Path.Combine(segments)));
                        break;

                    case TarEntryType.RegularFile or TarEntryType.V7RegularFile:
                        if (segments.Length == 1 || paths.ContainsKey(relative))
                        {
                            throw segments.Length == 1 ? Unsafe(reference, entry.Name, $"a file cannot take the name of the skill folder '{skillName}/'") : Duplicate(reference, entry.Name);
                        }

                        RegisterParents(paths, segments, entry.Name, reference);
                        paths[relative] = false;
                        await WriteFileAsync(entry, Path.Combine(staging, Path.Combine(segments)), cancellationToken).ConfigureAwait(false);
                        break;

                    default:
                        throw new SkillsOciException(ErrorCodes.UnsupportedArchiveEntryType,
                            $"The skill '{reference}' holds the entry '{entry.Name}' of type {entry.EntryType}; only files and folders are allowed (links, devices and FIFOs are refused). Nothing was installed.");
                }
            }

            // Drain what follows the end-of-archive blocks, so the verifying stream below sees every byte.
            await tarStream.CopyToAsync(Stream.Null, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is InvalidDataException or FormatException or EndOfStreamException or ArgumentException)
        {
            throw new SkillsOciException(ErrorCodes.CorruptSkillArchive,
                $"The content layer of '{reference}' is not a valid gzip-compressed tar archive ({ex.Message}). Nothing was installed.", innerException: ex);
        }

        await compressed.CopyToAsync(Stream.Null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Applies the archive path rule, the path-length limit and the skill folder; returns the name's segments, the first being the skill name.</summary>
    private static string[] CheckName(string name, string skillName, OciLimits limits, string reference)
    {
        if (Encoding.UTF8.GetByteCount(name) > limits.MaxEntryPathBytes)
        {
            throw TooLarge(reference, $"an entry path is longer than {limits.MaxEntryPathBytes} bytes");
        }

        if (SkillArchivePath.FindProblem(name, ArchivePathRules.Reading, out var segments) is { } problem)
        {
            throw Unsafe(reference, name, "it " + problem);
        }

        if (segments[0] != skillName)
        {
            throw Unsafe(reference, name, $"it is outside the skill folder '{skillName}/'");
        }

        return segments;
    }

    /// <summary>Records implied parent folders; a parent that is a file is a collision.</summary>
    private static void RegisterParents(Dictionary<string, bool> paths, string[] segments, string name, string reference)
    {
        for (var i = 1; i < segments.Length; i++)
        {
            var parent = string.Join('/', segments, 0, i);
            if (paths.TryGetValue(parent, out var isDirectory) && !isDirectory)
            {
                throw Duplicate(reference, name);
            }

            paths[parent] = true;
        }
    }

    private static void CreateDirectory(string path)
    {
        Directory.CreateDirectory(path);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, FileMode755);
        }
    }

    private static async Task WriteFileAsync(TarEntry entry, string path, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        // CreateNew: the staging folder is ours and fresh, so an existing file here is a collision.
        await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous))
        {
            if (entry.DataStream is { } data)
            {
                await data.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
            }
        }

        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, (entry.Mode & AnyExecute) != 0 ? FileMode755 : FileMode644);
        }
    }

    /// <summary>
    /// <c>&lt;name&gt;/SKILL.md</c> exists and its frontmatter name, read as YAML like packing reads it,
    /// is <c>&lt;name&gt;</c>.
    /// </summary>
    private static async Task CheckSkillFileAsync(string staging, string skillName, string reference, CancellationToken cancellationToken)
    {
        var skillFile = Path.Combine(staging, skillName, SkillMarkdown.FileName);
        if (!File.Exists(skillFile))
        {
            throw new SkillsOciException(ErrorCodes.MissingSkillFile,
                $"The skill '{reference}' has no '{skillName}/SKILL.md' in its archive. The artifact is broken: ask its publisher to push it again.");
        }

        var problems = new List<Diagnostic>();
        var markdown = await SkillMarkdown.ReadAsync(skillFile, SkillMarkdownOptions.Foreign, problems, cancellationToken).ConfigureAwait(false);
        if (markdown?.Name is not { } frontmatterName)
        {
            var why = problems.Count > 0 ? $" ({problems[0].Message})" : string.Empty;
            throw new SkillsOciException(ErrorCodes.MissingSkillFile,
                $"The SKILL.md of '{reference}' has no frontmatter 'name'{why}. The artifact is broken: ask its publisher to push it again.");
        }

        // Packing normalises the authored name (trim, NFKC) before writing it to the config.
        if (SkillName.Normalize(frontmatterName) != skillName)
        {
            throw new SkillsOciException(ErrorCodes.SkillNameMismatch,
                $"Name mismatch in '{reference}': the config name is '{skillName}' but SKILL.md says 'name: {frontmatterName}'. Ask the skill's publisher to fix it.");
        }
    }

    private static SkillsOciException Unsafe(string reference, string name, string why) =>
        new(ErrorCodes.UnsafeArchiveEntry,
            $"The skill '{reference}' holds an unsafe archive entry '{name.Replace("\0", "\\0", StringComparison.Ordinal)}': {why}. Nothing was installed; do not trust this artifact.");

    private static SkillsOciException Duplicate(string reference, string name) =>
        new(ErrorCodes.DuplicateArchiveEntry,
            $"The skill '{reference}' holds the entry '{name}' twice (or once more differing only in letter case, or under a file); such archives extract differently on each OS. Nothing was installed.");

    private static SkillsOciException TooLarge(string reference, string what) =>
        new(ErrorCodes.SkillContentTooLarge,
            $"The skill '{reference}' is refused: {what}. Nothing was installed. Raise the limit only if you trust the source.");
}
