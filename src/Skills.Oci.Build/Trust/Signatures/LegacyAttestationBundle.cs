using System.Text.Json;
using Skills.Oci.Build.Sigstore;
using Skills.Oci.Build.Sigstore.Bundles;
using Skills.Oci.Build.Sigstore.Cosign;
using Skills.Oci.Build.Sigstore.Serialization;

namespace Skills.Oci.Build.Trust.Signatures;

/// <summary>
/// Restates a legacy cosign <c>.att</c> layer (a DSSE envelope, its certificate and Rekor bundle in
/// annotations) as the v0.1 Sigstore bundle it is equivalent to, so one verifier checks both
/// formats the same way: key, or certificate chain, SCT, identity and the Rekor entry's promise.
/// </summary>
internal static class LegacyAttestationBundle
{
    public static byte[] ToBundleJson(DiscoveredSignature attestation)
    {
        var annotations = attestation.Annotations;
        var certificatePem = annotations.GetValueOrDefault(CosignSignatureAnnotations.Certificate);
        var rekorBundle = annotations.GetValueOrDefault(CosignSignatureAnnotations.Bundle);

        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("mediaType", SigstoreBundle.MediaTypeV01);
            writer.WriteStartObject("verificationMaterial");
            if (string.IsNullOrWhiteSpace(certificatePem))
            {
                writer.WriteStartObject("publicKey");
                writer.WriteString("hint", string.Empty);
                writer.WriteEndObject();
            }
            else
            {
                var certificate = PemBlock.ReadAll(certificatePem, SigstoreFailureKind.CertificateInvalid).FirstOrDefault(b => b.Label == "CERTIFICATE")
                    ?? throw new SigstoreException(SigstoreFailureKind.CertificateInvalid, $"The '{CosignSignatureAnnotations.Certificate}' annotation holds no certificate.");
                writer.WriteStartObject("x509CertificateChain");
                writer.WriteStartArray("certificates");
                writer.WriteStartObject();
                writer.WriteBase64String("rawBytes", certificate.Data);
                writer.WriteEndObject();
                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            writer.WriteStartArray("tlogEntries");
            if (!string.IsNullOrWhiteSpace(rekorBundle))
            {
                WriteEntry(writer, rekorBundle);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
            writer.WritePropertyName("dsseEnvelope");
            try
            {
                writer.WriteRawValue(attestation.Content);
            }
            catch (JsonException e)
            {
                throw new SigstoreException(SigstoreFailureKind.BundleInvalid, $"The attestation layer from {attestation.Source} is not a JSON DSSE envelope.", innerException: e);
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// cosign's Rekor bundle annotation (<c>SignedEntryTimestamp</c>, <c>Payload</c>: body, integratedTime,
    /// logIndex, hex logID) as a v0.1 bundle log entry with an inclusion promise.
    /// </summary>
    private static void WriteEntry(Utf8JsonWriter writer, string rekorBundleJson)
    {
        var entry = CosignRekorBundle.Parse(rekorBundleJson);
        writer.WriteStartObject();
        writer.WriteString("logIndex", entry.LogIndex.ToString(System.Globalization.CultureInfo.InvariantCulture));
        writer.WriteStartObject("logId");
        writer.WriteBase64String("keyId", entry.LogId);
        writer.WriteEndObject();
        writer.WriteStartObject("kindVersion");
        writer.WriteString("kind", entry.Kind);
        writer.WriteString("version", entry.KindVersion);
        writer.WriteEndObject();
        writer.WriteString("integratedTime", entry.IntegratedTime.ToString(System.Globalization.CultureInfo.InvariantCulture));
        writer.WriteStartObject("inclusionPromise");
        writer.WriteBase64String("signedEntryTimestamp", entry.SignedEntryTimestamp!);
        writer.WriteEndObject();
        writer.WriteBase64String("canonicalizedBody", entry.CanonicalizedBody);
        writer.WriteEndObject();
    }
}
