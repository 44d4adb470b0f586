using System.Text.Encodings.Web;
using System.Text.Json;
using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.FileSystem;

namespace Skills.Oci.Build.Security;

/// <summary>One scanned skill for a report: its name, its folder relative to the report's base ('/' separated), its findings and allow list.</summary>
public sealed record ScannedSkill(string Name, string Folder, SkillScanResult Result, FindingAllowList Allow);

/// <summary>
/// A SARIF 2.1.0 log of scan results, for code-scanning dashboards: one run, the finding codes as
/// rules (with GitHub's <c>security-severity</c>), each finding a result located relative to
/// <c>%SRCROOT%</c> (the skills root, or the scanned folder), accepted findings as suppressions with
/// their reason. Written atomically.
/// </summary>
public static class SarifReport
{
    public const string SchemaUri = "https://json.schemastore.org/sarif-2.1.0.json";

    public static async Task WriteAsync(string path, string baseFolder, IEnumerable<ScannedSkill> skills, CancellationToken cancellationToken)
    {
        byte[] bytes;
        try
        {
            bytes = Serialize(baseFolder, skills);
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            await AtomicFile.WriteAllBytesAsync(path, bytes, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new SkillsOciException(ErrorCodes.ScanReportWriteFailed, $"The SARIF report '{path}' could not be written: {ex.Message}", path, 0, ex);
        }
    }

    public static byte[] Serialize(string baseFolder, IEnumerable<ScannedSkill> skills)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteString("$schema", SchemaUri);
            writer.WriteString("version", "2.1.0");
            writer.WriteStartArray("runs");
            writer.WriteStartObject();
            WriteTool(writer);
            writer.WriteStartObject("originalUriBaseIds");
            writer.WriteStartObject("SRCROOT");
            writer.WriteString("uri", new Uri(Path.TrimEndingDirectorySeparator(Path.GetFullPath(baseFolder)) + Path.DirectorySeparatorChar).AbsoluteUri);
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteStartArray("results");
            foreach (var skill in skills.OrderBy(s => s.Name, StringComparer.Ordinal))
            {
                foreach (var finding in skill.Result.Findings)
                {
                    WriteResult(writer, skill, finding);
                }
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteTool(Utf8JsonWriter writer)
    {
        var id = SkillContentScanner.ScannerId;
        writer.WriteStartObject("tool");
        writer.WriteStartObject("driver");
        writer.WriteString("name", id[..id.IndexOf('/')]);
        writer.WriteString("version", id[(id.IndexOf('/') + 1)..]);
        writer.WriteString("informationUri", ErrorCodes.HelpLinkBase.Replace("/errors/", "/security.md", StringComparison.Ordinal));
        writer.WriteStartArray("rules");
        foreach (var code in ScanCodes.All)
        {
            writer.WriteStartObject();
            writer.WriteString("id", code.Code);
            writer.WriteString("name", code.Name);
            writer.WriteStartObject("shortDescription");
            writer.WriteString("text", code.Title);
            writer.WriteEndObject();
            writer.WriteString("helpUri", ErrorCodes.HelpLink(code.Code));
            writer.WriteStartObject("defaultConfiguration");
            writer.WriteString("level", Level(code.Severity));
            writer.WriteEndObject();
            writer.WriteStartObject("properties");
            writer.WriteString("security-severity", SecuritySeverity(code.Severity));
            writer.WriteStartArray("tags");
            writer.WriteStringValue("security");
            writer.WriteEndArray();
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void WriteResult(Utf8JsonWriter writer, ScannedSkill skill, SkillFinding finding)
    {
        writer.WriteStartObject();
        writer.WriteString("ruleId", finding.Code);
        writer.WriteNumber("ruleIndex", ScanCodes.All.ToList().FindIndex(c => c.Code == finding.Code));
        writer.WriteString("level", Level(finding.Severity));
        writer.WriteStartObject("message");
        writer.WriteString("text", finding.Message);
        writer.WriteEndObject();
        writer.WriteStartArray("locations");
        writer.WriteStartObject();
        writer.WriteStartObject("physicalLocation");
        writer.WriteStartObject("artifactLocation");
        writer.WriteString("uri", Uri.EscapeDataString(skill.Folder.Length == 0 ? finding.File : skill.Folder + "/" + finding.File).Replace("%2F", "/", StringComparison.Ordinal));
        writer.WriteString("uriBaseId", "SRCROOT");
        writer.WriteEndObject();
        if (finding.Line > 0)
        {
            writer.WriteStartObject("region");
            writer.WriteNumber("startLine", finding.Line);
            writer.WriteNumber("startColumn", Math.Max(1, finding.Column));
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndArray();
        if (skill.Allow.ReasonFor(finding.Code) is { } reason)
        {
            writer.WriteStartArray("suppressions");
            writer.WriteStartObject();
            writer.WriteString("kind", "external");
            writer.WriteString("justification", reason);
            writer.WriteEndObject();
            writer.WriteEndArray();
        }

        writer.WriteStartObject("properties");
        writer.WriteString("skill", skill.Name);
        writer.WriteString("severity", finding.Severity.Name());
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static string Level(ScanSeverity severity) => severity switch
    {
        >= ScanSeverity.High => "error",
        ScanSeverity.Info => "note",
        _ => "warning",
    };

    /// <summary>GitHub's scale: 9.0+ critical, 7.0+ high, 4.0+ medium, above 0 low.</summary>
    private static string SecuritySeverity(ScanSeverity severity) => severity switch
    {
        ScanSeverity.Critical => "9.5",
        ScanSeverity.High => "8.0",
        ScanSeverity.Medium => "5.5",
        ScanSeverity.Low => "3.0",
        _ => "0.0",
    };
}
