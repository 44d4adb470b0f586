using System.Security.Cryptography;
using Skills.Oci.Build.Sigstore.Keys;
using Skills.Oci.Build.Sigstore.Serialization;

namespace Skills.Oci.Build.Sigstore.Transparency;

/// <summary>
/// Checks that a Rekor entry's canonicalized body describes the bundle's own signature, signer and
/// artifact. Without this a valid entry for some other signature could be stapled onto a bundle.
/// Supports hashedrekord 0.0.1/0.0.2, dsse 0.0.1/0.0.2 and intoto 0.0.2.
/// </summary>
internal static class RekorEntryBody
{
    public static void CheckMatches(string kind, string version, byte[] canonicalizedBody, SignedMaterial material)
    {
        var body = ProtoJson.Parse(canonicalizedBody, "log entry body", SigstoreFailureKind.TransparencyLogInvalid);
        var bodyKind = body.RequiredString("kind");
        var bodyVersion = body.RequiredString("apiVersion");
        if (bodyKind != kind || bodyVersion != version)
        {
            throw Mismatch($"the body is a {bodyKind} {bodyVersion} entry but the bundle says {kind} {version}");
        }

        var spec = body.RequiredObject("spec");
        switch (kind, version)
        {
            case ("hashedrekord", "0.0.1"):
                CheckHashedRekordV001(spec, material);
                break;
            case ("hashedrekord", "0.0.2"):
                CheckHashedRekordV002(spec.RequiredObject("hashedRekordV002"), material);
                break;
            case ("dsse", "0.0.1"):
                CheckDsseV001(spec, material);
                break;
            case ("dsse", "0.0.2"):
                CheckDsseV002(spec.RequiredObject("dsseV002"), material);
                break;
            case ("intoto", "0.0.2"):
                CheckInTotoV002(spec.RequiredObject("content"), material);
                break;
            default:
                throw Mismatch($"{kind} {version} entries are not supported");
        }
    }

    private static void CheckHashedRekordV001(ProtoJson spec, SignedMaterial material)
    {
        var (digest, signature) = MessageOf(material, "hashedrekord");
        var hash = spec.RequiredObject("data").RequiredObject("hash");
        if (hash.RequiredString("algorithm") != "sha256" || !HexEquals(hash.RequiredString("value"), digest))
        {
            throw Mismatch("the entry records another artifact digest than the bundle's");
        }

        var signed = spec.RequiredObject("signature");
        if (!signed.RequiredBytes("content").AsSpan().SequenceEqual(signature))
        {
            throw Mismatch("the entry records another signature than the bundle's");
        }

        CheckPemSigner(signed.RequiredObject("publicKey").RequiredBytes("content"), material);
    }

    private static void CheckHashedRekordV002(ProtoJson spec, SignedMaterial material)
    {
        var (digest, signature) = MessageOf(material, "hashedrekord");
        var data = spec.RequiredObject("data");
        if (data.RequiredString("algorithm") != "SHA2_256" || !data.RequiredBytes("digest").AsSpan().SequenceEqual(digest))
        {
            throw Mismatch("the entry records another artifact digest than the bundle's");
        }

        var signed = spec.RequiredObject("signature");
        if (!signed.RequiredBytes("content").AsSpan().SequenceEqual(signature))
        {
            throw Mismatch("the entry records another signature than the bundle's");
        }

        CheckVerifierV002(signed.RequiredObject("verifier"), material);
    }

    private static void CheckDsseV001(ProtoJson spec, SignedMaterial material)
    {
        var envelope = EnvelopeOf(material);
        var payloadHash = spec.RequiredObject("payloadHash");
        if (payloadHash.RequiredString("algorithm") != "sha256" || !HexEquals(payloadHash.RequiredString("value"), SHA256.HashData(envelope.Payload)))
        {
            throw Mismatch("the entry records another DSSE payload than the bundle's");
        }

        var signatures = spec.Required("signatures").AsArray();
        CheckSameSignatures(signatures.Select(s => s.RequiredBytes("signature")).ToList(), material);
        foreach (var signature in signatures)
        {
            CheckPemSigner(signature.RequiredBytes("verifier"), material);
        }
    }

    private static void CheckDsseV002(ProtoJson spec, SignedMaterial material)
    {
        var envelope = EnvelopeOf(material);
        var payloadHash = spec.RequiredObject("payloadHash");
        if (payloadHash.RequiredString("algorithm") != "SHA2_256" || !payloadHash.RequiredBytes("digest").AsSpan().SequenceEqual(SHA256.HashData(envelope.Payload)))
        {
            throw Mismatch("the entry records another DSSE payload than the bundle's");
        }

        var signatures = spec.Required("signatures").AsArray();
        CheckSameSignatures(signatures.Select(s => s.RequiredBytes("content")).ToList(), material);
        foreach (var signature in signatures)
        {
            CheckVerifierV002(signature.RequiredObject("verifier"), material);
        }
    }

