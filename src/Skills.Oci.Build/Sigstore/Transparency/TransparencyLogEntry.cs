namespace Skills.Oci.Build.Sigstore.Transparency;

/// <summary>An RFC 6962 inclusion proof and the signed checkpoint (signed note) it leads to.</summary>
public sealed record InclusionProof(long LogIndex, byte[] RootHash, long TreeSize, IReadOnlyList<byte[]> Hashes, string? Checkpoint);

/// <summary>
/// A Rekor entry as a bundle carries it. Rekor v1 entries have an integrated time and usually a signed
/// entry timestamp (inclusion promise); Rekor v2 entries have neither and rely on RFC 3161 timestamps.
/// </summary>
/// <param name="CanonicalizedBody">The entry body exactly as the log hashed it (the Merkle leaf).</param>
public sealed record TransparencyLogEntry(
    long LogIndex,
    byte[] LogId,
    string Kind,
    string KindVersion,
    long IntegratedTime,
    byte[]? SignedEntryTimestamp,
    InclusionProof? InclusionProof,
    byte[] CanonicalizedBody);
