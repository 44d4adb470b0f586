using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Sigstore;
using Skills.Oci.Build.Sigstore.Keys;
using Skills.Oci.Build.Sigstore.TrustedRoots;
using Skills.Oci.Build.Sigstore.Verification;

namespace Skills.Oci.Build.Trust;

/// <summary>
/// Where the Sigstore library's failure kinds become SKOCI4001-4012. The library reports what failed;
/// only skill trust knows the codes, so this is the one place the two meet.
/// </summary>
public static class SigstoreDiagnostics
{
    public static string CodeOf(SigstoreFailureKind kind) => kind switch
    {
        SigstoreFailureKind.BundleInvalid => ErrorCodes.BundleInvalid,
        SigstoreFailureKind.TrustedRootInvalid => ErrorCodes.TrustedRootInvalid,
        SigstoreFailureKind.SignatureInvalid => ErrorCodes.SignatureInvalid,
        SigstoreFailureKind.CertificateInvalid => ErrorCodes.CertificateInvalid,
        SigstoreFailureKind.SignerMismatch => ErrorCodes.SignerMismatch,
        SigstoreFailureKind.TransparencyLogInvalid => ErrorCodes.TransparencyLogInvalid,
        SigstoreFailureKind.TimestampInvalid => ErrorCodes.TimestampInvalid,
        SigstoreFailureKind.ArtifactMismatch => ErrorCodes.ArtifactMismatch,
        SigstoreFailureKind.KeyInvalid => ErrorCodes.KeyInvalid,
        SigstoreFailureKind.KeyDecryptionFailed => ErrorCodes.KeyDecryptionFailed,
        SigstoreFailureKind.ProvenanceMismatch => ErrorCodes.ProvenanceMismatch,
        SigstoreFailureKind.CosignPayloadInvalid => ErrorCodes.CosignPayloadInvalid,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "A Sigstore failure kind without a code."),
    };

    /// <summary>The failure as users read it in messages: <c>SKOCInnnn: reason</c>.</summary>
    public static string Describe(VerificationFailure failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        return $"{CodeOf(failure.Kind)}: {failure.Reason}";
    }

    public static Diagnostic ToDiagnostic(VerificationFailure failure, string? file = null)
    {
        ArgumentNullException.ThrowIfNull(failure);
        return Diagnostic.Error(CodeOf(failure.Kind), failure.Reason, file);
    }

    public static SkillsOciException ToException(SigstoreException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return new SkillsOciException(CodeOf(exception.Kind), exception.Message, exception.File, innerException: exception);
    }

    /// <summary>Reads the trusted root a project names (<c>SkillsTrustedRoot</c>); a bad root is a coded error.</summary>
    public static async Task<TrustedRoot> LoadTrustedRootAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            return await TrustedRoot.LoadAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (SigstoreException e)
        {
            throw ToException(e);
        }
    }

    /// <summary>The password of an encrypted signing key: read from the environment, never a parameter, so it reaches no log or binlog.</summary>
    public const string SigningPasswordVariable = "SKILLS_OCI_SIGNING_PASSWORD";

    /// <summary>
    /// Reads the signing key file a user named through <paramref name="setting"/> (<c>SkillSigningKey</c>,
    /// <c>--sign-key</c>), its password from <see cref="SigningPasswordVariable"/>; a missing file, bad key
    /// or wrong password is a coded error pointing at <paramref name="diagnosticFile"/>.
    /// </summary>
    public static async Task<SigningKey> LoadSigningKeyFileAsync(string path, string setting, string? diagnosticFile, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            throw new SkillsOciException(ErrorCodes.KeyInvalid,
                $"{setting} names '{path}', which does not exist. Point it at a PEM private key (PKCS#8, or a cosign key with its password in {SigningPasswordVariable}).",
                diagnosticFile);
        }

        return await LoadSigningKeyAsync(path, Environment.GetEnvironmentVariable(SigningPasswordVariable), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads the signing key a project names (<c>SkillSigningKey</c>); a bad key or password is a coded error.</summary>
    public static async Task<SigningKey> LoadSigningKeyAsync(string path, string? password, CancellationToken cancellationToken)
    {
        try
        {
            return await SigningKey.FromPemFileAsync(path, password, cancellationToken).ConfigureAwait(false);
        }
        catch (SigstoreException e)
        {
            throw ToException(e);
        }
    }
}
