using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Sigstore.Verification;
using Skills.Oci.Build.Trust.Signatures;

namespace Skills.Oci.Build.Trust;

/// <summary>A verified attestation that is not a signature: its predicate type and, for a SCAI report, the attributes it asserts.</summary>
public sealed record VerifiedAttestation(string PredicateType, IReadOnlyList<string> Attributes)
{
    public override string ToString() => Attributes.Count == 0 ? PredicateType : $"{PredicateType} ({string.Join("; ", Attributes)})";
}

/// <summary>Why one discovered signature or attestation did not count: a SKOCI4xxx code and a reason.</summary>
public sealed record SignatureRejection(DiscoveredSignature Candidate, string Code, string Reason)
{
    public override string ToString() => $"{Candidate.Source}: {Code} {Reason}";
}

/// <summary>
/// The outcome of checking a skill's discovered signatures against a <see cref="SkillTrustRequirement"/>.
/// When verified: who signed (<see cref="Signer"/>, stable enough for the lock file), which signature
/// showed it, and the provenance when one was required. When not: one coded diagnostic that lists
/// every candidate and why it was rejected.
/// </summary>
public sealed class SkillTrustVerdict
{
    internal SkillTrustVerdict(Digest subject, SkillTrustRequirement requirement)
    {
        Subject = subject;
        Requirement = requirement;
    }

    public Digest Subject { get; }

    public SkillTrustRequirement Requirement { get; }

    public bool IsVerified => Diagnostic is null;

    /// <summary>
    /// What was verified, as recorded in a lock file: <c>key:sha256:&lt;hex of the SubjectPublicKeyInfo&gt;</c>
    /// or <c>keyless:&lt;issuer&gt;|&lt;identity&gt;</c>. Null when not verified.
    /// </summary>
    public string? Signer { get; internal init; }

    /// <summary>The signature that satisfied the policy.</summary>
    public DiscoveredSignature? Signature { get; internal init; }

    /// <summary>The verification of <see cref="Signature"/>: times, transparency log entries, statement.</summary>
    public VerificationResult? Result { get; internal init; }

    /// <summary>The provenance attestation that satisfied the requirement, when one was required.</summary>
    public DiscoveredSignature? Provenance { get; internal init; }

    /// <summary>The source repository the verified provenance names.</summary>
    public string? ProvenanceSourceRepository { get; internal init; }

    /// <summary>The predicate types of every other verified attestation by the signer (scan results, SBOMs…), for logs and <c>RequireAttestation</c>.</summary>
    public IReadOnlyList<VerifiedAttestation> Attestations { get; internal init; } = [];

    /// <summary>Every candidate that did not count, and why (also when verified: for detailed logs).</summary>
    public IReadOnlyList<SignatureRejection> Rejections { get; internal init; } = [];

    /// <summary>The error to report when not verified; null when verified.</summary>
    public Diagnostic? Diagnostic { get; internal init; }

    /// <summary>Throws the diagnostic as a <see cref="SkillsOciException"/>; does nothing when verified.</summary>
    public void ThrowIfNotVerified()
    {
        if (Diagnostic is { } diagnostic)
        {
            throw new SkillsOciException(diagnostic);
        }
    }

    public override string ToString() => Diagnostic?.ToString() ?? $"verified: {Signer} ({Signature?.Source})";
}
