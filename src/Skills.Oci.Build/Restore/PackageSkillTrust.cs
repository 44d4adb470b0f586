using Skills.Oci.Build.NuGet;
using Skills.Oci.Build.Trust.Packages;

namespace Skills.Oci.Build.Restore;

/// <summary>
/// The one place a package skill's trust is decided before it is installed: the <c>nuget:</c>
/// SkillTrustPolicy items matching the package id, checked by NuGet's own signature verification
/// (<see cref="PackageTrustGate"/>), and what the lock's <c>verifiedBy</c> records.
/// </summary>
internal sealed class PackageSkillTrust
{
    private readonly PackageTrustGate? _gate;

    private PackageSkillTrust(PackageTrustGate? gate) => _gate = gate;

    /// <summary>
    /// For <c>skills-oci sync</c>: no policies are at hand, and none is needed, because sync installs a
    /// package skill only when its content matches the lock's <c>contentDigest</c>, which the restore that
    /// wrote the lock verified; the recorded <c>verifiedBy</c> stays.
    /// </summary>
    public static PackageSkillTrust FromLock { get; } = new(null);

    /// <summary>A restore's check: the project's policies, run through NuGet with <see cref="SkillRestoreOptions.Dotnet"/>.</summary>
    public static PackageSkillTrust ForRestore(Trust.Policy.SkillTrustPolicySet policies, SkillRestoreOptions options, string projectPath)
    {
        var dotnet = options.Dotnet ?? MissingDotnet;
        var verifier = new PackageSignatureVerifier(dotnet, Path.Combine(options.EffectiveCachePath, "nuget-signatures"));
        return new(new PackageTrustGate(policies, options.RequireSignatures, verifier, projectPath));
    }

    /// <summary>
    /// The <c>verifiedBy</c> value for the package skill, or null when no policy covers it. Throws the
    /// coded <see cref="Diagnostics.SkillsOciException"/> when the covering policy is not satisfied.
    /// </summary>
    public Task<string?> VerifyAsync(PackageSkillInput skill, LockEntry? previous, CancellationToken cancellationToken) =>
        VerifyAsync(VerifiablePackage.InPackageFolder(skill.PackageFolder, skill.Package.Id, skill.Package.Version), previous, cancellationToken);

    /// <summary>True when a check can apply: a <c>nuget:</c> policy exists or signatures are required.</summary>
    public bool IsActive => _gate is { IsInactive: false };

    /// <inheritdoc cref="VerifyAsync(PackageSkillInput, LockEntry?, CancellationToken)"/>
    public async Task<string?> VerifyAsync(VerifiablePackage package, LockEntry? previous, CancellationToken cancellationToken)
    {
        if (_gate is null)
        {
            return previous?.VerifiedBy;
        }

        if (_gate.IsInactive)
        {
            return null;
        }

        var result = await _gate.CheckAsync(package, cancellationToken).ConfigureAwait(false);
        return result?.VerifiedBy;
    }

    // Every host that restores sets SkillRestoreOptions.Dotnet; a test or tool that forgot it fails loudly
    // at the first package a policy covers rather than silently skipping the check.
    private static Task<int> MissingDotnet(IReadOnlyList<string> arguments, string workingDirectory, Action<string, bool> line, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("SkillRestoreOptions.Dotnet is not set, so NuGet cannot verify package signatures.");
}
