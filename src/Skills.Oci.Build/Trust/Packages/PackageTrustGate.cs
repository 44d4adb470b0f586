using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.NuGet;
using Skills.Oci.Build.Trust.Policy;

namespace Skills.Oci.Build.Trust.Packages;

/// <summary>
/// Applies the <c>nuget:</c> SkillTrustPolicy items to one package that brings skills: the most specific
/// matching policy must be satisfied by NuGet's verification of the package's signature. With
/// SkillsRequireSignatures, a package no <c>nuget:</c> policy covers is refused, as a registry skill no
/// policy covers is. Restore calls it once per package before materializing its skills.
/// </summary>
public sealed class PackageTrustGate
{
    private readonly SkillTrustPolicySet _policies;
    private readonly bool _requireSignatures;
    private readonly PackageSignatureVerifier _verifier;
    private readonly string _projectPath;

    public PackageTrustGate(SkillTrustPolicySet policies, bool requireSignatures, PackageSignatureVerifier verifier, string projectPath)
    {
        _policies = policies;
        _requireSignatures = requireSignatures;
        _verifier = verifier;
        _projectPath = projectPath;
    }

    /// <summary>True when no check can apply (no <c>nuget:</c> policy, signatures not required): restore may skip the gate.</summary>
    public bool IsInactive => _policies.PackagePolicies.Count == 0 && !_requireSignatures;

    /// <summary>
    /// Checks <paramref name="package"/>. Returns null when no policy covers it (and signatures are not
    /// required): nothing is verified and the lock records no <c>verifiedBy</c>. Returns the verified
    /// result otherwise; throws the coded error when the covering policy is not satisfied, or none covers
    /// it and signatures are required.
    /// </summary>
    public async Task<PackageSignatureResult?> CheckAsync(VerifiablePackage package, CancellationToken cancellationToken)
    {
        var policy = _policies.MatchPackage(package.Id);
        if (policy is null)
        {
            if (_requireSignatures)
            {
                throw new SkillsOciException(ErrorCodes.TrustPolicyRequired,
                    $"SkillsRequireSignatures is true and no SkillTrustPolicy covers the package '{package.Display}', which brings skills. Add a SkillTrustPolicy Include=\"nuget:{package.Id}\" (or a pattern such as \"nuget:{PrefixOf(package.Id)}%2A\") with the CertificateFingerprint of the certificate that signs it, or exclude the package with SkillPackageExclude.",
                    _projectPath);
            }

            return null;
        }

        var result = await _verifier.VerifyAsync(package, policy, cancellationToken).ConfigureAwait(false);
        if (result.Failure is { } failure)
        {
            throw new SkillsOciException(failure with { File = failure.File ?? _projectPath });
        }

        return result;
    }

    /// <summary>The id up to its last dot, for the suggested pattern (<c>Contoso.Json</c> → <c>Contoso.</c>).</summary>
    private static string PrefixOf(string id) => id.LastIndexOf('.') is var dot and > 0 ? id[..(dot + 1)] : id;
}
