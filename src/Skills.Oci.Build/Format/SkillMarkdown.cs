using System.Text;
using Skills.Oci.Build.Diagnostics;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Skills.Oci.Build.Format;

/// <summary>
/// What a <see cref="SkillMarkdown"/> read tolerates in the bytes around the YAML. An author's file is
/// held to the Agent Skills validator; a SKILL.md inside someone else's artifact is read for its
/// frontmatter only, and refusing it over a byte order mark or a stray byte in the body would refuse a
/// skill that agents load fine.
/// </summary>
public sealed record SkillMarkdownOptions
{
    /// <summary>For packing: exactly what the Agent Skills validator accepts.</summary>
    public static SkillMarkdownOptions Authoring { get; } = new();

    /// <summary>For restore: a SKILL.md written by another tool.</summary>
    public static SkillMarkdownOptions Foreign { get; } = new() { AllowByteOrderMark = true, ReplaceInvalidUtf8 = true };

    /// <summary>A UTF-8 byte order mark before the opening <c>---</c> is skipped instead of refused.</summary>
    public bool AllowByteOrderMark { get; init; }

    /// <summary>Bytes that are not UTF-8 become U+FFFD instead of refusing the file.</summary>
    public bool ReplaceInvalidUtf8 { get; init; }
}

/// <summary>
/// The frontmatter of a SKILL.md, parsed as YAML but not yet checked against the field rules (packing
/// validates them; restore needs only <see cref="Name"/>). Reading stops at the closing <c>---</c>: the Markdown body is
/// never loaded. Positions of YAML nodes are translated to SKILL.md lines so every diagnostic points
/// at the line the author has to change.
/// </summary>
public sealed class SkillMarkdown
{
    public const string FileName = "SKILL.md";

    /// <summary>The frontmatter starts on the line after the opening <c>---</c>.</summary>
    private const int FrontmatterFirstLine = 2;

    /// <summary>A frontmatter larger than this cannot become a config blob under the default limit.</summary>
    private const int MaxFrontmatterChars = 1024 * 1024;

    private const string Delimiter = "---";

    private SkillMarkdown(string path, YamlMappingNode frontmatter, int closingLine)
    {
        Path = path;
        Frontmatter = frontmatter;
        ClosingLine = closingLine;
    }

    public string Path { get; }

    /// <summary>The frontmatter mapping (empty when the frontmatter was empty).</summary>
    public YamlMappingNode Frontmatter { get; }

    /// <summary>The SKILL.md line of the closing <c>---</c>.</summary>
    public int ClosingLine { get; }

    /// <summary>The text of the top-level <c>name</c> scalar, whatever its YAML style; null when absent, null or not a scalar.</summary>
    public string? Name => this["name"] is YamlScalarNode scalar && !IsNullScalar(scalar) ? scalar.Value : null;

    /// <summary>The value of a top-level frontmatter key, or null.</summary>
    public YamlNode? this[string key] =>
        Frontmatter.Children.FirstOrDefault(pair => pair.Key is YamlScalarNode { Value: { } k } && k == key).Value;

    /// <summary>The SKILL.md line and column of a node of <see cref="Frontmatter"/>.</summary>
    public static (int Line, int Column) Locate(YamlNode node) => Locate(node.Start);

    private static (int Line, int Column) Locate(Mark mark) =>
        ((int)Math.Min(int.MaxValue, mark.Line + FrontmatterFirstLine - 1), (int)Math.Min(int.MaxValue, mark.Column));

    /// <summary>
    /// Reads SKILL.md. Returns null, with the reasons added to <paramref name="diagnostics"/>, when the
    /// file is missing or its frontmatter cannot be parsed.
    /// </summary>
    public static Task<SkillMarkdown?> ReadAsync(string path, ICollection<Diagnostic> diagnostics, CancellationToken cancellationToken) =>
        ReadAsync(path, SkillMarkdownOptions.Authoring, diagnostics, cancellationToken);

