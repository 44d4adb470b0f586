using System.Text.Json;

namespace Skills.Oci.Build.Oci;

/// <summary>
/// Writes OCI JSON documents deterministically: compact, fields in the order the image spec lists
/// them, annotation keys in ordinal order. Digests of what we write depend on these bytes.
/// </summary>
public static class OciJsonWriter
{
    public static void WriteDescriptor(Utf8JsonWriter writer, Descriptor descriptor)
    {
        writer.WriteStartObject();
        writer.WriteString("mediaType", descriptor.MediaType);
        if (descriptor.ArtifactType is not null)
        {
            writer.WriteString("artifactType", descriptor.ArtifactType);
        }

        writer.WriteString("digest", descriptor.Digest.ToString());
        writer.WriteNumber("size", descriptor.Size);
        if (descriptor.Data is not null)
        {
            writer.WriteString("data", descriptor.Data);
        }

        WriteAnnotations(writer, descriptor.Annotations);
        writer.WriteEndObject();
    }

    public static void WriteAnnotations(Utf8JsonWriter writer, IReadOnlyDictionary<string, string>? annotations)
    {
        if (annotations is null || annotations.Count == 0)
        {
            return;
        }

        writer.WritePropertyName("annotations");
        writer.WriteStartObject();
        foreach (var pair in annotations.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            writer.WriteString(pair.Key, pair.Value);
        }

        writer.WriteEndObject();
    }

    /// <summary>Serialises an image manifest (image-spec manifest.md field order).</summary>
    public static byte[] WriteManifest(
        Descriptor config,
        IReadOnlyList<Descriptor> layers,
        string? artifactType = null,
        Descriptor? subject = null,
        IReadOnlyDictionary<string, string>? annotations = null)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteNumber("schemaVersion", 2);
            writer.WriteString("mediaType", MediaTypes.OciManifest);
            if (artifactType is not null)
            {
                writer.WriteString("artifactType", artifactType);
            }

            writer.WritePropertyName("config");
            WriteDescriptor(writer, config);
            writer.WritePropertyName("layers");
            writer.WriteStartArray();
            foreach (var layer in layers)
            {
                WriteDescriptor(writer, layer);
            }

            writer.WriteEndArray();
            if (subject is not null)
            {
                writer.WritePropertyName("subject");
                WriteDescriptor(writer, subject);
            }

            WriteAnnotations(writer, annotations);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Serialises an image index (image-spec image-index.md field order).</summary>
    public static byte[] WriteIndex(
        IReadOnlyList<Descriptor> manifests,
        string? artifactType = null,
        Descriptor? subject = null,
        IReadOnlyDictionary<string, string>? annotations = null)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteNumber("schemaVersion", 2);
            writer.WriteString("mediaType", MediaTypes.OciIndex);
            if (artifactType is not null)
            {
                writer.WriteString("artifactType", artifactType);
            }

            writer.WritePropertyName("manifests");
            writer.WriteStartArray();
            foreach (var manifest in manifests)
            {
                WriteDescriptor(writer, manifest);
            }

            writer.WriteEndArray();
            if (subject is not null)
            {
                writer.WritePropertyName("subject");
                WriteDescriptor(writer, subject);
            }

            WriteAnnotations(writer, annotations);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
