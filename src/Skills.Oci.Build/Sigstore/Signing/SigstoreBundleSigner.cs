using System.Security.Cryptography;
using System.Text.Json;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Sigstore.Attestations;
using Skills.Oci.Build.Sigstore.Bundles;
using Skills.Oci.Build.Sigstore.Keys;

namespace Skills.Oci.Build.Sigstore.Signing;

/// <summary>
/// Signs artifacts with a key, without a transparency log, the way <c>cosign sign --key
/// --new-bundle-format --tlog-upload=false</c> does: a v0.3 bundle holding a DSSE envelope over an
/// in-toto v1 statement whose subject is the artifact, and a public-key hint.
/// </summary>
public sealed class SigstoreBundleSigner
{
    /// <summary>The predicate type cosign uses for a plain signature expressed as an attestation.</summary>
    public const string CosignSignPredicateType = "https://sigstore.dev/cosign/sign/v1";

    private readonly SigningKey _key;

    public SigstoreBundleSigner(SigningKey key)
    {
        _key = key ?? throw new ArgumentNullException(nameof(key));
    }

    /// <summary>
    /// cosign's hint: base64 of the SHA-256 of the public key's DER SubjectPublicKeyInfo, so a verifier
    /// holding several keys can pick the right one.
    /// </summary>
    public static string PublicKeyHint(VerificationKey key) =>
        Convert.ToBase64String(SHA256.HashData(key.SubjectPublicKeyInfo.Span));

    /// <summary>Signs an in-toto statement about <paramref name="subjectDigest"/>; returns the bundle JSON.</summary>
    public byte[] SignStatement(string subjectName, Digest subjectDigest, string predicateType = CosignSignPredicateType, Action<Utf8JsonWriter>? writePredicate = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(subjectName);
        ArgumentException.ThrowIfNullOrEmpty(predicateType);
        var statement = InTotoStatement.Create(subjectName, subjectDigest, predicateType, writePredicate);
        return SignEnvelope(DsseEnvelope.InTotoPayloadType, statement);
    }

    /// <summary>Signs any DSSE payload; returns the bundle JSON.</summary>
    public byte[] SignEnvelope(string payloadType, byte[] payload)
    {
        var signature = _key.Sign(DsseEnvelope.Pae(payloadType, payload));
        var envelope = new DsseEnvelope(payloadType, payload, [new DsseSignature(signature, null)]);

        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("mediaType", SigstoreBundle.MediaTypeV03);
            writer.WriteStartObject("verificationMaterial");
            writer.WriteStartObject("publicKey");
            writer.WriteString("hint", PublicKeyHint(_key.PublicKey));
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WritePropertyName("dsseEnvelope");
            envelope.Write(writer);
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
