using System.Globalization;
using System.Text;
using System.Text.Json;
using Skills.Oci.Build.Sigstore.Serialization;

namespace Skills.Oci.Build.Sigstore.Attestations;

/// <summary>One DSSE signature: the raw signature bytes and the optional key ID.</summary>
public sealed record DsseSignature(byte[] Signature, string? KeyId);

/// <summary>
/// A DSSE envelope (secure-systems-lab/dsse): a typed payload and signatures over its
/// pre-authentication encoding (PAE), never over the payload bytes alone.
/// </summary>
public sealed class DsseEnvelope
{
    public const string InTotoPayloadType = "application/vnd.in-toto+json";

    public DsseEnvelope(string payloadType, byte[] payload, IReadOnlyList<DsseSignature> signatures)
    {
        PayloadType = payloadType;
        Payload = payload;
        Signatures = signatures;
    }

    public string PayloadType { get; }

    public byte[] Payload { get; }

    public IReadOnlyList<DsseSignature> Signatures { get; }

    /// <summary>The bytes a DSSE signature covers: <c>PAE(type, payload)</c>.</summary>
    public byte[] PreAuthenticationEncoding() => Pae(PayloadType, Payload);

    /// <summary>
    /// <c>"DSSEv1" SP LEN(type) SP type SP LEN(body) SP body</c>, lengths as ASCII decimal byte counts.
    /// </summary>
    public static byte[] Pae(string payloadType, ReadOnlySpan<byte> payload)
    {
        var type = System.Text.Encoding.UTF8.GetBytes(payloadType);
        var header = System.Text.Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"DSSEv1 {type.Length} "));
        var middle = System.Text.Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $" {payload.Length} "));
        var result = new byte[header.Length + type.Length + middle.Length + payload.Length];
        header.CopyTo(result, 0);
        type.CopyTo(result, header.Length);
        middle.CopyTo(result, header.Length + type.Length);
        payload.CopyTo(result.AsSpan(header.Length + type.Length + middle.Length));
        return result;
    }

    internal static DsseEnvelope Parse(ProtoJson envelope)
    {
        var payloadType = envelope.RequiredString("payloadType");
        var payload = envelope.RequiredBytes("payload");
        var signatures = envelope.OptionalArray("signatures")
            .Select(s => new DsseSignature(s.RequiredBytes("sig"), s.OptionalString("keyid")))
            .ToList();
        return new DsseEnvelope(payloadType, payload, signatures);
    }

    public static DsseEnvelope Parse(ReadOnlyMemory<byte> json) =>
        Parse(ProtoJson.Parse(json, "DSSE envelope", SigstoreFailureKind.BundleInvalid));

    /// <summary>The envelope's JSON form (standard base64, as the DSSE spec and cosign write it).</summary>
    internal void Write(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("payload", Convert.ToBase64String(Payload));
        writer.WriteString("payloadType", PayloadType);
        writer.WriteStartArray("signatures");
        foreach (var signature in Signatures)
        {
            writer.WriteStartObject();
            writer.WriteString("sig", Convert.ToBase64String(signature.Signature));
            if (!string.IsNullOrEmpty(signature.KeyId))
            {
                writer.WriteString("keyid", signature.KeyId);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
