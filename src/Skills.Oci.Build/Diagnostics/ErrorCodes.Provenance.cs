namespace Skills.Oci.Build.Diagnostics;

/// <summary>Codes of bills of materials and provenance and attestations (SKOCI5220-5249); each has a page in docs/errors/.</summary>
public static partial class ErrorCodes
{
    /// <summary>ExportSkillsSbom or <c>skills-oci sbom</c> found no lock file to describe.</summary>
    public const string SbomNothingLocked = "SKOCI5220";

    /// <summary>SkillProvenance=true without SkillSigningKey: a provenance statement is only worth something signed.</summary>
    public const string ProvenanceNeedsSigningKey = "SKOCI5221";

    /// <summary>SkillProvenance=true and no source repository is known (SkillSourceRepository, RepositoryUrl, SourceLink).</summary>
    public const string ProvenanceSourceUnknown = "SKOCI5222";

    /// <summary>A trust policy's RequireAttestation names a predicate type of which no verified attestation by its signer is attached.</summary>
    public const string AttestationMissing = "SKOCI5240";
}
