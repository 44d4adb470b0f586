using System.Text.Json;
using System.Text.Json.Serialization;

namespace Skills.Oci.Build.Oci;

/// <summary>An OCI image manifest, as read. Unknown fields are ignored.</summary>
public sealed record OciManifest
{
    [JsonPropertyName("schemaVersion")]
    public int SchemaVersion { get; init; }

    [JsonPropertyName("mediaType")]
    public string? MediaType { get; init; }

    [JsonPropertyName("artifactType")]
    public string? ArtifactType { get; init; }

    [JsonPropertyName("config")]
    public Descriptor? Config { get; init; }

    [JsonPropertyName("layers")]
    public IReadOnlyList<Descriptor>? Layers { get; init; }

    [JsonPropertyName("subject")]
    public Descriptor? Subject { get; init; }

    [JsonPropertyName("annotations")]
    public IReadOnlyDictionary<string, string>? Annotations { get; init; }

    public string? GetAnnotation(string key) =>
        Annotations is not null && Annotations.TryGetValue(key, out var value) ? value : null;

    /// <summary>Parses manifest bytes; malformed JSON or a missing config is a protocol error.</summary>
    public static OciManifest Parse(ReadOnlySpan<byte> json)
    {
        var manifest = OciJson.Deserialize<OciManifest>(json, "image manifest");
        if (manifest.SchemaVersion != 2 || manifest.Config is null)
        {
            throw new RegistryException(RegistryErrorKind.Protocol, "The content is not an OCI image manifest (schemaVersion 2 with a config).");
        }

        return manifest;
    }
}

/// <summary>An OCI image index, as read. Unknown fields are ignored.</summary>
public sealed record OciIndex
{
    [JsonPropertyName("schemaVersion")]
    public int SchemaVersion { get; init; }

    [JsonPropertyName("mediaType")]
    public string? MediaType { get; init; }

    [JsonPropertyName("artifactType")]
    public string? ArtifactType { get; init; }

    [JsonPropertyName("manifests")]
    public IReadOnlyList<Descriptor> Manifests { get; init; } = [];

    [JsonPropertyName("subject")]
    public Descriptor? Subject { get; init; }

    [JsonPropertyName("annotations")]
    public IReadOnlyDictionary<string, string>? Annotations { get; init; }

    public static OciIndex Parse(ReadOnlySpan<byte> json)
    {
        var index = OciJson.Deserialize<OciIndex>(json, "image index");
        if (index.SchemaVersion != 2)
        {
            throw new RegistryException(RegistryErrorKind.Protocol, "The content is not an OCI image index (schemaVersion 2).");
        }

        return index;
    }
}

/// <summary>JSON settings shared by every OCI document we read.</summary>
internal static class OciJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNameCaseInsensitive = false,
        ReadCommentHandling = JsonCommentHandling.Disallow,
        AllowTrailingCommas = false,
    };

    public static T Deserialize<T>(ReadOnlySpan<byte> json, string what)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(json, Options)
                   ?? throw new RegistryException(RegistryErrorKind.Protocol, $"The {what} is empty (JSON null).");
        }
        catch (JsonException ex)
        {
            throw new RegistryException(RegistryErrorKind.Protocol, $"The {what} is not valid JSON: {ex.Message}", ex);
        }
    }
}

internal sealed class DigestJsonConverter : JsonConverter<Digest>
{
    public override Digest Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.GetString();
        if (!Digest.TryParse(text, out var digest, out var error))
        {
            throw new JsonException(error);
        }

        return digest;
    }

    public override void Write(Utf8JsonWriter writer, Digest value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString());
}