    /// <inheritdoc cref="ReadAsync(string, ICollection{Diagnostic}, CancellationToken)"/>
    public static async Task<SkillMarkdown?> ReadAsync(string path, SkillMarkdownOptions options, ICollection<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        if (Directory.Exists(path))
        {
            diagnostics.Add(Diagnostic.Error(ErrorCodes.SkillMarkdownNotAFile, $"'{path}' is a folder; {FileName} must be a file holding the skill's frontmatter and instructions. Rename the folder and create {FileName} as a file.", path));
            return null;
        }

        if (!File.Exists(path))
        {
            diagnostics.Add(Diagnostic.Error(ErrorCodes.SkillMarkdownMissing, $"The skill has no {FileName} at '{path}'. Create it, starting with '---' frontmatter holding 'name' and 'description'.", path));
            return null;
        }

        try
        {
            await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, FileOptions.Asynchronous | FileOptions.SequentialScan);
            // No BOM detection unless allowed: the Agent Skills validator checks the first bytes
            // literally, so a BOM must stay visible as U+FEFF and fail. Invalid UTF-8 throws instead of
            // turning into U+FFFD unless the options tolerate it.
            using var reader = new StreamReader(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: !options.ReplaceInvalidUtf8), detectEncodingFromByteOrderMarks: options.AllowByteOrderMark);
            return await ParseAsync(path, reader, diagnostics, cancellationToken).ConfigureAwait(false);
        }
        catch (DecoderFallbackException)
        {
            diagnostics.Add(Diagnostic.Error(ErrorCodes.SkillMarkdownUnreadable, $"{FileName} is not valid UTF-8. Save it as UTF-8 without a byte order mark.", path));
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            diagnostics.Add(Diagnostic.Error(ErrorCodes.SkillMarkdownUnreadable, $"{FileName} could not be read: {ex.Message} Check that the file exists and is readable.", path));
            return null;
        }
    }

    private static async Task<SkillMarkdown?> ParseAsync(string path, TextReader reader, ICollection<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        var first = await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false);
        if (first is null || !IsDelimiter(first))
        {
            diagnostics.Add(Diagnostic.Error(ErrorCodes.FrontmatterMissing, DescribeMissingStart(first), path, 1, 1));
            return null;
        }

        var text = new StringBuilder();
        var lineNumber = 1;
        int? closingLine = null;
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            lineNumber++;
            if (IsDelimiter(line))
            {
                closingLine = lineNumber;
                break;
            }

            if (text.Length + line.Length > MaxFrontmatterChars)
            {
                diagnostics.Add(Diagnostic.Error(ErrorCodes.MetadataTooLarge, $"The frontmatter of {FileName} is larger than {MaxFrontmatterChars / 1024} KiB. Keep the frontmatter to the skill's name, description and short metadata; put everything else in the body or in bundled files.", path, lineNumber));
                return null;
            }

            text.Append(line).Append('\n');
        }

        if (closingLine is null)
        {
            diagnostics.Add(Diagnostic.Error(ErrorCodes.FrontmatterNotClosed, $"The frontmatter of {FileName} opened on line 1 is never closed. Add a line holding only '---' after the last frontmatter field.", path, 1, 1));
            return null;
        }

        YamlStream yaml = [];
        try
        {
            yaml.Load(new StringReader(text.ToString()));
        }
        catch (YamlException ex)
        {
            var (line, column) = Locate(ex.Start);
            diagnostics.Add(Diagnostic.Error(ErrorCodes.FrontmatterInvalidYaml, $"The frontmatter of {FileName} is not valid YAML: {YamlReason(ex)} Fix the YAML syntax (quote values that contain ':' or start with '[', '{{', '*', '&', '!', '|', '>', '%' or '@').", path, Math.Max(line, FrontmatterFirstLine), Math.Max(column, 1)));
            return null;
        }

        if (yaml.Documents.Count == 0 || IsNullScalar(yaml.Documents[0].RootNode))
        {
            return new SkillMarkdown(path, [], closingLine.Value);
        }

        if (yaml.Documents[0].RootNode is not YamlMappingNode mapping)
        {
            var (line, column) = Locate(yaml.Documents[0].RootNode);
            diagnostics.Add(Diagnostic.Error(ErrorCodes.FrontmatterNotMapping, $"The frontmatter of {FileName} must be a YAML mapping of 'key: value' lines (name, description, ...), not a {Describe(yaml.Documents[0].RootNode)}.", path, line, column));
            return null;
        }

        return new SkillMarkdown(path, mapping, closingLine.Value);
    }

    /// <summary>A plain empty, <c>~</c> or <c>null</c> scalar is YAML's null.</summary>
    public static bool IsNullScalar(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any, Value: null or "" or "~" or "null" or "Null" or "NULL" };

    public static string Describe(YamlNode node) => node switch
    {
        YamlMappingNode => "mapping",
        YamlSequenceNode => "list",
        _ => "single value",
    };

    private static bool IsDelimiter(string line) => line.TrimEnd(' ', '\t') == Delimiter;

    private static string DescribeMissingStart(string? first)
    {
        const string Fix = "SKILL.md must begin with a line holding only '---', then the YAML frontmatter (name, description), then a closing '---' line.";
        if (first is null)
        {
            return $"{FileName} is empty. {Fix}";
        }

        if (first.StartsWith('\uFEFF'))
        {
            return $"{FileName} starts with a byte order mark (BOM). Save it as UTF-8 without a BOM; {Fix}";
        }

        if (first.Length == 0 || char.IsWhiteSpace(first[0]))
        {
            return $"{FileName} starts with whitespace or an empty line before the frontmatter. Remove it; {Fix}";
        }

        return $"{FileName} does not start with YAML frontmatter. {Fix}";
    }

    private static string YamlReason(YamlException ex)
    {
        // YamlDotNet prefixes messages with the position, which the diagnostic already carries.
        var message = ex.InnerException is YamlException inner ? inner.Message : ex.Message;
        var close = message.IndexOf("): ", StringComparison.Ordinal);
        var reason = message.StartsWith('(') && close > 0 ? message[(close + 3)..] : message;
        return reason.EndsWith('.') ? reason : reason + ".";
    }
}
