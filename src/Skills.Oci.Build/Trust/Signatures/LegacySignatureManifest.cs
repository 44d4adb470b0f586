using System.Text.Json;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Sigstore.Cosign;

namespace Skills.Oci.Build.Trust.Signatures;

/// <summary>
/// The parts of cosign's legacy <c>sha256-&lt;hex&gt;.sig</c> manifest (cosign's specs/SIGNATURE_SPEC.md): one
/// simple-signing layer per signature, the signature in a layer annotation, and an OCI image config
/// whose <c>rootfs.diff_ids</c> list the layers (cosign builds it as an image, layer by layer).
/// </summary>
internal static class LegacySignatureManifest
{
    /// <summary>The creation time cosign's configs carry: the zero time, so the config is reproducible.</summary>
    private const string ZeroTime = "0001-01-01T00:00:00Z";

    public static Descriptor Layer(ReadOnlySpan<byte> payload, string signatureBase64, IReadOnlyDictionary<string, string>? extraAnnotations)
    {
        var annotations = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (extraAnnotations is not null)
        {
            foreach (var (key, value) in extraAnnotations)
            {
                annotations[key] = value;
            }
        }

        annotations[CosignSignatureAnnotations.Signature] = signatureBase64;
        return Descriptor.FromContent(CosignSignatureAnnotations.PayloadMediaType, payload) with { Annotations = annotations };
    }

    /// <summary>Same payload and same signature: attaching it again would add nothing.</summary>
    public static bool IsSameSignature(Descriptor existing, Descriptor candidate) =>
        existing.Digest == candidate.Digest &&
        existing.GetAnnotation(CosignSignatureAnnotations.Signature) == candidate.GetAnnotation(CosignSignatureAnnotations.Signature);

    public static (Descriptor Descriptor, byte[] Bytes) Config(IReadOnlyList<Descriptor> layers)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("architecture", string.Empty);
            writer.WriteString("created", ZeroTime);
            writer.WriteStartArray("history");
            foreach (var _ in layers)
            {
                writer.WriteStartObject();
                writer.WriteString("created", ZeroTime);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteString("os", string.Empty);
            writer.WriteStartObject("rootfs");
            writer.WriteString("type", "layers");
            writer.WriteStartArray("diff_ids");
            foreach (var layer in layers)
            {
                // The payload layers are not compressed, so each diff ID is the layer digest.
                writer.WriteStringValue(layer.Digest.ToString());
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
            writer.WriteStartObject("config");
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        var bytes = buffer.WrittenSpan.ToArray();
        return (Descriptor.FromContent(MediaTypes.OciImageConfig, bytes), bytes);
    }
}
