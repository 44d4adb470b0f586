using Skills.Oci.Build.Oci;

namespace Skills.Oci.Build.Sigstore.Verification;

/// <summary>
/// The artifact a signature must be about: its digest, and its bytes when the caller has them
/// (Ed25519 signs whole messages, so a bare digest cannot verify an Ed25519 message signature).
/// </summary>
public sealed class SignedArtifact
{
    private readonly byte[]? _content;

    private SignedArtifact(Digest digest, byte[]? content)
    {
        Digest = digest;
        _content = content;
    }

    public Digest Digest { get; }

    public ReadOnlyMemory<byte>? Content => _content is null ? (ReadOnlyMemory<byte>?)null : _content.AsMemory();

    /// <summary>An artifact known by digest only, such as an OCI manifest digest.</summary>
    public static SignedArtifact FromDigest(Digest digest) =>
        digest.IsDefault ? throw new ArgumentException("A digest is required.", nameof(digest)) : new(digest, null);

    public static SignedArtifact FromContent(ReadOnlySpan<byte> content) =>
        new(Digest.ComputeSha256(content), content.ToArray());

    public static async Task<SignedArtifact> FromFileAsync(string path, CancellationToken cancellationToken) =>
        FromContent(await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false));

    /// <summary>The SHA-256 of the artifact, when known.</summary>
    internal byte[]? Sha256 =>
        Content is { } content ? System.Security.Cryptography.SHA256.HashData(content.Span) :
        Digest.Algorithm == Digest.Sha256 ? Convert.FromHexString(Digest.Encoded) : null;
}
