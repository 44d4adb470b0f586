using Skills.Oci.Build.Diagnostics;

namespace Skills.Oci.Build.Trust.Packages;

/// <summary>
/// What verifying one package against its <c>nuget:</c> policy gave. Verified: <see cref="VerifiedBy"/> is
/// what the lock records. Not verified: <see cref="Failure"/> is the coded error naming the package, the
/// policy and what was found.
/// </summary>
/// <param name="SignatureType">The signature that satisfied the policy; when refused, the first one NuGet reported (None when unsigned or unreadable).</param>
/// <param name="SignerFingerprint">That signature's signer certificate, SHA-256, upper-case hex; null when none.</param>
/// <param name="FromCache">True when an earlier verification of the same bytes under the same policy was reused (no NuGet run).</param>
public sealed record PackageSignatureResult(
    string PackageId,
    string Version,
    PackageSignatureKind SignatureType,
    string? SignerFingerprint,
    Diagnostic? Failure,
    bool FromCache = false)
{
    /// <summary>The <c>verifiedBy</c> prefix of a package skill in the lock.</summary>
    public const string VerifiedByPrefix = "nuget:";

    public bool IsVerified => Failure is null && SignerFingerprint is not null && SignatureType != PackageSignatureKind.None;

    /// <summary>
    /// The lock's <c>verifiedBy</c>: <c>nuget:author:sha256:&lt;hex&gt;</c> or <c>nuget:repository:sha256:&lt;hex&gt;</c>
    /// (the signer certificate's SHA-256 fingerprint, lower-case as in <c>key:sha256:</c>); null when not verified.
    /// </summary>
    public string? VerifiedBy => IsVerified ? FormatVerifiedBy(SignatureType, SignerFingerprint!) : null;

    public static string FormatVerifiedBy(PackageSignatureKind kind, string fingerprint) =>
        $"{VerifiedByPrefix}{kind.ToString().ToLowerInvariant()}:sha256:{fingerprint.ToLowerInvariant()}";

    /// <summary>Reads a <c>verifiedBy</c> this type wrote back into its parts; null for any other form.</summary>
    public static (PackageSignatureKind Kind, string Fingerprint)? ParseVerifiedBy(string verifiedBy)
    {
        var parts = verifiedBy.Split(':');
        if (parts is not [var prefix, var kind, "sha256", var hex] || prefix + ":" != VerifiedByPrefix || hex.Length != 64 || !hex.All(char.IsAsciiHexDigit))
        {
            return null;
        }

        return kind switch
        {
            "author" => (PackageSignatureKind.Author, hex.ToUpperInvariant()),
            "repository" => (PackageSignatureKind.Repository, hex.ToUpperInvariant()),
            _ => null,
        };
    }
}
