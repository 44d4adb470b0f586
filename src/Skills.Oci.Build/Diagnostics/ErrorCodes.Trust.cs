namespace Skills.Oci.Build.Diagnostics;

/// <summary>
/// Codes of signatures, keys and trust (band 4xxx); each has a page in docs/errors/. SKOCI4001-4012
/// are Sigstore verification failures, mapped from the library's failure kinds in
/// Trust/SigstoreDiagnostics.cs; the rest are skill trust: policies, discovery, snapshots, VerifySkills.
/// </summary>
public static partial class ErrorCodes
{
    /// <summary>A Sigstore bundle is malformed, of an unknown version, or lacks required material.</summary>
    public const string BundleInvalid = "SKOCI4001";

    /// <summary>A trusted root (trusted_root.json) is malformed or has no usable authority.</summary>
    public const string TrustedRootInvalid = "SKOCI4002";

    /// <summary>A signature does not verify over the artifact, the DSSE envelope or the payload.</summary>
    public const string SignatureInvalid = "SKOCI4003";

    /// <summary>The signing certificate does not chain to a trusted CA at signing time, or its SCT is invalid.</summary>
    public const string CertificateInvalid = "SKOCI4004";

    /// <summary>The signer's identity (issuer, subject) or key is not the one the policy expects.</summary>
    public const string SignerMismatch = "SKOCI4005";

    /// <summary>A transparency log entry (SET, inclusion proof, checkpoint, body) does not verify.</summary>
    public const string TransparencyLogInvalid = "SKOCI4006";

    /// <summary>An RFC 3161 timestamp does not verify, or no trusted signing time could be established.</summary>
    public const string TimestampInvalid = "SKOCI4007";

    /// <summary>The signature, statement or payload is about another artifact than the one expected.</summary>
    public const string ArtifactMismatch = "SKOCI4008";

    /// <summary>A key could not be read (unsupported type, malformed PEM or JSON).</summary>
    public const string KeyInvalid = "SKOCI4009";

    /// <summary>An encrypted private key could not be decrypted: the password is wrong or the key is damaged.</summary>
    public const string KeyDecryptionFailed = "SKOCI4010";

    /// <summary>The provenance or attestation does not satisfy the policy (for example the source repository).</summary>
    public const string ProvenanceMismatch = "SKOCI4011";

    /// <summary>A cosign simple-signing payload is malformed or not a cosign container image signature.</summary>
    public const string CosignPayloadInvalid = "SKOCI4012";

    /// <summary>A trust policy applies to a skill, and nothing signed is attached to its manifest.</summary>
    public const string SignatureMissing = "SKOCI4013";

    /// <summary>Signatures are attached, but none satisfies the policy, for different reasons (each is listed).</summary>
    public const string SignatureNotTrusted = "SKOCI4014";

    /// <summary>The policy requires SLSA provenance, and no verified provenance attestation names this manifest.</summary>
    public const string ProvenanceMissing = "SKOCI4015";

    /// <summary>SkillSignatureFormats names something other than bundle, legacy or both.</summary>
    public const string SignatureFormatsInvalid = "SKOCI4016";

    /// <summary>A SkillTrustPolicy item is invalid: no key or identity, both, a missing or unusable key file, bad provenance metadata.</summary>
    public const string TrustPolicyInvalid = "SKOCI4017";

    /// <summary>SkillsRequireSignatures is true and no SkillTrustPolicy covers a skill's repository.</summary>
    public const string TrustPolicyRequired = "SKOCI4018";

    /// <summary>A skill must be verified with no network (offline, or VerifySkills), and no signature snapshot is cached for its digest.</summary>
    public const string SignatureSnapshotMissing = "SKOCI4019";

    /// <summary>VerifySkills: a materialized skill folder differs from the content it was installed from.</summary>
    public const string SkillContentDrift = "SKOCI4020";

    /// <summary>VerifySkills: a locked skill has no recorded content digest, or its folder is missing.</summary>
    public const string SkillContentUnverifiable = "SKOCI4021";

    /// <summary>VerifySkills: the signer verified now differs from the one recorded in the lock (verifiedBy).</summary>
    public const string SignerChanged = "SKOCI4022";

    /// <summary>A SkillTrustPolicy with an unescaped '*' in Include was dropped by MSBuild's wildcard expansion (warning).</summary>
    public const string PolicyDroppedByWildcard = "SKOCI4023";
}
