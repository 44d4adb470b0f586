using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Skills.Oci.Build.Sigstore.Keys;
using Skills.Oci.Build.Sigstore.TrustedRoots;

namespace Skills.Oci.Build.Sigstore.Transparency;

/// <summary>
/// Verifies a Rekor entry offline: the log is in the trusted root, the signed entry timestamp (v1)
/// and the inclusion proof with its signed checkpoint verify, and the body describes this signature.
/// </summary>
internal static class TransparencyLogVerifier
{
    /// <summary>Verifies the entry and returns its integrated time when the log vouched for it with a SET.</summary>
    public static DateTimeOffset? Verify(TransparencyLogEntry entry, TrustedRoot root, SignedMaterial material)
    {
        var log = root.FindTransparencyLog(entry.LogId)
            ?? throw Invalid($"the entry at index {entry.LogIndex} is from log {Convert.ToBase64String(entry.LogId)}, which the trusted root does not list");
        if (log.Validity is not { } validity)
        {
            throw Invalid($"the trusted root gives the log {log.BaseUrl} no validity start, so it cannot be relied on");
        }

        if (entry.SignedEntryTimestamp is null && entry.InclusionProof is null)
        {
            throw Invalid($"the entry at index {entry.LogIndex} has neither an inclusion promise nor an inclusion proof");
        }

        RekorEntryBody.CheckMatches(entry.Kind, entry.KindVersion, entry.CanonicalizedBody, material);

        DateTimeOffset? integratedTime = null;
        if (entry.SignedEntryTimestamp is { } set)
        {
            if (!log.Key.VerifyMessage(SignedEntryTimestampPayload(entry), set, HashAlgorithmName.SHA256))
            {
                throw Invalid($"the signed entry timestamp of the entry at index {entry.LogIndex} does not verify with the log's key");
            }

            integratedTime = DateTimeOffset.FromUnixTimeSeconds(entry.IntegratedTime);
            if (!validity.Contains(integratedTime.Value))
            {
                throw Invalid($"the entry was integrated at {integratedTime:O}, outside the period the trusted root gives the log ({validity})");
            }
        }

        if (entry.InclusionProof is { } proof)
        {
            VerifyInclusion(entry, proof, log);
        }

        return integratedTime;
    }

    /// <summary>
    /// The SET is the log's signature over the RFC 8785 canonical JSON of body, integratedTime, logID
    /// (hex) and logIndex; those keys and values need no escaping, so the form is fixed.
    /// </summary>
    private static byte[] SignedEntryTimestampPayload(TransparencyLogEntry entry) =>
        Encoding.UTF8.GetBytes(string.Create(
            CultureInfo.InvariantCulture,
            $"{{\"body\":\"{Convert.ToBase64String(entry.CanonicalizedBody)}\",\"integratedTime\":{entry.IntegratedTime},\"logID\":\"{Convert.ToHexString(entry.LogId).ToLowerInvariant()}\",\"logIndex\":{entry.LogIndex}}}"));

    private static void VerifyInclusion(TransparencyLogEntry entry, InclusionProof proof, TransparencyLog log)
    {
        var leaf = MerkleTree.LeafHash(entry.CanonicalizedBody);
        var root = MerkleTree.RootFromInclusionProof(proof.LogIndex, proof.TreeSize, leaf, proof.Hashes);
        if (root is null || !root.AsSpan().SequenceEqual(proof.RootHash))
        {
            throw Invalid($"the inclusion proof of the entry at index {entry.LogIndex} does not lead to the root hash it claims");
        }

        if (proof.Checkpoint is null)
        {
            // Old v0.1 bundles carry proofs without checkpoints; then only the SET vouches for the entry.
            if (entry.SignedEntryTimestamp is null)
            {
                throw Invalid($"the inclusion proof of the entry at index {entry.LogIndex} has no signed checkpoint and the entry no inclusion promise");
            }

            return;
        }

        var checkpoint = Checkpoint.Parse(proof.Checkpoint);
        if (checkpoint.TreeSize != proof.TreeSize || !checkpoint.RootHash.AsSpan().SequenceEqual(proof.RootHash))
        {
            throw Invalid("the checkpoint is for another tree (size or root hash) than the inclusion proof");
        }

        if (!checkpoint.Signatures.Any(s => IsLogSignature(s, checkpoint, log)))
        {
            throw Invalid($"the checkpoint carries no valid signature from the log {log.BaseUrl}");
        }
    }

    private static bool IsLogSignature(NoteSignature signature, Checkpoint checkpoint, TransparencyLog log)
    {
        // The key hint is the first 4 bytes of the log ID (Rekor v1: SHA-256 of the key DER; Rekor v2:
        // the signed-note key ID); witnesses' cosignatures carry other hints and are skipped.
        var hintMatches = signature.KeyHint.AsSpan().SequenceEqual(log.LogId.AsSpan(0, Math.Min(4, log.LogId.Length))) ||
                          signature.KeyHint.AsSpan().SequenceEqual(NoteKeyHint(signature.Name, log.Key));
        return hintMatches && log.Key.VerifyMessage(checkpoint.SignedBody, signature.Signature, HashAlgorithmName.SHA256);
    }

    /// <summary>The signed-note key hash: SHA-256(name || '\n' || type || key)[:4], type 0x01 for Ed25519.</summary>
    private static byte[] NoteKeyHint(string name, VerificationKey key)
    {
        if (key.Algorithm != KeyAlgorithm.Ed25519)
        {
            return SHA256.HashData(key.SubjectPublicKeyInfo.Span)[..4];
        }

        var raw = key.SubjectPublicKeyInfo.Span[^32..];
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var buffer = new byte[nameBytes.Length + 2 + raw.Length];
        nameBytes.CopyTo(buffer, 0);
        buffer[nameBytes.Length] = (byte)'\n';
        buffer[nameBytes.Length + 1] = 0x01;
        raw.CopyTo(buffer.AsSpan(nameBytes.Length + 2));
        return SHA256.HashData(buffer)[..4];
    }

    private static SigstoreException Invalid(string why) =>
        new(SigstoreFailureKind.TransparencyLogInvalid, $"Transparency log verification failed: {why}.");
}
