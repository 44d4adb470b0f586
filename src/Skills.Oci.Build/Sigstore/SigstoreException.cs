namespace Skills.Oci.Build.Sigstore;

/// <summary>
/// Which check failed. The library reports failures by kind; a caller maps kinds to its own error
/// codes, so Sigstore verification knows nothing of the application it is used in.
/// </summary>
public enum SigstoreFailureKind
{
    /// <summary>A bundle (or DSSE envelope, in-toto statement) is malformed, of an unknown version, or lacks required material.</summary>
    BundleInvalid,

    /// <summary>A trusted root is malformed or has no usable authority.</summary>
    TrustedRootInvalid,

    /// <summary>A signature does not verify over the artifact, the DSSE envelope or the payload.</summary>
    SignatureInvalid,

    /// <summary>The signing certificate is malformed, does not chain to a trusted CA at signing time, or its SCT is invalid.</summary>
    CertificateInvalid,

    /// <summary>The signer's identity (issuer, subject) or key is not the one the policy expects.</summary>
    SignerMismatch,

    /// <summary>A transparency log entry (SET, inclusion proof, checkpoint, body) does not verify.</summary>
    TransparencyLogInvalid,

    /// <summary>An RFC 3161 timestamp does not verify, or no trusted signing time could be established.</summary>
    TimestampInvalid,

    /// <summary>The signature, statement or payload is about another artifact than the one expected.</summary>
    ArtifactMismatch,

    /// <summary>A key could not be read (unsupported type, malformed PEM or JSON).</summary>
    KeyInvalid,

    /// <summary>An encrypted private key could not be decrypted: the password is wrong or the key is damaged.</summary>
    KeyDecryptionFailed,

    /// <summary>An SLSA provenance statement is malformed or names another source than the one expected.</summary>
    ProvenanceMismatch,

    /// <summary>A cosign simple-signing payload is malformed or not a cosign container image signature.</summary>
    CosignPayloadInvalid,
}

/// <summary>
/// Sigstore material that cannot be read or does not verify. Verifiers turn it into a failed
/// verification result; readers of keys and roots let it propagate.
/// </summary>
public sealed class SigstoreException : Exception
{
    public SigstoreException(SigstoreFailureKind kind, string message, string? file = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
        File = file;
    }

    public SigstoreFailureKind Kind { get; }

    /// <summary>The file the material came from, when it came from one.</summary>
    public string? File { get; }
}
