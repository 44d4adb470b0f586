using System.Security.Cryptography;

namespace Skills.Oci.Build.Sigstore.Transparency;

/// <summary>RFC 6962 / RFC 9162 Merkle tree hashing and inclusion-proof evaluation (SHA-256).</summary>
internal static class MerkleTree
{
    public static byte[] LeafHash(ReadOnlySpan<byte> leaf)
    {
        var buffer = new byte[leaf.Length + 1];
        leaf.CopyTo(buffer.AsSpan(1));
        return SHA256.HashData(buffer);
    }

    private static byte[] NodeHash(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        Span<byte> buffer = stackalloc byte[1 + left.Length + right.Length];
        buffer[0] = 1;
        left.CopyTo(buffer[1..]);
        right.CopyTo(buffer[(1 + left.Length)..]);
        return SHA256.HashData(buffer);
    }

    /// <summary>
    /// The root an inclusion proof leads to (RFC 9162 §2.1.3.2), or null when the proof has the wrong
    /// number of hashes for the index and tree size.
    /// </summary>
    public static byte[]? RootFromInclusionProof(long leafIndex, long treeSize, ReadOnlySpan<byte> leafHash, IReadOnlyList<byte[]> proof)
    {
        if (leafIndex < 0 || leafIndex >= treeSize || proof.Any(p => p.Length != 32))
        {
            return null;
        }

        var fn = leafIndex;
        var sn = treeSize - 1;
        var r = leafHash.ToArray();
        foreach (var p in proof)
        {
            if (sn == 0)
            {
                return null;
            }

            if ((fn & 1) == 1 || fn == sn)
            {
                r = NodeHash(p, r);
                while ((fn & 1) == 0 && fn != 0)
                {
                    fn >>= 1;
                    sn >>= 1;
                }
            }
            else
            {
                r = NodeHash(r, p);
            }

            fn >>= 1;
            sn >>= 1;
        }

        return sn == 0 ? r : null;
    }
}
