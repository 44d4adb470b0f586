using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Format;
using YamlDotNet.RepresentationModel;

namespace Skills.Oci.Build.Packaging;

/// <summary>The outcome of validating a skill: the definition when there is no error, and every problem found.</summary>
public sealed record SkillValidationResult(SkillDefinition? Skill, IReadOnlyList<Diagnostic> Diagnostics)
{
    public bool HasErrors => Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error);
}

/// <summary>
/// Applies the Agent Skills frontmatter rules to a skill folder's SKILL.md before it is packed. Every problem
/// is reported, not only the first, each with the SKILL.md line to change and what to do.
/// </summary>
public static class SkillValidator
{
    public const int MaxDescriptionLength = 1024;
    public const int MaxCompatibilityLength = 500;

    private const string NameKey = "name";
    private const string DescriptionKey = "description";
    private const string LicenseKey = "license";
    private const string CompatibilityKey = "compatibility";
    private const string MetadataKey = "metadata";
    private const string AllowedToolsKey = "allowed-tools";
    private const string LegacyVersionKey = "version";

    private static readonly string[] AllowedKeys = [NameKey, DescriptionKey, LicenseKey, AllowedToolsKey, MetadataKey, CompatibilityKey];

    /// <summary>
    /// Validates <paramref name="projectDirectory"/>/SKILL.md (or <paramref name="skillMarkdownPath"/>).
    /// <paramref name="expectedName"/> is the project's explicit <c>SkillName</c>, if any: a frontmatter
    /// name equal to it or to the folder name raises no warning.
    /// </summary>
    public static async Task<SkillValidationResult> ValidateAsync(
        string projectDirectory,
        string? skillMarkdownPath,
        string? expectedName,
        CancellationToken cancellationToken)
    {
        var path = string.IsNullOrEmpty(skillMarkdownPath)
            ? Path.Combine(projectDirectory, SkillMarkdown.FileName)
            : Path.GetFullPath(skillMarkdownPath, projectDirectory);
        var diagnostics = new List<Diagnostic>();
        var markdown = await SkillMarkdown.ReadAsync(path, diagnostics, cancellationToken).ConfigureAwait(false);
        if (markdown is null)
        {
            return new SkillValidationResult(null, diagnostics);
        }

        var skill = Validate(markdown, projectDirectory, expectedName, diagnostics);
        return new SkillValidationResult(diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error) ? null : skill, diagnostics);
    }

    private static SkillDefinition? Validate(SkillMarkdown markdown, string projectDirectory, string? expectedName, List<Diagnostic> diagnostics)
    {
        var path = markdown.Path;
        string? name = null, description = null, license = null, compatibility = null;
        IReadOnlyList<string>? allowedTools = null;
        SortedDictionary<string, string>? metadata = null;
        var seenName = false;
        var seenDescription = false;

        foreach (var (keyNode, value) in markdown.Frontmatter.Children)
        {
            var (line, column) = SkillMarkdown.Locate(keyNode);
            if (keyNode is not YamlScalarNode { Value: { } key })
            {
                diagnostics.Add(Diagnostic.Error(ErrorCodes.FrontmatterFieldWrongType, $"A frontmatter key must be a plain name, not a {SkillMarkdown.Describe(keyNode)}. Allowed keys: {string.Join(", ", AllowedKeys)}.", path, line, column));
                continue;
            }

            switch (key)
            {
                case NameKey:
                    seenName = true;
                    name = ReadString(value, key, path, diagnostics);
                    break;
                case DescriptionKey:
                    seenDescription = true;
                    description = ReadString(value, key, path, diagnostics);
                    break;
                case LicenseKey:
                    license = NullIfEmpty(ReadString(value, key, path, diagnostics));
                    break;
                case CompatibilityKey:
                    compatibility = NullIfEmpty(ReadString(value, key, path, diagnostics));
                    if (compatibility is not null && Length(compatibility) > MaxCompatibilityLength)
                    {
                        var (l, c) = SkillMarkdown.Locate(value);
                        diagnostics.Add(Diagnostic.Error(ErrorCodes.CompatibilityTooLong, $"'compatibility' is {Length(compatibility)} characters long; at most {MaxCompatibilityLength} are allowed. Shorten it to the environment requirements (products, system packages, network access).", path, l, c));
                    }

                    break;
                case AllowedToolsKey:
                    var tools = ReadString(value, key, path, diagnostics, "Write the tools as one space-separated string, for example 'allowed-tools: Bash(git:*) Read'.");
                    allowedTools = tools is null ? null : tools.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
                    if (allowedTools is { Count: 0 })
                    {
                        allowedTools = null;
                    }

                    break;
                case MetadataKey:
                    metadata = ReadMetadata(value, path, diagnostics);
                    break;
                case LegacyVersionKey:
                    diagnostics.Add(Diagnostic.Warning(ErrorCodes.FrontmatterLegacyVersion, "SKILL.md has a top-level 'version', which the Agent Skills rules do not define and Skills.Oci ignores: the artifact's version is the project's Version property. Remove 'version' from SKILL.md and set <Version> in the project file (or keep it under 'metadata' as information).", path, line, column));
                    break;
                default:
                    diagnostics.Add(Diagnostic.Error(ErrorCodes.FrontmatterUnknownField, $"'{key}' is not a SKILL.md frontmatter field. Allowed fields: {string.Join(", ", AllowedKeys)}; move custom values under 'metadata'.", path, line, column));
                    break;
            }
        }

        SkillName? skillName = null;
        if (!seenName || name is null || name.Trim().Length == 0)
        {
            var (l, c) = seenName ? LocateValue(markdown, NameKey) : (1, 1);
            diagnostics.Add(Diagnostic.Error(ErrorCodes.SkillNameMissing, "SKILL.md is missing the required field 'name'. Add 'name: <skill-name>' (lower-case letters, digits and hyphens, usually the folder name).", path, l, c));
        }
        else
        {
            var (l, c) = LocateValue(markdown, NameKey);
            var problems = SkillName.FindProblems(name);
            foreach (var problem in problems)
            {
                diagnostics.Add(Diagnostic.Error(ErrorCodes.SkillNameInvalid, $"{problem} A skill name has 1–{SkillName.MaxLength} lower-case letters, digits and single hyphens, for example 'pdf-tools'.", path, l, c));
            }

            if (problems.Count == 0)
            {
                skillName = SkillName.Parse(name);
                CheckNameMatches(skillName.Value, projectDirectory, expectedName, path, l, c, diagnostics);
            }
        }

        if (!seenDescription || description is null || description.Trim().Length == 0)
        {
            var (l, c) = seenDescription ? LocateValue(markdown, DescriptionKey) : (1, 1);
            diagnostics.Add(Diagnostic.Error(ErrorCodes.DescriptionMissing, "SKILL.md is missing the required field 'description' (or it is empty). Add 'description: <what the skill does and when to use it>'.", path, l, c));
        }
        else if (Length(description) > MaxDescriptionLength)
        {
            var (l, c) = LocateValue(markdown, DescriptionKey);
            diagnostics.Add(Diagnostic.Error(ErrorCodes.DescriptionTooLong, $"'description' is {Length(description)} characters long; at most {MaxDescriptionLength} are allowed. Shorten it and move details into the body of SKILL.md.", path, l, c));
        }

        if (skillName is null || description is null)
        {
            return null;
        }

        return new SkillDefinition
        {
            Name = skillName.Value,
            Description = description,
            License = license,
            Compatibility = compatibility,
            AllowedTools = allowedTools,
            Metadata = metadata,
            SkillMarkdownPath = path,
        };
    }

    private static void CheckNameMatches(SkillName name, string projectDirectory, string? expectedName, string path, int line, int column, List<Diagnostic> diagnostics)
    {
        var folder = SkillName.Normalize(Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(projectDirectory))));
        var expected = string.IsNullOrWhiteSpace(expectedName) ? null : SkillName.Normalize(expectedName);
        if (name.Value == folder || name.Value == expected)
        {
            return;
        }

        var because = expected is null
            ? $"does not match the folder '{folder}'"
            : $"matches neither the folder '{folder}' nor the project's SkillName '{expected}'";
        diagnostics.Add(Diagnostic.Warning(ErrorCodes.SkillFolderNameMismatch, $"The skill name '{name}' {because}; the artifact is named '{name}' (its archive root is '{name}/'). Rename the folder, or set <SkillName>{name}</SkillName> in the project to confirm the name.", path, line, column));
    }

    private static string? ReadString(YamlNode value, string key, string path, List<Diagnostic> diagnostics, string? fix = null)
    {
        if (SkillMarkdown.IsNullScalar(value))
        {
            return null;
        }

        if (value is YamlScalarNode scalar)
        {
            return scalar.Value;
        }

        var (line, column) = SkillMarkdown.Locate(value);
        diagnostics.Add(Diagnostic.Error(ErrorCodes.FrontmatterFieldWrongType, $"'{key}' must be a single text value, not a {SkillMarkdown.Describe(value)}. {fix ?? "Write it as 'key: text' on one line, or as a quoted or block string."}", path, line, column));
        return null;
    }

    private static SortedDictionary<string, string>? ReadMetadata(YamlNode value, string path, List<Diagnostic> diagnostics)
    {
        if (SkillMarkdown.IsNullScalar(value))
        {
            return null;
        }

        if (value is not YamlMappingNode mapping)
        {
            var (line, column) = SkillMarkdown.Locate(value);
            diagnostics.Add(Diagnostic.Error(ErrorCodes.FrontmatterFieldWrongType, $"'metadata' must be a mapping of text keys to text values, not a {SkillMarkdown.Describe(value)}. Write it as indented 'key: value' lines under 'metadata:'.", path, line, column));
            return null;
        }

        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (entryKey, entryValue) in mapping.Children)
        {
            if (entryKey is not YamlScalarNode { Value: { } key } || entryValue is not YamlScalarNode scalar || SkillMarkdown.IsNullScalar(entryValue))
            {
                var (line, column) = SkillMarkdown.Locate(entryKey is YamlScalarNode ? entryValue : entryKey);
                diagnostics.Add(Diagnostic.Error(ErrorCodes.FrontmatterFieldWrongType, "Each 'metadata' entry must map a text key to a text value (no lists, mappings or empty values). Quote the value, or join a list into one string.", path, line, column));
                continue;
            }

            result[key] = scalar.Value ?? string.Empty;
        }

        return result;
    }

    private static (int Line, int Column) LocateValue(SkillMarkdown markdown, string key)
    {
        foreach (var (keyNode, value) in markdown.Frontmatter.Children)
        {
            if (keyNode is YamlScalarNode { Value: { } k } && k == key)
            {
                // A null value has no useful position of its own; point at the key.
                return SkillMarkdown.IsNullScalar(value) ? SkillMarkdown.Locate(keyNode) : SkillMarkdown.Locate(value);
            }
        }

        return (1, 1);
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    /// <summary>Length in characters as the reference validator (Python) counts them: code points.</summary>
    private static int Length(string value) => value.EnumerateRunes().Count();
}
