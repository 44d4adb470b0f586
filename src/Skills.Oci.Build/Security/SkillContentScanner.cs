using System.Buffers;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;
using Skills.Oci.Build.Format;
using Skills.Oci.Build.Security.Rules;

namespace Skills.Oci.Build.Security;

/// <summary>What one scan found, in report order (<see cref="SkillFinding.Compare"/>).</summary>
public sealed record SkillScanResult(IReadOnlyList<SkillFinding> Findings)
{
    public static SkillScanResult Empty { get; } = new([]);

    /// <summary>Finding counts per code, in code order: what the lock records.</summary>
    public IReadOnlyDictionary<string, int> Counts =>
        Findings.GroupBy(f => f.Code, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
}

/// <summary>
/// Scans the files of a skill, deterministically and offline, for what can make an agent do what a
/// reviewer does not see (invisible characters, hidden instructions) and for what the skill can run
/// (scripts, executables, allowed tools, hooks, MCP servers, download-and-run commands, endpoints).
/// Each text file is read once, line by line; a file with a NUL byte in its first 8000 bytes is binary
/// and only its executable bit counts. See docs/security.md.
/// </summary>
public static class SkillContentScanner
{
    /// <summary>Git's rule for binary content: a NUL within the first 8000 bytes.</summary>
    private const int SniffBytes = 8000;

    private const int ReadBytes = 32 * 1024;

    /// <summary>What the lock's <c>scan.scanner</c> records: the rule set is the assembly's.</summary>
    public static string ScannerId { get; } = "skills-oci-scan/" + Version();

    /// <summary>Scans a skill folder: every file below it, in ordinal path order.</summary>
    public static Task<SkillScanResult> ScanFolderAsync(string folder, CancellationToken cancellationToken)
    {
        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));
        var files = Directory.EnumerateFiles(root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint, IgnoreInaccessible = false })
            .Select(path => new ScanFile(Path.GetRelativePath(root, path).Replace(Path.DirectorySeparatorChar, '/'), path, IsExecutable(path)));
        return ScanAsync(files, cancellationToken);
    }

    /// <summary>Scans the given files (the pack's content list, say).</summary>
    public static async Task<SkillScanResult> ScanAsync(IEnumerable<ScanFile> files, CancellationToken cancellationToken)
    {
        var findings = new List<SkillFinding>();
        foreach (var file in files.OrderBy(f => f.RelativePath, Utf8OrdinalComparer.Instance))
        {
            cancellationToken.ThrowIfCancellationRequested();
            findings.AddRange(await ScanFileAsync(file, cancellationToken).ConfigureAwait(false));
        }

        findings.Sort(SkillFinding.Compare);
        return new SkillScanResult(findings);
    }

    private static async Task<IReadOnlyList<SkillFinding>> ScanFileAsync(ScanFile file, CancellationToken cancellationToken)
    {
        var sink = new FindingSink(file);
        if (file.Executable)
        {
            sink.Add(Diagnostics.ErrorCodes.ScanExecutableFile, 0, 0, $"{file.RelativePath} is executable: the agent, or anything it runs, can start it directly.");
        }

        // Unbuffered: the reader below has its own buffer, and a second one would only copy the bytes again.
        await using var stream = new FileStream(file.FullPath, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.Asynchronous | FileOptions.SequentialScan);
        var head = new byte[SniffBytes];
        var read = await stream.ReadAtLeastAsync(head, SniffBytes, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        if (head.AsSpan(0, read).Contains((byte)0))
        {
            return sink.Findings;
        }

        stream.Position = 0;
        var rules = ScanRules.For(file);
        await ReadLinesAsync(stream, rules, sink, cancellationToken).ConfigureAwait(false);
        foreach (var rule in rules)
        {
            rule.End(sink);
        }

        if (file.IsSkillMarkdown)
        {
            await FrontmatterRule.InspectAsync(file, sink, cancellationToken).ConfigureAwait(false);
        }

        return sink.Findings;
    }

    /// <summary>
    /// Hands every line to every rule as a span of a pooled buffer: lines break where StreamReader breaks them
    /// (\n, \r, \r\n), but no string is made for a line no rule keeps, which is most of a large document.
    /// </summary>
    private static async Task ReadLinesAsync(Stream stream, List<ILineRule> rules, FindingSink sink, CancellationToken cancellationToken)
    {
        // No BOM detection: a byte order mark stays a U+FEFF the invisible-character rule judges by position.
        // The line buffer is larger than the reader's: the reader then decodes straight into it instead of into its own and copying.
        using var reader = new StreamReader(stream, new UTF8Encoding(false, false), detectEncodingFromByteOrderMarks: false, bufferSize: ReadBytes, leaveOpen: true);
        var buffer = ArrayPool<char>.Shared.Rent(4 * ReadBytes);
        try
        {
            var filled = 0;
            var number = 0;
            while (true)
            {
                if (filled == buffer.Length)
                {
                    // One line longer than the buffer: it grows to hold the line whole.
                    var larger = ArrayPool<char>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, filled).CopyTo(larger);
                    ArrayPool<char>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = await reader.ReadAsync(buffer.AsMemory(filled), cancellationToken).ConfigureAwait(false);
                filled += read;
                var consumed = ScanLines(buffer.AsSpan(0, filled), final: read == 0, ref number, rules, sink);
                if (read == 0)
                {
                    return;
                }

                buffer.AsSpan(consumed, filled - consumed).CopyTo(buffer);
                filled -= consumed;
            }
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }
    }

    /// <summary>Scans the complete lines in <paramref name="chars"/>; returns how many characters they took. The rest waits for more text unless <paramref name="final"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int ScanLines(ReadOnlySpan<char> chars, bool final, ref int number, List<ILineRule> rules, FindingSink sink)
    {
        var start = 0;
        while (start < chars.Length)
        {
            var end = chars[start..].IndexOfAny('\r', '\n');
            if (end < 0 && !final)
            {
                return start;
            }

            end = end < 0 ? chars.Length : start + end;
            var next = end + 1;
            if (end < chars.Length && chars[end] == '\r')
            {
                if (next == chars.Length && !final)
                {
                    // A '\n' may open the next read: the line ends with both.
                    return start;
                }

                if (next < chars.Length && chars[next] == '\n')
                {
                    next++;
                }
            }

            number++;
            var line = chars[start..end];
            foreach (var rule in rules)
            {
                rule.Line(number, line, sink);
            }

            start = Math.Min(next, chars.Length);
        }

        return start;
    }

    private static bool IsExecutable(string path) =>
        !OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;

    private static string Version()
    {
        var assembly = typeof(SkillContentScanner).Assembly;
        var version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? assembly.GetName().Version?.ToString(3) ?? "0.0.0";
        var plus = version.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? version : version[..plus];
    }
}
