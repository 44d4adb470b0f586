namespace Skills.Oci.Build.Restore;

/// <summary>
/// The one thing restore needs from an installed SKILL.md: the frontmatter <c>name</c>. A light
/// reader on purpose (full validation belongs to packing): it finds a top-level <c>name:</c> line in
/// the leading <c>---</c> block and unquotes its value.
/// </summary>
internal static class SkillMdNameReader
{
    private const int MaxFrontmatterLines = 1000;

    public static string? ReadName(string skillFile)
    {
        using var reader = new StreamReader(skillFile, detectEncodingFromByteOrderMarks: true);
        var first = reader.ReadLine();
        if (first is null || first.TrimEnd() != "---")
        {
            return null;
        }

        for (var i = 0; i < MaxFrontmatterLines && reader.ReadLine() is { } line; i++)
        {
            if (line.TrimEnd() == "---")
            {
                return null;
            }

            if (!line.StartsWith("name:", StringComparison.Ordinal))
            {
                continue;
            }

            var value = line["name:".Length..].Trim();
            if (value.Length >= 2 && (value[0] == '"' || value[0] == '\'') && value[^1] == value[0])
            {
                return value[1..^1];
            }

            var comment = value.IndexOf(" #", StringComparison.Ordinal);
            return (comment < 0 ? value : value[..comment]).Trim();
        }

        return null;
    }
}