    private static void CheckInTotoV002(ProtoJson content, SignedMaterial material)
    {
        var envelope = EnvelopeOf(material);
        var payloadHash = content.RequiredObject("payloadHash");
        if (payloadHash.RequiredString("algorithm") != "sha256" || !HexEquals(payloadHash.RequiredString("value"), SHA256.HashData(envelope.Payload)))
        {
            throw Mismatch("the entry records another DSSE payload than the bundle's");
        }

        var logged = content.RequiredObject("envelope");
        if (logged.RequiredString("payloadType") != envelope.PayloadType)
        {
            throw Mismatch("the entry records another DSSE payload type than the bundle's");
        }

        // intoto 0.0.2 stores each signature base64-encoded once more inside the base64 JSON string.
        var signatures = logged.Required("signatures").AsArray();
        var decoded = new List<byte[]>();
        foreach (var signature in signatures)
        {
            // Entries written by some clients encode the signature only once; those then compare as is.
            var outer = signature.RequiredBytes("sig");
            var isText = outer.All(b => b is >= 0x20 and < 0x7f);
            decoded.Add(isText && Base64Text.TryDecode(System.Text.Encoding.ASCII.GetString(outer), out var inner) ? inner : outer);
            CheckPemSigner(signature.RequiredBytes("publicKey"), material);
        }

        CheckSameSignatures(decoded, material);
    }

    private static void CheckSameSignatures(List<byte[]> logged, SignedMaterial material)
    {
        var envelope = EnvelopeOf(material);
        var expected = envelope.Signatures.Select(s => Convert.ToBase64String(s.Signature)).Order(StringComparer.Ordinal);
        var actual = logged.Select(Convert.ToBase64String).Order(StringComparer.Ordinal);
        if (!expected.SequenceEqual(actual))
        {
            throw Mismatch("the entry records other DSSE signatures than the bundle's");
        }
    }

    private static void CheckVerifierV002(ProtoJson verifier, SignedMaterial material)
    {
        if (verifier.TryGet("x509Certificate", out var certificate))
        {
            CheckSigner(certificate.RequiredBytes("rawBytes"), isCertificate: true, material);
        }
        else if (verifier.TryGet("publicKey", out var key))
        {
            CheckSigner(key.RequiredBytes("rawBytes"), isCertificate: false, material);
        }
        else
        {
            throw Mismatch("the entry's verifier has neither a certificate nor a public key");
        }
    }

    private static void CheckPemSigner(byte[] pemBytes, SignedMaterial material)
    {
        var block = PemBlock.ReadSingle(System.Text.Encoding.UTF8.GetString(pemBytes), "log entry verifier", SigstoreFailureKind.TransparencyLogInvalid);
        CheckSigner(block.Data, block.Label == "CERTIFICATE", material);
    }

    private static void CheckSigner(byte[] der, bool isCertificate, SignedMaterial material)
    {
        var matches = isCertificate
            ? material.Certificate is not null && der.AsSpan().SequenceEqual(material.Certificate)
            : material.Certificate is null && VerificationKey.FromSubjectPublicKeyInfo(der).Equals(material.Key);
        if (!matches)
        {
            throw Mismatch("the entry records another signer (certificate or key) than the bundle's");
        }
    }

    private static (byte[] Digest, byte[] Signature) MessageOf(SignedMaterial material, string kind)
    {
        if (material.Envelope is { } envelope)
        {
            // Rekor v2 logs DSSE bundles as hashedrekord entries over the envelope's PAE.
            return (SHA256.HashData(envelope.PreAuthenticationEncoding()), envelope.Signatures[0].Signature);
        }

        return (material.ArtifactSha256 ?? throw Mismatch($"a {kind} entry needs the artifact's SHA-256 digest"), material.Signature!);
    }

    private static Attestations.DsseEnvelope EnvelopeOf(SignedMaterial material) =>
        material.Envelope ?? throw Mismatch("the entry is for a DSSE envelope but the bundle has a message signature");

    private static bool HexEquals(string hex, ReadOnlySpan<byte> bytes) =>
        string.Equals(hex, Convert.ToHexString(bytes), StringComparison.OrdinalIgnoreCase);

    private static SigstoreException Mismatch(string why) =>
        new(SigstoreFailureKind.TransparencyLogInvalid, $"The transparency log entry does not match the bundle: {why}.");
}
