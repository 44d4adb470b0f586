using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Skills.Oci.Build.Diagnostics;

namespace Skills.Oci.Build.Hooks;

/// <summary>
/// A user's JSON settings file, edited in place: parsed into a <see cref="JsonObject"/> that keeps
/// every key, value and order, and written back in the file's own layout (indent, line ending, final
/// newline, BOM), so a file written as editors and System.Text.Json write JSON changes only where we
/// changed it. Numbers keep their text; strings are written unescaped where JSON allows.
/// </summary>
public sealed class JsonSettingsFile
{
    private static readonly JsonSerializerOptions ScalarOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private JsonSettingsFile(string relativePath, JsonObject root, string indent, string newLine, bool finalNewLine, bool byteOrderMark)
    {
        RelativePath = relativePath;
        Root = root;
        Indent = indent;
        NewLine = newLine;
        FinalNewLine = finalNewLine;
        ByteOrderMark = byteOrderMark;
    }

    /// <summary>Root-relative with '/', as output lines name it.</summary>
    public string RelativePath { get; }

    public JsonObject Root { get; }

    public string Indent { get; }

    public string NewLine { get; }

    public bool FinalNewLine { get; }

    public bool ByteOrderMark { get; }

    /// <summary>An empty object, laid out as we write new files: two spaces, LF, a final newline.</summary>
    public static JsonSettingsFile New(string relativePath) => new(relativePath, [], "  ", "\n", finalNewLine: true, byteOrderMark: false);

    /// <summary>
    /// Parses <paramref name="bytes"/>; invalid JSON is SKOCI6060 and JSON with comments SKOCI6062 (both
    /// at the file and line), a root that is not an object SKOCI6061. An empty file is an empty object.
    /// </summary>
    public static JsonSettingsFile Parse(string relativePath, string fullPath, byte[] bytes)
    {
        var bom = bytes.AsSpan().StartsWith(Encoding.UTF8.Preamble);
        var text = Encoding.UTF8.GetString(bom ? bytes[Encoding.UTF8.Preamble.Length..] : bytes);
        var newLine = text.Contains("\r\n", StringComparison.Ordinal) ? "\r\n" : "\n";
        if (text.Trim().Length == 0)
        {
            return new JsonSettingsFile(relativePath, [], "  ", newLine, finalNewLine: true, bom);
        }

        JsonNode? node;
        try
        {
            node = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { AllowTrailingCommas = true });
        }
        catch (JsonException ex)
        {
            throw Unreadable(fullPath, text, ex);
        }

        if (node is not JsonObject root)
        {
            throw new SkillsOciException(ErrorCodes.HookFileUnexpectedShape,
                $"'{fullPath}' does not hold a JSON object at its root, so Skills.Oci cannot add its session-start hook. Fix the file, or add the hook by hand (docs/agents.md).", fullPath, 1);
        }

        return new JsonSettingsFile(relativePath, root, DetectIndent(text), newLine, text.EndsWith('\n'), bom);
    }

    /// <summary>The file's bytes: the tree in the file's layout.</summary>
    public byte[] ToBytes()
    {
        var builder = new StringBuilder();
        Write(builder, Root, 0);
        if (FinalNewLine)
        {
            builder.Append(NewLine);
        }

        var body = Encoding.UTF8.GetBytes(builder.ToString());
        return ByteOrderMark ? [.. Encoding.UTF8.Preamble, .. body] : body;
    }

    /// <summary>A coded error for the line that could not be edited because of an unexpected value.</summary>
    public static SkillsOciException Shape(string fullPath, string what) =>
        new(ErrorCodes.HookFileUnexpectedShape,
            $"In '{fullPath}', {what}, so Skills.Oci cannot add its session-start hook without changing what is there. Fix the value, or add the hook by hand (docs/agents.md).", fullPath);

    private static SkillsOciException Unreadable(string fullPath, string text, JsonException ex)
    {
        var line = (int)(ex.LineNumber ?? 0) + 1;
        var column = (int)(ex.BytePositionInLine ?? 0) + 1;
        try
        {
            JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
            return new SkillsOciException(Diagnostic.Error(ErrorCodes.HookFileHasComments,
                $"'{fullPath}' holds comments, which Skills.Oci cannot keep when it rewrites the file. Remove the comments, or add the session-start hook by hand (docs/agents.md); the file was not changed.", fullPath, line, column), ex);
        }
        catch (JsonException)
        {
            return new SkillsOciException(Diagnostic.Error(ErrorCodes.HookFileInvalidJson,
                $"'{fullPath}' is not valid JSON ({FirstSentence(ex.Message)}), so Skills.Oci did not change it. Fix the file and run register again.", fullPath, line, column), ex);
        }
    }

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(" Path:", StringComparison.Ordinal);
        return (end > 0 ? message[..end] : message).TrimEnd('.', ' ');
    }

    /// <summary>The whitespace before the first indented line: the unit the file nests by (two spaces when it has none).</summary>
    private static string DetectIndent(string text)
    {
        foreach (var line in text.Split('\n').Skip(1))
        {
            var indent = line[..(line.Length - line.TrimStart(' ', '\t').Length)];
            if (indent.Length > 0 && line.Trim().Length > 0)
            {
                return indent;
            }
        }

        return "  ";
    }

    private void Write(StringBuilder builder, JsonNode? node, int depth)
    {
        switch (node)
        {
            case JsonObject obj when obj.Count == 0:
                builder.Append("{}");
                break;
            case JsonObject obj:
                builder.Append('{');
                var first = true;
                foreach (var (name, value) in obj)
                {
                    builder.Append(first ? string.Empty : ",").Append(NewLine);
                    AppendIndent(builder, depth + 1);
                    builder.Append(JsonSerializer.Serialize(name, ScalarOptions)).Append(": ");
                    Write(builder, value, depth + 1);
                    first = false;
                }

                builder.Append(NewLine);
                AppendIndent(builder, depth);
                builder.Append('}');
                break;
            case JsonArray array when array.Count == 0:
                builder.Append("[]");
                break;
            case JsonArray array:
                builder.Append('[');
                for (var i = 0; i < array.Count; i++)
                {
                    builder.Append(i == 0 ? string.Empty : ",").Append(NewLine);
                    AppendIndent(builder, depth + 1);
                    Write(builder, array[i], depth + 1);
                }

                builder.Append(NewLine);
                AppendIndent(builder, depth);
                builder.Append(']');
                break;
            case null:
                builder.Append("null");
                break;
            default:
                builder.Append(node.ToJsonString(ScalarOptions));
                break;
        }
    }

    private void AppendIndent(StringBuilder builder, int depth)
    {
        for (var i = 0; i < depth; i++)
        {
            builder.Append(Indent);
        }
    }
}
