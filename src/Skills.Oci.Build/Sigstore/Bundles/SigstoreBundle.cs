using System.Security.Cryptography;
using Skills.Oci.Build.Sigstore.Attestations;
using Skills.Oci.Build.Sigstore.Serialization;
using Skills.Oci.Build.Sigstore.Transparency;

namespace Skills.Oci.Build.Sigstore.Bundles;

/// <summary>
/// A Sigstore bundle (protobuf-specs <c>dev.sigstore.bundle.v1.Bundle</c>, JSON form), versions 0.1 to
/// 0.3 under both media type spellings. Parsing checks the shape and the rules each version adds;
/// it verifies nothing cryptographic (see <see cref="SigstoreVerifier"/>).
/// </summary>
public sealed class SigstoreBundle
{
    public const string MediaTypeV01 = "application/vnd.dev.sigstore.bundle+json;version=0.1";
    public const string MediaTypeV02 = "application/vnd.dev.sigstore.bundle+json;version=0.2";
    public const string MediaTypeV03 = "application/vnd.dev.sigstore.bundle.v0.3+json";
    public const string MediaTypeV03Legacy = "application/vnd.dev.sigstore.bundle+json;version=0.3";

    private SigstoreBundle(
        string mediaType,
        Version version,
        IReadOnlyList<byte[]> certificateChain,
        string? publicKeyHint,
        IReadOnlyList<TransparencyLogEntry> transparencyLogEntries,
        IReadOnlyList<byte[]> rfc3161Timestamps,
        MessageSignature? messageSignature,
        DsseEnvelope? dsseEnvelope)
    {
        MediaType = mediaType;
        Version = version;
        CertificateChain = certificateChain;
        PublicKeyHint = publicKeyHint;
        TransparencyLogEntries = transparencyLogEntries;
        Rfc3161Timestamps = rfc3161Timestamps;
        MessageSignature = messageSignature;
        DsseEnvelope = dsseEnvelope;
    }

    public string MediaType { get; }

    /// <summary>0.1, 0.2 or 0.3.</summary>
    public Version Version { get; }

    /// <summary>DER certificates, leaf first; empty when the bundle is signed with a plain key.</summary>
    public IReadOnlyList<byte[]> CertificateChain { get; }

    public byte[]? LeafCertificate => CertificateChain.Count > 0 ? CertificateChain[0] : null;

    /// <summary>The <c>publicKey.hint</c> of a key-signed bundle (may be empty); null for certificates.</summary>
    public string? PublicKeyHint { get; }

    public bool IsKeySigned => CertificateChain.Count == 0;

    public IReadOnlyList<TransparencyLogEntry> TransparencyLogEntries { get; }

    /// <summary>DER RFC 3161 timestamp tokens (CMS ContentInfo).</summary>
    public IReadOnlyList<byte[]> Rfc3161Timestamps { get; }

    public MessageSignature? MessageSignature { get; }

    public DsseEnvelope? DsseEnvelope { get; }

