using System.Text.Encodings.Web;
using System.Text.Json;

namespace Skills.Oci.Build.Packaging;

/// <summary>
/// The skill config blob (<c>application/vnd.agentskills.skill.config.v1+json</c>), written exactly as
/// artifact-format.md §4 says: compact JSON, fields in table order, absent fields omitted, metadata keys
/// in ordinal order, so the same SKILL.md and Version always give the same bytes and digest.
/// </summary>
public static class SkillConfig
{
    public const string SchemaVersion = "1";

    public static byte[] Write(SkillDefinition skill, SkillVersion version)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteString("schemaVersion", SchemaVersion);
            writer.WriteString("name", skill.Name.Value);
            writer.WriteString("version", version.Text);
            WriteIfPresent(writer, "description", skill.Description);
            WriteIfPresent(writer, "license", skill.License);
            WriteIfPresent(writer, "compatibility", skill.Compatibility);
            if (skill.AllowedTools is { Count: > 0 } tools)
            {
                writer.WritePropertyName("allowedTools");
                writer.WriteStartArray();
                foreach (var tool in tools)
                {
                    writer.WriteStringValue(tool);
                }

                writer.WriteEndArray();
            }

            if (skill.Metadata is { Count: > 0 } metadata)
            {
                writer.WritePropertyName("metadata");
                writer.WriteStartObject();
                foreach (var pair in metadata.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    writer.WriteString(pair.Key, pair.Value);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteIfPresent(Utf8JsonWriter writer, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            writer.WriteString(name, value);
        }
    }
}
