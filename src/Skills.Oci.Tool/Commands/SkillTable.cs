using Skills.Oci.Build.Restore;

namespace Skills.Oci.Tool.Commands;

/// <summary><c>list</c>'s text table: one row per skill, columns padded to their widest cell, '-' for nothing.</summary>
internal static class SkillTable
{
    public static IEnumerable<string> Render(IReadOnlyList<ListedSkill> skills, bool outdated)
    {
        var header = new List<string> { "Name", "Requested", "Resolved", "Digest" };
        if (outdated)
        {
            header.AddRange(["Newest matching", "Newest"]);
        }

        header.AddRange(["Signer", "Findings", "Projects"]);
        var rows = new List<IReadOnlyList<string>> { header };
        foreach (var skill in skills)
        {
            var row = new List<string>
            {
                skill.Name,
                string.Join(", ", skill.Requests.Select(r => r.AsWritten).Distinct(StringComparer.Ordinal)),
                Cell(skill.ResolvedTag),
                ShortDigest(skill.Digest),
            };
            if (outdated)
            {
                row.AddRange([Cell(skill.NewestMatchingTag), Cell(skill.NewestAvailableTag)]);
            }

            row.AddRange([Cell(skill.VerifiedBy), Cell(skill.ScanSummary), string.Join(", ", skill.Projects)]);
            rows.Add(row);
        }

        var widths = Enumerable.Range(0, header.Count).Select(column => rows.Max(row => row[column].Length)).ToList();
        return rows.Select(row => string.Join("  ", row.Select((cell, column) => column == row.Count - 1 ? cell : cell.PadRight(widths[column]))).TrimEnd());
    }

    private static string Cell(string? value) => string.IsNullOrEmpty(value) ? "-" : value;

    /// <summary>Twelve hex digits identify a manifest to a reader, as docker and git shorten theirs; JSON has the whole digest.</summary>
    private static string ShortDigest(string digest) =>
        digest.IndexOf(':', StringComparison.Ordinal) is var colon and >= 0 && digest.Length > colon + 13 ? digest[..(colon + 13)] : digest;
}