    public static async Task<SigstoreBundle> LoadAsync(string path, CancellationToken cancellationToken) =>
        Parse(await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false));

    public static SigstoreBundle Parse(ReadOnlyMemory<byte> json)
    {
        var bundle = ProtoJson.Parse(json, "bundle", SigstoreFailureKind.BundleInvalid);
        var mediaType = bundle.RequiredString("mediaType");
        var version = ParseVersion(mediaType) ?? throw bundle.Error($"the media type '{mediaType}' is not a supported Sigstore bundle version (0.1, 0.2 or 0.3).");

        var material = bundle.RequiredObject("verificationMaterial");
        var chain = new List<byte[]>();
        string? hint = null;
        if (material.TryGet("x509CertificateChain", out var x509Chain))
        {
            if (version >= new Version(0, 3))
            {
                throw x509Chain.Error("a v0.3 bundle must carry a single 'certificate', not a certificate chain.");
            }

            chain.AddRange(x509Chain.OptionalArray("certificates").Select(c => c.RequiredBytes("rawBytes")));
            if (chain.Count == 0)
            {
                throw x509Chain.Error("the certificate chain is empty.");
            }
        }
        else if (material.TryGet("certificate", out var certificate))
        {
            chain.Add(certificate.RequiredBytes("rawBytes"));
        }
        else if (material.TryGet("publicKey", out var publicKey))
        {
            hint = publicKey.OptionalString("hint") ?? string.Empty;
        }
        else
        {
            throw material.Error("needs one of 'certificate', 'x509CertificateChain' or 'publicKey'.");
        }

        if (chain.Any(c => c.Length == 0))
        {
            throw material.Error("a certificate is empty.");
        }

        var entries = material.OptionalArray("tlogEntries").Select(e => ParseEntry(e, version)).ToList();
        var timestamps = new List<byte[]>();
        if (material.TryGet("timestampVerificationData", out var timestampData))
        {
            timestamps.AddRange(timestampData.OptionalArray("rfc3161Timestamps").Select(t => t.RequiredBytes("signedTimestamp")));
        }

        MessageSignature? messageSignature = null;
        DsseEnvelope? envelope = null;
        var hasMessage = bundle.TryGet("messageSignature", out var message);
        var hasEnvelope = bundle.TryGet("dsseEnvelope", out var dsse);
        if (hasMessage == hasEnvelope)
        {
            throw bundle.Error("needs exactly one of 'messageSignature' and 'dsseEnvelope'.");
        }

        if (hasMessage)
        {
            HashAlgorithmName? algorithm = null;
            byte[]? digest = null;
            if (message.TryGet("messageDigest", out var messageDigest))
            {
                algorithm = ParseHashAlgorithm(messageDigest.Required("algorithm"));
                digest = messageDigest.RequiredBytes("digest");
            }

            var signature = message.RequiredBytes("signature");
            if (signature.Length == 0)
            {
                throw message.Error("the signature is empty.");
            }

            messageSignature = new MessageSignature(algorithm, digest, signature);
        }
        else
        {
            envelope = DsseEnvelope.Parse(dsse);
            if (envelope.Signatures.Count != 1)
            {
                throw dsse.Error($"a bundle's DSSE envelope must have exactly one signature, not {envelope.Signatures.Count}.");
            }
        }

        return new SigstoreBundle(mediaType, version, chain, hint, entries, timestamps, messageSignature, envelope);
    }

    internal static Version? ParseVersion(string mediaType) => mediaType switch
    {
        MediaTypeV01 => new Version(0, 1),
        MediaTypeV02 => new Version(0, 2),
        MediaTypeV03 or MediaTypeV03Legacy => new Version(0, 3),
        _ => null,
    };

    internal static HashAlgorithmName ParseHashAlgorithm(ProtoJson algorithm) => algorithm.AsString() switch
    {
        "SHA2_256" or "sha256" => HashAlgorithmName.SHA256,
        "SHA2_384" or "sha384" => HashAlgorithmName.SHA384,
        "SHA2_512" or "sha512" => HashAlgorithmName.SHA512,
        var other => throw algorithm.Error($"the hash algorithm '{other}' is not supported."),
    };

    private static TransparencyLogEntry ParseEntry(ProtoJson entry, Version version)
    {
        var logIndex = entry.Required("logIndex").AsInt64();
        if (logIndex < 0)
        {
            throw entry.Error($"logIndex {logIndex} is negative.");
        }

        var logId = entry.RequiredObject("logId").RequiredBytes("keyId");
        var kindVersion = entry.RequiredObject("kindVersion");
        var integratedTime = entry.OptionalInt64("integratedTime") ?? 0;
        if (integratedTime < 0)
        {
            throw entry.Error("integratedTime is negative.");
        }

        byte[]? set = null;
        if (entry.TryGet("inclusionPromise", out var promise))
        {
            set = promise.RequiredBytes("signedEntryTimestamp");
        }

        InclusionProof? proof = null;
        if (entry.TryGet("inclusionProof", out var inclusion))
        {
            var proofIndex = inclusion.Required("logIndex").AsInt64();
            var treeSize = inclusion.Required("treeSize").AsInt64();
            if (proofIndex < 0 || treeSize <= 0 || proofIndex >= treeSize)
            {
                throw inclusion.Error($"logIndex {proofIndex} is not inside a tree of size {treeSize}.");
            }

            string? checkpoint = null;
            if (inclusion.TryGet("checkpoint", out var c))
            {
                checkpoint = c.RequiredString("envelope");
            }

            proof = new InclusionProof(
                proofIndex,
                inclusion.RequiredBytes("rootHash"),
                treeSize,
                inclusion.OptionalArray("hashes").Select(h => h.AsBytes()).ToList(),
                checkpoint);
        }

        // v0.1 bundles may omit the proof but must then carry the promise; from v0.2 on the proof is
        // required, because the promise alone is only the log's word that it will include the entry.
        if (version == new Version(0, 1) && set is null)
        {
            throw entry.Error("a v0.1 bundle's log entry must carry an inclusion promise.");
        }

        if (version >= new Version(0, 2) && proof is null)
        {
            throw entry.Error($"a v{version} bundle's log entry must carry an inclusion proof.");
        }

        var body = entry.RequiredBytes("canonicalizedBody");
        return new TransparencyLogEntry(
            logIndex,
            logId,
            kindVersion.RequiredString("kind"),
            kindVersion.RequiredString("version"),
            integratedTime,
            set,
            proof,
            body);
    }
}
