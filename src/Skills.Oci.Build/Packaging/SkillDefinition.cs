using Skills.Oci.Build.Format;

namespace Skills.Oci.Build.Packaging;

/// <summary>
/// A validated SKILL.md frontmatter: what the config blob and the manifest annotations are made from.
/// Absent optional fields are null (never empty strings), so writers can simply omit them.
/// </summary>
public sealed record SkillDefinition
{
    public required SkillName Name { get; init; }

    public required string Description { get; init; }

    public string? License { get; init; }

    public string? Compatibility { get; init; }

    /// <summary>SKILL.md <c>allowed-tools</c> split on whitespace; null when absent.</summary>
    public IReadOnlyList<string>? AllowedTools { get; init; }

    /// <summary>SKILL.md <c>metadata</c>, keys in ordinal order; null when absent.</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }

    /// <summary>The SKILL.md the definition was read from.</summary>
    public required string SkillMarkdownPath { get; init; }
}
