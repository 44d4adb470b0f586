using System.Security.Cryptography;
using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Sigstore;
using Skills.Oci.Build.Sigstore.Attestations;
using Skills.Oci.Build.Sigstore.Bundles;
using Skills.Oci.Build.Sigstore.Cosign;
using Skills.Oci.Build.Sigstore.Serialization;
using Skills.Oci.Build.Sigstore.Signing;
using Skills.Oci.Build.Sigstore.TrustedRoots;
using Skills.Oci.Build.Sigstore.Verification;
using Skills.Oci.Build.Trust.Signatures;

namespace Skills.Oci.Build.Trust;

/// <summary>
/// Decides whether a skill's discovered signatures satisfy a trust requirement, offline, and
/// describes what was found when no requirement applies.
/// </summary>
/// <remarks>
/// What counts as a signature: a message-signature bundle, a DSSE bundle or <c>.att</c> attestation
/// whose in-toto predicate is cosign's signature (<c>https://sigstore.dev/cosign/sign/v1</c>), or a
/// legacy <c>.sig</c> simple-signing layer. Other attestations are statements about the manifest,
/// not endorsements of it, and do not count, with one exception: when the requirement demands
/// provenance, a verified SLSA provenance attestation by the required signer also shows that signer
/// vouched for this digest (GitHub's attest-build-provenance publishes only that). Every DSSE
/// statement must name the manifest digest as a subject, and every simple-signing payload must carry
/// it; a signature about anything else is rejected.
/// </remarks>
public sealed class SkillTrustEvaluator
{
    /// <summary>Any issuer, any identity: for describing keyless signers without a policy.</summary>
    private static readonly VerificationPolicy AnyIdentity = VerificationPolicy.ForIdentity(CertificateIdentity.Pattern(".+", ".+"));

    private readonly SigstoreVerifier _bundles;
    private readonly SimpleSigningVerifier _simpleSignatures;

    public SkillTrustEvaluator(TrustedRoot trustedRoot, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(trustedRoot);
        _bundles = new SigstoreVerifier(trustedRoot, timeProvider);
        _simpleSignatures = new SimpleSigningVerifier(trustedRoot, timeProvider);
    }

    /// <summary>The lock-file form of a verified signer: <c>key:sha256:…</c> or <c>keyless:issuer|identity</c>.</summary>
    public static string DescribeSigner(VerificationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (!result.IsVerified)
        {
            throw new ArgumentException("Only a verified result has a signer.", nameof(result));
        }

        return result.CertificateIssuer is null
            ? "key:" + result.KeyFingerprint
            : $"keyless:{result.CertificateIssuer}|{result.CertificateSubject}";
    }

