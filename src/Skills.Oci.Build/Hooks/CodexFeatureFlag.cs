namespace Skills.Oci.Build.Hooks;

/// <summary>
/// <c>codex_hooks = true</c> under <c>[features]</c> in <c>.codex/config.toml</c>: older Codex builds
/// run no hooks without it. A text edit, not a TOML round trip, so every other byte of the user's file
/// stays: a file that mentions <c>codex_hooks</c> at all is left alone (the user decided), else the
/// line goes right after the <c>[features]</c> table header, or a new table is appended.
/// </summary>
public static class CodexFeatureFlag
{
    public const string Line = "codex_hooks = true";

    private const string Table = "[features]";

    /// <summary>What a config we create holds: nothing else, so removing the hooks may delete it.</summary>
    public static string NewFile => Table + "\n" + Line + "\n";

    /// <summary>The file's text with the flag, or <paramref name="existing"/> itself when nothing is needed.</summary>
    public static string Apply(string? existing)
    {
        if (existing is null)
        {
            return NewFile;
        }

        if (existing.Contains("codex_hooks", StringComparison.Ordinal))
        {
            return existing;
        }

        var newLine = existing.Contains("\r\n", StringComparison.Ordinal) ? "\r\n" : "\n";
        var lines = existing.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].TrimEnd('\r').Trim() == Table || lines[i].Trim().StartsWith(Table + " #", StringComparison.Ordinal))
            {
                var offset = lines.Take(i + 1).Sum(line => line.Length + 1);
                // A header on the last line without a newline gets one first.
                return offset > existing.Length
                    ? existing + newLine + Line + newLine
                    : existing[..offset] + Line + newLine + existing[offset..];
            }
        }

        var separator = existing.Length == 0 ? string.Empty : existing.EndsWith('\n') ? newLine : newLine + newLine;
        return existing + separator + Table + newLine + Line + newLine;
    }
}
