using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace Skills.Oci.Build.Oci;

/// <summary>
/// A content digest, <c>algorithm:encoded</c> (OCI image-spec descriptor.md). Parsed once at the edge;
/// only sha256 and sha512 are accepted because only those can be verified.
/// </summary>
public readonly partial struct Digest : IEquatable<Digest>
{
    public const string Sha256 = "sha256";
    public const string Sha512 = "sha512";

    private Digest(string algorithm, string encoded)
    {
        Algorithm = algorithm;
        Encoded = encoded;
    }

    /// <summary>The algorithm, lower case: <c>sha256</c> or <c>sha512</c>.</summary>
    public string Algorithm { get; }

    /// <summary>The lower-case hex encoding of the hash.</summary>
    public string Encoded { get; }

    public bool IsDefault => Algorithm is null;

    public static Digest Parse(string value) =>
        TryParse(value, out var digest, out var error) ? digest : throw new FormatException(error);

    public static bool TryParse(string? value, out Digest digest) => TryParse(value, out digest, out _);

    public static bool TryParse(string? value, out Digest digest, out string error)
    {
        digest = default;
        if (string.IsNullOrEmpty(value))
        {
            error = "A digest must not be empty.";
            return false;
        }

        var colon = value.IndexOf(':');
        if (colon <= 0 || colon == value.Length - 1)
        {
            error = $"'{value}' is not a digest: expected 'sha256:' followed by 64 lower-case hex characters.";
            return false;
        }

        var algorithm = value[..colon];
        var encoded = value[(colon + 1)..];
        var expectedLength = algorithm switch
        {
            Sha256 => 64,
            Sha512 => 128,
            _ => -1,
        };
        if (expectedLength < 0)
        {
            error = $"'{value}' uses the digest algorithm '{algorithm}'; only sha256 and sha512 are supported.";
            return false;
        }

        if (encoded.Length != expectedLength || !LowerHex().IsMatch(encoded))
        {
            error = $"'{value}' is not a valid {algorithm} digest: expected {expectedLength} lower-case hex characters.";
            return false;
        }

        digest = new Digest(algorithm, encoded);
        error = string.Empty;
        return true;
    }

    public static Digest FromSha256Hash(ReadOnlySpan<byte> hash) =>
        new(Sha256, Convert.ToHexString(hash).ToLowerInvariant());

    public static Digest ComputeSha256(ReadOnlySpan<byte> content) => FromSha256Hash(SHA256.HashData(content));

    public static async Task<Digest> ComputeSha256Async(Stream content, CancellationToken cancellationToken)
    {
        var hash = await SHA256.HashDataAsync(content, cancellationToken).ConfigureAwait(false);
        return FromSha256Hash(hash);
    }

    /// <summary>A fresh incremental hash for this digest's algorithm.</summary>
    public IncrementalHash CreateHash() =>
        IncrementalHash.CreateHash(Algorithm == Sha512 ? HashAlgorithmName.SHA512 : HashAlgorithmName.SHA256);

    /// <summary>Builds a digest of this digest's algorithm from a finished hash.</summary>
    public Digest WithHash(ReadOnlySpan<byte> hash) => new(Algorithm, Convert.ToHexString(hash).ToLowerInvariant());

    /// <summary>The cosign / referrers tag-schema form: <c>sha256-&lt;hex&gt;</c>.</summary>
    public string ToTagSchema() => $"{Algorithm}-{Encoded}";

    public override string ToString() => IsDefault ? string.Empty : $"{Algorithm}:{Encoded}";

    public bool Equals(Digest other) =>
        string.Equals(Algorithm, other.Algorithm, StringComparison.Ordinal) &&
        string.Equals(Encoded, other.Encoded, StringComparison.Ordinal);

    public override bool Equals(object? obj) => obj is Digest other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(Algorithm, Encoded);

    public static bool operator ==(Digest left, Digest right) => left.Equals(right);

    public static bool operator !=(Digest left, Digest right) => !left.Equals(right);

    [GeneratedRegex("^[a-f0-9]+$", RegexOptions.CultureInvariant)]
    private static partial Regex LowerHex();
}
