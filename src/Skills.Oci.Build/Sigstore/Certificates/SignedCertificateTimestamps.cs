using System.Buffers.Binary;
using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Skills.Oci.Build.Sigstore.TrustedRoots;

namespace Skills.Oci.Build.Sigstore.Certificates;

/// <summary>
/// Verifies the signed certificate timestamps (RFC 6962 §3.2) embedded in a Fulcio certificate: each
/// is a CT log's signature over the precertificate, which is the certificate's TBS without the SCT
/// list extension, bound to the issuer by the SHA-256 of the issuer's SubjectPublicKeyInfo.
/// </summary>
internal static class SignedCertificateTimestamps
{
    private const string SctListOid = "1.3.6.1.4.1.11129.2.4.2";

    /// <summary>How many embedded SCTs verify with a CT log key from the trusted root.</summary>
    public static int CountVerified(byte[] leafDer, byte[] issuerDer, TrustedRoot root, out string reason)
    {
        reason = "the certificate has no embedded SCT";
        byte[]? list = null;
        using (var leaf = new X509Certificate2(leafDer))
        {
            foreach (var extension in leaf.Extensions)
            {
                if (extension.Oid?.Value == SctListOid)
                {
                    list = new AsnReader(extension.RawData, AsnEncodingRules.DER).ReadOctetString();
                }
            }
        }

        if (list is null)
        {
            return 0;
        }

        byte[] issuerKeyHash;
        using (var issuer = new X509Certificate2(issuerDer))
        {
            issuerKeyHash = SHA256.HashData(issuer.PublicKey.ExportSubjectPublicKeyInfo());
        }

        var tbs = PrecertificateTbs(leafDer);
        var verified = 0;
        ReadOnlySpan<byte> span = list;
        var total = ReadUInt16(ref span);
        if (total != span.Length)
        {
            throw Malformed();
        }

        while (span.Length > 0)
        {
            var length = ReadUInt16(ref span);
            if (length > span.Length)
            {
                throw Malformed();
            }

            var sct = span[..length];
            span = span[length..];
            if (VerifyOne(sct, issuerKeyHash, tbs, root, out var why))
            {
                verified++;
            }
            else
            {
                reason = why;
            }
        }

        return verified;
    }

    private static bool VerifyOne(ReadOnlySpan<byte> sct, byte[] issuerKeyHash, byte[] tbs, TrustedRoot root, out string reason)
    {
        if (sct.Length < 1 + 32 + 8 + 2 || sct[0] != 0)
        {
            reason = "an SCT is not a version 1 SCT";
            return false;
        }

        var logId = sct.Slice(1, 32);
        var timestamp = BinaryPrimitives.ReadUInt64BigEndian(sct.Slice(33, 8));
        var rest = sct[41..];
        var extensionsLength = ReadUInt16(ref rest);
        if (extensionsLength > rest.Length)
        {
            throw Malformed();
        }

        var extensions = rest[..extensionsLength];
        rest = rest[extensionsLength..];
        if (rest.Length < 4)
        {
            throw Malformed();
        }

        var hashAlgorithm = rest[0];
        rest = rest[2..];
        var signatureLength = ReadUInt16(ref rest);
        if (signatureLength != rest.Length)
        {
            throw Malformed();
        }

        var log = root.FindCtLog(logId);
        if (log is null)
        {
            reason = $"an SCT is from the CT log {Convert.ToBase64String(logId)}, which the trusted root does not list";
            return false;
        }

        var time = DateTimeOffset.FromUnixTimeMilliseconds((long)timestamp);
        if (log.Validity is not { } validity || !validity.Contains(time))
        {
            reason = $"an SCT from {log.BaseUrl} is dated {time:O}, outside the log's validity in the trusted root";
            return false;
        }

        if (hashAlgorithm != 4)
        {
            reason = "an SCT is not signed with SHA-256";
            return false;
        }

        // digitally-signed struct: version, signature_type certificate_timestamp, timestamp,
        // entry_type precert_entry, issuer_key_hash, uint24-length TBS, uint16-length extensions.
        var signed = new byte[1 + 1 + 8 + 2 + 32 + 3 + tbs.Length + 2 + extensions.Length];
        var offset = 0;
        signed[offset++] = 0;
        signed[offset++] = 0;
        BinaryPrimitives.WriteUInt64BigEndian(signed.AsSpan(offset), timestamp);
        offset += 8;
        BinaryPrimitives.WriteUInt16BigEndian(signed.AsSpan(offset), 1);
        offset += 2;
        issuerKeyHash.CopyTo(signed, offset);
        offset += 32;
        signed[offset++] = (byte)(tbs.Length >> 16);
        signed[offset++] = (byte)(tbs.Length >> 8);
        signed[offset++] = (byte)tbs.Length;
        tbs.CopyTo(signed, offset);
        offset += tbs.Length;
        BinaryPrimitives.WriteUInt16BigEndian(signed.AsSpan(offset), (ushort)extensions.Length);
        offset += 2;
        extensions.CopyTo(signed.AsSpan(offset));

        if (!log.Key.VerifyMessage(signed, rest, HashAlgorithmName.SHA256))
        {
            reason = $"an SCT's signature does not verify with the key of the CT log {log.BaseUrl}";
            return false;
        }

        reason = string.Empty;
        return true;
    }

    /// <summary>The leaf's TBSCertificate re-encoded without the SCT list extension.</summary>
    private static byte[] PrecertificateTbs(byte[] leafDer)
    {
        var certificate = new AsnReader(leafDer, AsnEncodingRules.DER).ReadSequence();
        var tbs = certificate.ReadSequence();
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            var extensionsTag = new Asn1Tag(TagClass.ContextSpecific, 3, isConstructed: true);
            while (tbs.HasData)
            {
                if (tbs.PeekTag() != extensionsTag)
                {
                    writer.WriteEncodedValue(tbs.ReadEncodedValue().Span);
                    continue;
                }

                var extensions = tbs.ReadSequence(extensionsTag).ReadSequence();
                using (writer.PushSequence(extensionsTag))
                using (writer.PushSequence())
                {
                    while (extensions.HasData)
                    {
                        var extension = extensions.ReadEncodedValue();
                        var oid = new AsnReader(extension, AsnEncodingRules.DER).ReadSequence().ReadObjectIdentifier();
                        if (oid != SctListOid)
                        {
                            writer.WriteEncodedValue(extension.Span);
                        }
                    }
                }
            }
        }

        return writer.Encode();
    }

    private static ushort ReadUInt16(ref ReadOnlySpan<byte> span)
    {
        if (span.Length < 2)
        {
            throw Malformed();
        }

        var value = BinaryPrimitives.ReadUInt16BigEndian(span);
        span = span[2..];
        return value;
    }

    private static SigstoreException Malformed() =>
        new(SigstoreFailureKind.CertificateInvalid, "The certificate's embedded SCT list is malformed.");
}
