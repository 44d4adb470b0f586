using System.Text.Encodings.Web;
using System.Text.Json;
using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Oci;

namespace Skills.Oci.Build.Format;

/// <summary>
/// A skill another skill needs. <see cref="Reference"/> names the repository and may carry a tag or a
/// digest (ToolHive writes whole references); <see cref="Version"/> is a version spec as a
/// SkillReference's Version (restore parses it). Never both a tag or digest and a version.
/// </summary>
public sealed record SkillRequirement(ImageReference Reference, string? Version)
{
    /// <summary>True when neither a version, a tag nor a digest narrows it: any version will do.</summary>
    public bool IsUnconstrained => Version is null && Reference.Tag is null && Reference.Digest is null;
}

/// <summary>
/// The manifest annotation listing a skill's requirements: <c>io.agentskills.skill.requires</c>, a JSON
/// array of <c>{"ref": "...", "version": "..."}</c>, written and read here; ToolHive's
/// <c>dev.toolhive.skills.requires</c> (a JSON array of reference strings) is read too. Where both name
/// the same repository, ours wins.
/// </summary>
public static class SkillRequirements
{
    public static IReadOnlyList<SkillRequirement> Read(IReadOnlyDictionary<string, string>? annotations, string origin)
    {
        if (annotations is null)
        {
            return [];
        }

        var result = new List<SkillRequirement>();
        if (annotations.TryGetValue(AnnotationKeys.SkillRequires, out var ours))
        {
            result.AddRange(ReadOurs(ours, origin));
        }

        if (annotations.TryGetValue(AnnotationKeys.ToolHiveRequires, out var toolHive))
        {
            var seen = result.Select(r => r.Reference.RepositoryName).ToHashSet(StringComparer.Ordinal);
            result.AddRange(ReadToolHive(toolHive, origin).Where(r => seen.Add(r.Reference.RepositoryName)));
        }

        return result;
    }

    /// <summary>The annotation value: compact JSON, in ordinal order of the reference, so the manifest digest is stable.</summary>
    public static string Write(IReadOnlyList<SkillRequirement> requirements)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartArray();
            foreach (var requirement in requirements.OrderBy(r => r.Reference.ToString(), StringComparer.Ordinal))
            {
                writer.WriteStartObject();
                writer.WriteString("ref", requirement.Reference.ToString());
                if (requirement.Version is not null)
                {
                    writer.WriteString("version", requirement.Version);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static List<SkillRequirement> ReadOurs(string json, string origin)
    {
        var result = new List<SkillRequirement>();
        foreach (var (element, index) in Elements(json, AnnotationKeys.SkillRequires, origin))
        {
            if (element.ValueKind != JsonValueKind.Object ||
                !element.TryGetProperty("ref", out var refElement) || refElement.ValueKind != JsonValueKind.String)
            {
                throw Invalid(origin, AnnotationKeys.SkillRequires, $"entry {index + 1} is not an object with a string \"ref\"");
            }

            string? version = null;
            if (element.TryGetProperty("version", out var versionElement))
            {
                version = versionElement.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(versionElement.GetString())
                    ? versionElement.GetString()
                    : throw Invalid(origin, AnnotationKeys.SkillRequires, $"entry {index + 1} has a \"version\" that is not a non-empty string");
            }

            var reference = ParseReference(refElement.GetString()!, origin, AnnotationKeys.SkillRequires, index);
            if (version is not null && (reference.Tag is not null || reference.Digest is not null))
            {
                throw Invalid(origin, AnnotationKeys.SkillRequires, $"entry {index + 1} gives both a tag or digest in \"ref\" ({reference}) and a \"version\" ({version})");
            }

            result.Add(new SkillRequirement(reference, version));
        }

        return result;
    }

    private static List<SkillRequirement> ReadToolHive(string json, string origin)
    {
        var result = new List<SkillRequirement>();
        foreach (var (element, index) in Elements(json, AnnotationKeys.ToolHiveRequires, origin))
        {
            if (element.ValueKind != JsonValueKind.String)
            {
                throw Invalid(origin, AnnotationKeys.ToolHiveRequires, $"entry {index + 1} is not a string");
            }

            result.Add(new SkillRequirement(ParseReference(element.GetString()!, origin, AnnotationKeys.ToolHiveRequires, index), null));
        }

        return result;
    }

    private static List<(JsonElement Element, int Index)> Elements(string json, string key, string origin)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            throw Invalid(origin, key, $"it is not JSON ({ex.Message})");
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                throw Invalid(origin, key, "it is not a JSON array");
            }

            // Cloned so the elements outlive the document.
            return document.RootElement.EnumerateArray().Select((e, i) => (e.Clone(), i)).ToList();
        }
    }

    private static ImageReference ParseReference(string value, string origin, string key, int index) =>
        ImageReference.TryParse(value, out var reference, out var error) && reference is not null
            ? reference
            : throw Invalid(origin, key, $"entry {index + 1} names '{value}', which is not a reference: {error}");

    private static SkillsOciException Invalid(string origin, string key, string why) =>
        new(ErrorCodes.SkillRequirementsInvalid, $"The requirements ({key}) of {origin} cannot be read: {why}.");
}
