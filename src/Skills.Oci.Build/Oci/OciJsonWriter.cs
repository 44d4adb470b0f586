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
        IReadOnlyDictionary<string, string>? annotations = null) =>
        WriteDocument(MediaTypes.OciManifest, artifactType, subject, annotations, writer =>
        {
            writer.WritePropertyName("config");
            WriteDescriptor(writer, config);
            WriteDescriptors(writer, "layers", layers);
        });

    /// <summary>Serialises an image index (image-spec image-index.md field order).</summary>
    public static byte[] WriteIndex(
        IReadOnlyList<Descriptor> manifests,
        string? artifactType = null,
        Descriptor? subject = null,
        IReadOnlyDictionary<string, string>? annotations = null) =>
        WriteDocument(MediaTypes.OciIndex, artifactType, subject, annotations, writer => WriteDescriptors(writer, "manifests", manifests));

    /// <summary>The frame both documents share: schemaVersion, mediaType, artifactType, body, subject, annotations.</summary>
    private static byte[] WriteDocument(
        string mediaType,
        string? artifactType,
        Descriptor? subject,
        IReadOnlyDictionary<string, string>? annotations,
        Action<Utf8JsonWriter> writeBody)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        // Relaxed escaping keeps '+' in media types literal ("v1+json"), as every other OCI tool writes it.
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteNumber("schemaVersion", 2);
            writer.WriteString("mediaType", mediaType);
            if (artifactType is not null)
            {
                writer.WriteString("artifactType", artifactType);
            }

            writeBody(writer);
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

    private static void WriteDescriptors(Utf8JsonWriter writer, string name, IReadOnlyList<Descriptor> descriptors)
    {
        writer.WritePropertyName(name);
        writer.WriteStartArray();
        foreach (var descriptor in descriptors)
        {
            WriteDescriptor(writer, descriptor);
        }

        writer.WriteEndArray();
    }
}
