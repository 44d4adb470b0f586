using System.Reflection;
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

        await using var stream = new FileStream(file.FullPath, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.Asynchronous | FileOptions.SequentialScan);
        var head = new byte[SniffBytes];
        var read = await stream.ReadAtLeastAsync(head, SniffBytes, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        if (head.AsSpan(0, read).Contains((byte)0))
        {
            return sink.Findings;
        }

        stream.Position = 0;
        var rules = ScanRules.For(file);
        // No BOM detection: a byte order mark stays a U+FEFF the invisible-character rule judges by position.
        using (var reader = new StreamReader(stream, new UTF8Encoding(false, false), detectEncodingFromByteOrderMarks: false, bufferSize: 81920, leaveOpen: true))
        {
            var number = 0;
            while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
            {
                number++;
                foreach (var rule in rules)
                {
                    rule.Line(number, line, sink);
                }
            }
        }

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
