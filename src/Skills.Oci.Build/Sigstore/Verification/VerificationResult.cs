using Skills.Oci.Build.Sigstore.Attestations;

namespace Skills.Oci.Build.Sigstore.Verification;

/// <summary>Why verification failed: which check, and a sentence a user can act on.</summary>
public sealed record VerificationFailure(SigstoreFailureKind Kind, string Reason)
{
    public override string ToString() => $"{Kind}: {Reason}";
}

/// <summary>
/// The outcome of verifying a signature: on success, what was established (the signer's key
/// fingerprint or certificate identity, the trusted signing times, the attested statement); on
/// failure, the first check that failed.
/// </summary>
public sealed class VerificationResult
{
    private VerificationResult(VerificationFailure? failure)
    {
        Failure = failure;
    }

    public bool IsVerified => Failure is null;

    public VerificationFailure? Failure { get; }

    /// <summary><c>sha256:</c> hex of the signer's SubjectPublicKeyInfo DER (key or certificate key).</summary>
    public string? KeyFingerprint { get; private init; }

    /// <summary>The certificate's OIDC issuer (keyless only).</summary>
    public string? CertificateIssuer { get; private init; }

    /// <summary>The certificate SAN that matched the policy (keyless only).</summary>
    public string? CertificateSubject { get; private init; }

    /// <summary>Signing times vouched for by a transparency log or timestamp authority.</summary>
    public IReadOnlyList<DateTimeOffset> VerifiedTimes { get; private init; } = [];

    /// <summary>How many transparency log entries verified.</summary>
    public int TransparencyLogEntries { get; private init; }

    /// <summary>The in-toto statement of a DSSE bundle, after its subject matched the artifact.</summary>
    public InTotoStatement? Statement { get; private init; }

    public static VerificationResult Failed(SigstoreFailureKind kind, string reason) => new(new VerificationFailure(kind, reason));

    internal static VerificationResult Succeeded(
        string keyFingerprint,
        string? issuer,
        string? subject,
        IReadOnlyList<DateTimeOffset> times,
        int entries,
        InTotoStatement? statement) =>
        new(null)
        {
            KeyFingerprint = keyFingerprint,
            CertificateIssuer = issuer,
            CertificateSubject = subject,
            VerifiedTimes = times,
            TransparencyLogEntries = entries,
            Statement = statement,
        };

    /// <summary>Throws the failure as a <see cref="SigstoreException"/>; does nothing on success.</summary>
    public void ThrowIfFailed()
    {
        if (Failure is { } failure)
        {
            throw new SigstoreException(failure.Kind, failure.Reason);
        }
    }

    public override string ToString() =>
        Failure?.ToString() ?? (CertificateIssuer is null ? $"verified: key {KeyFingerprint}" : $"verified: {CertificateSubject} from {CertificateIssuer}");
}
