namespace Skills.Oci.Build.Format;

/// <summary>What a <see cref="SkillArchivePath"/> check tolerates beyond the paths packing writes.</summary>
public sealed record ArchivePathRules
{
    /// <summary>For packing: only clean <c>/</c>-joined paths.</summary>
    public static ArchivePathRules Writing { get; } = new();

    /// <summary>For extraction: also the harmless spellings other tar writers use.</summary>
    public static ArchivePathRules Reading { get; } = new() { IgnoreEmptyAndDotSegments = true };

    /// <summary>
    /// <c>./pdf/a</c>, <c>pdf//a</c> and a folder's trailing <c>/</c> are common in archives other tools
    /// write; their empty and <c>.</c> segments are dropped instead of refused.
    /// </summary>
    public bool IgnoreEmptyAndDotSegments { get; init; }
}

/// <summary>
/// The one rule for paths inside a skill archive, applied when packing and when extracting: a path
/// that could land outside its folder, or that some OS cannot create, is refused on both sides, so
/// nothing is published that restore would refuse.
/// </summary>
public static class SkillArchivePath
{
    /// <summary>
    /// Checks <paramref name="path"/> and splits it into its segments. Returns null when it is safe, else
    /// why not, as a phrase that completes "the path ..." (for example "contains a '..' segment").
    /// </summary>
    public static string? FindProblem(string path, ArchivePathRules rules, out string[] segments)
    {
        segments = [];
        if (string.IsNullOrEmpty(path))
        {
            return "is empty";
        }

        if (path.Contains('\0', StringComparison.Ordinal))
        {
            return "contains a NUL character";
        }

        // A backslash is a separator on Windows only, so the same entry would extract differently per OS.
        if (path.Contains('\\', StringComparison.Ordinal))
        {
            return "contains '\\'";
        }

        if (path[0] == '/' || (path.Length >= 2 && char.IsAsciiLetter(path[0]) && path[1] == ':'))
        {
            return "is absolute";
        }

        var all = path.Split('/');
        if (all.Contains(".."))
        {
            return "contains a '..' segment";
        }

        // ':' names an alternate data stream on Windows; control characters are never portable.
        if (all.Any(segment => segment.Any(c => c == ':' || char.IsControl(c))))
        {
            return "contains ':' or a control character";
        }

        var kept = all.Where(s => s.Length > 0 && s != ".").ToArray();
        if (kept.Length != all.Length && !rules.IgnoreEmptyAndDotSegments)
        {
            return "has an empty or '.' segment";
        }

        if (kept.Length == 0)
        {
            return "is empty";
        }

        segments = kept;
        return null;
    }
}