    public SkillTrustVerdict Evaluate(DiscoveredSignatures found, Digest subject, SkillTrustRequirement requirement)
    {
        ArgumentNullException.ThrowIfNull(found);
        ArgumentNullException.ThrowIfNull(requirement);
        if (found.Subject != subject)
        {
            throw new ArgumentException($"The signatures were found for {found.Subject}, not {subject}.", nameof(found));
        }

        var rejections = new List<SignatureRejection>();
        (DiscoveredSignature Item, VerificationResult Result)? signature = null;
        (DiscoveredSignature Item, VerificationResult Result, SlsaProvenance Provenance)? provenance = null;
        var provenanceRejections = new List<SignatureRejection>();
        var attestations = new List<VerifiedAttestation>();

        foreach (var item in found.Items)
        {
            var result = Verify(item, subject, requirement.Policy);
            if (!result.IsVerified)
            {
                var rejection = new SignatureRejection(item, SigstoreDiagnostics.CodeOf(result.Failure!.Kind), result.Failure.Reason);
                rejections.Add(rejection);
                if (item.ClaimedPredicateType is { } claimed && SlsaProvenance.IsProvenance(claimed))
                {
                    provenanceRejections.Add(rejection);
                }

                continue;
            }

            var predicateType = result.Statement?.PredicateType;
            if (predicateType is null || predicateType == SigstoreBundleSigner.CosignSignPredicateType)
            {
                signature ??= (item, result);
                continue;
            }

            if (!SlsaProvenance.IsProvenance(predicateType) || requirement.Provenance is not { } wanted)
            {
                // Not an endorsement of the digest, but a verified statement about it by this signer.
                attestations.Add(new VerifiedAttestation(predicateType, ScaiAttributeReport.Attributes(result.Statement!)
                    .Select(a => a.Conditions is null ? a.Attribute : $"{a.Attribute} when {a.Conditions}").ToList()));
                rejections.Add(new SignatureRejection(item, ErrorCodes.SignatureMissing, $"It is a verified '{predicateType}' attestation, not a signature."));
                continue;
            }

            if (provenance is not null)
            {
                continue;
            }

            var failure = CheckProvenance(result.Statement!, wanted, out var parsed);
            if (failure is null)
            {
                provenance = (item, result, parsed!);
            }
            else
            {
                var rejection = new SignatureRejection(item, SigstoreDiagnostics.CodeOf(failure.Kind), failure.Reason);
                rejections.Add(rejection);
                provenanceRejections.Add(rejection);
            }
        }

        // A verified provenance by the required signer also vouches for the digest (see remarks).
        var signedBy = signature ?? (provenance is { } p ? (p.Item, p.Result) : null);
        if (signedBy is null)
        {
            var candidates = rejections.Except(provenanceRejections).ToList();
            return Failed(subject, requirement, rejections, found.IsEmpty
                ? Diagnostic.Error(ErrorCodes.SignatureMissing, $"No signature is attached to {subject}, and the trust policy requires one by {requirement.Policy}.{Notes(found)}")
                : Diagnostic.Error(
                    CommonCode(candidates.Count > 0 ? candidates : rejections, ErrorCodes.SignatureNotTrusted),
                    $"No signature attached to {subject} satisfies the trust policy ({requirement.Policy}): {string.Join("; ", rejections).TrimEnd('.')}.{Notes(found)}"));
        }

        if (requirement.Provenance is { } required && provenance is null)
        {
            return Failed(subject, requirement, rejections, provenanceRejections.Count == 0
                ? Diagnostic.Error(ErrorCodes.ProvenanceMissing, $"No verified {required} names {subject}; the trust policy requires it, signed by {requirement.Policy}.{Notes(found)}")
                : Diagnostic.Error(
                    CommonCode(provenanceRejections, ErrorCodes.ProvenanceMissing),
                    $"No provenance attached to {subject} satisfies the trust policy ({required}, signed by {requirement.Policy}): {string.Join("; ", provenanceRejections)}."));
        }

        if (requirement.RequiredAttestations.Where(t => !attestations.Any(a => a.PredicateType == t)).ToList() is { Count: > 0 } absent)
        {
            return Failed(subject, requirement, rejections, Diagnostic.Error(ErrorCodes.AttestationMissing,
                $"No verified attestation of type {string.Join(" or ", absent.Select(t => $"'{t}'"))} signed by {requirement.Policy} names {subject}; the trust policy requires it (RequireAttestation).{(attestations.Count == 0 ? string.Empty : $" Verified attestations: {string.Join(", ", attestations.Select(a => a.PredicateType).Distinct(StringComparer.Ordinal))}.")}{Notes(found)}"));
        }

        return new SkillTrustVerdict(subject, requirement)
        {
            Attestations = attestations.DistinctBy(a => a.ToString()).ToList(),
            Signer = DescribeSigner(signedBy.Value.Result),
            Signature = signedBy.Value.Item,
            Result = signedBy.Value.Result,
            Provenance = provenance?.Item,
            ProvenanceSourceRepository = provenance?.Provenance.SourceRepository,
            Rejections = rejections,
        };
    }

    /// <summary>
    /// Describes what is attached, for a skill no policy covers: "signed by key sha256:…" (a key
    /// cannot be checked without the key), "signed by &lt;identity&gt; (&lt;issuer&gt;)" (keyless
    /// signatures are verified against the trusted root with any identity), or "unsigned".
    /// </summary>
    public IReadOnlyList<string> Describe(DiscoveredSignatures found)
    {
        ArgumentNullException.ThrowIfNull(found);
        var findings = new List<string>();
        foreach (var item in found.Items)
        {
            string description;
            try
            {
                description = DescribeOne(item, found.Subject);
            }
            catch (Exception e) when (e is SigstoreException or CryptographicException or FormatException or System.Formats.Asn1.AsnContentException)
            {
                description = $"an unreadable {item.Format} ({e.Message})";
            }

            findings.Add($"{description} [{item.Source}]");
        }

        if (findings.Count == 0)
        {
            findings.Add("unsigned");
        }

        return findings;
    }

