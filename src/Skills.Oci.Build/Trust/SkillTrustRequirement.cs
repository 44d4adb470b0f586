using Skills.Oci.Build.Sigstore.Attestations;
using Skills.Oci.Build.Sigstore.Verification;

namespace Skills.Oci.Build.Trust;

/// <summary>
/// SLSA provenance a policy demands: a signed attestation of one of <see cref="PredicateTypes"/>,
/// naming the manifest, built from <see cref="SourceRepository"/> (compared normalized: no
/// <c>git+</c>, ref, <c>.git</c> or trailing slash; case-insensitive).
/// </summary>
public sealed record ProvenanceRequirement
{
    public ProvenanceRequirement(string sourceRepository, IReadOnlyList<string>? predicateTypes = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(sourceRepository);
        SourceRepository = sourceRepository;
        PredicateTypes = predicateTypes is { Count: > 0 } ? predicateTypes : [SlsaProvenance.PredicateTypeV02, SlsaProvenance.PredicateTypeV1];
        if (PredicateTypes.FirstOrDefault(t => !SlsaProvenance.IsProvenance(t)) is { } unknown)
        {
            throw new ArgumentException($"'{unknown}' is not a SLSA provenance predicate type ({SlsaProvenance.PredicateTypeV02} or {SlsaProvenance.PredicateTypeV1}).", nameof(predicateTypes));
        }
    }

    public string SourceRepository { get; }

    public IReadOnlyList<string> PredicateTypes { get; }

    public override string ToString() => $"SLSA provenance ({string.Join(" or ", PredicateTypes)}) from {SourceRepository}";
}

/// <summary>
/// What must hold before a skill is used: a valid signature over its manifest digest by the signer the
/// <see cref="Policy"/> names (a key, or a keyless identity), and, optionally, signed provenance by
/// the same signer from a named source repository.
/// </summary>
public sealed record SkillTrustRequirement(VerificationPolicy Policy, ProvenanceRequirement? Provenance = null)
{
    /// <summary>
    /// <c>RequireAttestation</c>: in-toto predicate types (for example SCAI v0.3 for a security scan) of
    /// which a verified attestation by the same signer, naming the manifest, must be attached.
    /// </summary>
    public IReadOnlyList<string> RequiredAttestations { get; init; } = [];

    public override string ToString() =>
        (Provenance is null ? Policy.ToString() : $"{Policy}, with {Provenance}") +
        (RequiredAttestations.Count == 0 ? string.Empty : $", with attestations {string.Join(" and ", RequiredAttestations)}");
}
