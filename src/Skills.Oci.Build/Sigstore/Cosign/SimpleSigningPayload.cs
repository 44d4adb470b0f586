using System.Text.Json;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Sigstore.Serialization;

namespace Skills.Oci.Build.Sigstore.Cosign;

/// <summary>
/// cosign's legacy signature payload (Red Hat "simple signing"): the manifest digest under
/// <c>critical.image.docker-manifest-digest</c>, the reference under <c>critical.identity</c>, the type
/// <c>cosign container image signature</c>, and free-form <c>optional</c> annotations.
/// </summary>
public sealed class SimpleSigningPayload
{
    public const string SignatureType = "cosign container image signature";

    private SimpleSigningPayload(Digest manifestDigest, string? dockerReference, IReadOnlyDictionary<string, string> optional)
    {
        ManifestDigest = manifestDigest;
        DockerReference = dockerReference;
        Optional = optional;
    }

    public Digest ManifestDigest { get; }

    public string? DockerReference { get; }

    /// <summary>The <c>optional</c> entries whose values are strings.</summary>
    public IReadOnlyDictionary<string, string> Optional { get; }

    public static SimpleSigningPayload Parse(ReadOnlyMemory<byte> json)
    {
        var payload = ProtoJson.Parse(json, "cosign signature payload", SigstoreFailureKind.CosignPayloadInvalid);
        var critical = payload.RequiredObject("critical");
        var type = critical.RequiredString("type");
        if (!string.Equals(type, SignatureType, StringComparison.OrdinalIgnoreCase))
        {
            throw critical.Error($"the type is '{type}', not '{SignatureType}'.");
        }

        var digestText = critical.RequiredObject("image").RequiredString("docker-manifest-digest");
        if (!Digest.TryParse(digestText, out var digest, out var error))
        {
            throw critical.Error(error);
        }

        string? reference = null;
        if (critical.TryGet("identity", out var identity) && identity.IsObject)
        {
            reference = identity.OptionalString("docker-reference");
        }

        var optional = new Dictionary<string, string>(StringComparer.Ordinal);
        if (payload.TryGet("optional", out var entries) && entries.IsObject)
        {
            foreach (var property in entries.Element.EnumerateObject())
            {
                if (property.Value.ValueKind == JsonValueKind.String)
                {
                    optional[property.Name] = property.Value.GetString()!;
                }
            }
        }

        return new SimpleSigningPayload(digest, reference, optional);
    }

    /// <summary>The payload bytes cosign writes for <paramref name="manifestDigest"/>.</summary>
    public static byte[] Create(string dockerReference, Digest manifestDigest, IReadOnlyDictionary<string, string>? optional = null)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("critical");
            writer.WriteStartObject("identity");
            writer.WriteString("docker-reference", dockerReference);
            writer.WriteEndObject();
            writer.WriteStartObject("image");
            writer.WriteString("docker-manifest-digest", manifestDigest.ToString());
            writer.WriteEndObject();
            writer.WriteString("type", SignatureType);
            writer.WriteEndObject();
            if (optional is null || optional.Count == 0)
            {
                writer.WriteNull("optional");
            }
            else
            {
                writer.WriteStartObject("optional");
                foreach (var (key, value) in optional.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    writer.WriteString(key, value);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