    private VerificationResult Verify(DiscoveredSignature item, Digest subject, VerificationPolicy policy)
    {
        var artifact = SignedArtifact.FromDigest(subject);
        VerificationResult result;
        string? keyHint = null;
        switch (item.Format)
        {
            case SignatureFormat.SimpleSigning:
                return _simpleSignatures.Verify(item.Content, item.Annotations, subject, policy);
            case SignatureFormat.DsseAttestation:
                try
                {
                    result = _bundles.Verify(LegacyAttestationBundle.ToBundleJson(item), artifact, policy);
                }
                catch (SigstoreException e)
                {
                    return VerificationResult.Failed(e.Kind, e.Message);
                }

                break;
            default:
                result = _bundles.Verify(item.Content, artifact, policy);
                keyHint = TryReadKeyHint(item.Content);
                break;
        }

        // A key-signed bundle names its key by hint: when the signature fails and the hint is of
        // another key, say "signed by another key" rather than "tampered". The hint is unsigned, so
        // it only sharpens a failure; it never makes anything pass.
        if (result.Failure?.Kind == SigstoreFailureKind.SignatureInvalid && policy.Key is { } key &&
            !string.IsNullOrEmpty(keyHint) && keyHint != SigstoreBundleSigner.PublicKeyHint(key) &&
            HintToFingerprint(keyHint) is { } signer)
        {
            return VerificationResult.Failed(SigstoreFailureKind.SignerMismatch, $"The bundle was signed with the key {signer}, not the policy's key {key.Fingerprint}.");
        }

        return result;
    }

    private static VerificationFailure? CheckProvenance(InTotoStatement statement, ProvenanceRequirement required, out SlsaProvenance? provenance)
    {
        provenance = null;
        if (!required.PredicateTypes.Contains(statement.PredicateType, StringComparer.Ordinal))
        {
            return new VerificationFailure(SigstoreFailureKind.ProvenanceMismatch, $"The provenance is '{statement.PredicateType}'; the policy accepts {string.Join(" or ", required.PredicateTypes)}.");
        }

        try
        {
            provenance = SlsaProvenance.FromStatement(statement);
            provenance.RequireRepository(required.SourceRepository);
            return null;
        }
        catch (SigstoreException e)
        {
            return new VerificationFailure(e.Kind, e.Message);
        }
    }

    private string DescribeOne(DiscoveredSignature item, Digest subject)
    {
        var what = item.ClaimedPredicateType is { } type && type != SigstoreBundleSigner.CosignSignPredicateType ? $"a '{type}' attestation" : "a signature";
        var keySigned = item.Format switch
        {
            SignatureFormat.SimpleSigning or SignatureFormat.DsseAttestation => string.IsNullOrWhiteSpace(item.Annotations.GetValueOrDefault(CosignSignatureAnnotations.Certificate)),
            _ => SigstoreBundle.Parse(item.Content).IsKeySigned,
        };
        if (keySigned)
        {
            var hint = item.Format == SignatureFormat.SigstoreBundle ? TryReadKeyHint(item.Content) : null;
            var fingerprint = hint is null ? null : HintToFingerprint(hint);
            return fingerprint is null ? $"{what} signed with a key (not checked: no key to check it with)" : $"{what} signed by key {fingerprint} (not checked: no key to check it with)";
        }

        var result = Verify(item, subject, AnyIdentity);
        return result.IsVerified
            ? $"{what} signed by {result.CertificateSubject} ({result.CertificateIssuer})"
            : $"{what} with a keyless signature that does not verify: {SigstoreDiagnostics.Describe(result.Failure!)}";
    }

    private static string? TryReadKeyHint(byte[] bundleJson)
    {
        try
        {
            return SigstoreBundle.Parse(bundleJson).PublicKeyHint;
        }
        catch (SigstoreException)
        {
            return null;
        }
    }

    /// <summary>cosign's hint is base64 of the SHA-256 of the key's SubjectPublicKeyInfo: our fingerprint, re-encoded.</summary>
    private static string? HintToFingerprint(string hint) =>
        Base64Text.TryDecode(hint, out var hash) && hash.Length == 32 ? "sha256:" + Convert.ToHexString(hash).ToLowerInvariant() : null;

    private static string CommonCode(IReadOnlyCollection<SignatureRejection> rejections, string fallback)
    {
        var codes = rejections.Select(r => r.Code).Distinct(StringComparer.Ordinal).ToList();
        return codes.Count == 1 ? codes[0] : fallback;
    }

    private static string Notes(DiscoveredSignatures found) =>
        found.Notes.Count == 0 ? string.Empty : " Not examined: " + string.Join(" ", found.Notes);

    private static SkillTrustVerdict Failed(Digest subject, SkillTrustRequirement requirement, List<SignatureRejection> rejections, Diagnostic diagnostic) =>
        new(subject, requirement) { Rejections = rejections, Diagnostic = diagnostic };
}
