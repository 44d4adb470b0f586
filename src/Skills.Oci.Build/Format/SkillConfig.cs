using System.Text.Encodings.Web;
using System.Text.Json;
using Skills.Oci.Build.Diagnostics;

namespace Skills.Oci.Build.Format;

/// <summary>
/// The skill config blob (<c>application/vnd.agentskills.skill.config.v1+json</c>), written and read
/// here. Written canonically: compact JSON, fields in a fixed order, absent fields omitted, metadata
/// keys in ordinal order, so the same SKILL.md and Version always give the same bytes and digest. Read
/// tolerantly: unknown fields and optional fields of another type are ignored, but the schema version
/// and the name (which names a folder) are checked with the same rule that packing applies.
/// </summary>
public sealed record SkillConfig
{
    public const string SchemaVersion = "1";

    public required SkillName Name { get; init; }

    /// <summary>The publish version; always written, optional when read.</summary>
    public string? Version { get; init; }

    public string? Description { get; init; }

    public string? License { get; init; }

    public string? Compatibility { get; init; }

    public IReadOnlyList<string>? AllowedTools { get; init; }

    public IReadOnlyDictionary<string, string>? Metadata { get; init; }

    /// <summary>
    /// The skills this one needs (SkillDependency items), as <c>requires</c>: the same entries as the
    /// manifest's <c>io.agentskills.skill.requires</c>, in the same order. Absent when there are none, so
    /// a skill without dependencies keeps the bytes it always had.
    /// </summary>
    public IReadOnlyList<SkillRequirement>? Requires { get; init; }

    public byte[] Write()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteString("schemaVersion", SchemaVersion);
            writer.WriteString("name", Name.Value);
            WriteIfPresent(writer, "version", Version);
            WriteIfPresent(writer, "description", Description);
            WriteIfPresent(writer, "license", License);
            WriteIfPresent(writer, "compatibility", Compatibility);
            if (AllowedTools is { Count: > 0 } tools)
            {
                writer.WritePropertyName("allowedTools");
                writer.WriteStartArray();
                foreach (var tool in tools)
                {
                    writer.WriteStringValue(tool);
                }

                writer.WriteEndArray();
            }

            if (Metadata is { Count: > 0 } metadata)
            {
                writer.WritePropertyName("metadata");
                writer.WriteStartObject();
                foreach (var pair in metadata.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    writer.WriteString(pair.Key, pair.Value);
                }

                writer.WriteEndObject();
            }

            if (Requires is { Count: > 0 } requires)
            {
                writer.WritePropertyName("requires");
                writer.WriteStartArray();
                foreach (var requirement in SkillRequirements.InWriteOrder(requires))
                {
                    writer.WriteStartObject();
                    writer.WriteString("ref", requirement.Reference.ToString());
                    WriteIfPresent(writer, "version", requirement.Version);
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Reads a config blob; every refusal is a <c>SKOCI3007</c> error naming <paramref name="reference"/>.</summary>
    public static SkillConfig Read(ReadOnlySpan<byte> bytes, string reference)
    {
        try
        {
            using var document = JsonDocument.Parse(bytes.ToArray());
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Invalid(reference, "it is not a JSON object");
            }

            if (!root.TryGetProperty("schemaVersion", out var schema) || schema.ValueKind != JsonValueKind.String || schema.GetString() != SchemaVersion)
            {
                throw Invalid(reference, $"its schemaVersion is not the string \"{SchemaVersion}\"");
            }

            if (!root.TryGetProperty("name", out var nameElement) || nameElement.ValueKind != JsonValueKind.String)
            {
                throw Invalid(reference, "it has no name");
            }

            var text = nameElement.GetString()!;
            if (!SkillName.TryParse(text, SkillNameInput.Stored, out var name))
            {
                throw Invalid(reference, string.Join(" ", SkillName.FindProblems(text, SkillNameInput.Stored)).TrimEnd('.'));
            }

            return new SkillConfig
            {
                Name = name,
                Version = OptionalString(root, "version"),
                Description = OptionalString(root, "description"),
                License = OptionalString(root, "license"),
                Compatibility = OptionalString(root, "compatibility"),
                AllowedTools = OptionalStrings(root, "allowedTools"),
                Metadata = OptionalMap(root, "metadata"),
                Requires = OptionalRequirements(root, "requires"),
            };
        }
        catch (JsonException ex)
        {
            throw Invalid(reference, $"it is not valid JSON ({ex.Message})", ex);
        }
    }

    private static void WriteIfPresent(Utf8JsonWriter writer, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            writer.WriteString(name, value);
        }
    }

    private static string? OptionalString(JsonElement root, string property) =>
        root.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static List<string>? OptionalStrings(JsonElement root, string property) =>
        root.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Array && value.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String)
            ? value.EnumerateArray().Select(e => e.GetString()!).ToList()
            : null;

    /// <summary>Tolerant, as for every optional field: entries that are not <c>{"ref": reference, "version"?: string}</c> make the field absent.</summary>
    private static List<SkillRequirement>? OptionalRequirements(JsonElement root, string property)
    {
        if (!root.TryGetProperty(property, out var value) || value.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        var result = new List<SkillRequirement>();
        foreach (var entry in value.EnumerateArray())
        {
            if (entry.ValueKind != JsonValueKind.Object ||
                !entry.TryGetProperty("ref", out var reference) || reference.ValueKind != JsonValueKind.String ||
                !Oci.ImageReference.TryParse(reference.GetString(), out var parsed, out _))
            {
                return null;
            }

            var version = entry.TryGetProperty("version", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            result.Add(new SkillRequirement(parsed!, version));
        }

        return result;
    }

    private static SortedDictionary<string, string>? OptionalMap(JsonElement root, string property)
    {
        if (!root.TryGetProperty(property, out var value) || value.ValueKind != JsonValueKind.Object || value.EnumerateObject().Any(p => p.Value.ValueKind != JsonValueKind.String))
        {
            return null;
        }

        // JSON allows a key twice; the last one wins, as in most readers.
        var map = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in value.EnumerateObject())
        {
            map[pair.Name] = pair.Value.GetString()!;
        }

        return map;
    }

    private static SkillsOciException Invalid(string reference, string detail, Exception? inner = null) =>
        new(ErrorCodes.InvalidSkillConfig, $"The skill config of '{reference}' is invalid: {detail}. Ask the skill's publisher to push a valid artifact.", innerException: inner);
}
