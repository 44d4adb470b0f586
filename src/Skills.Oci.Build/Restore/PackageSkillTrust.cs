namespace Skills.Oci.Build.Restore;

/// <summary>
/// The one place a package skill's trust is decided before it is installed: the <c>nuget:</c>
/// SkillTrustPolicy items matching the package id, and what the lock's <c>verifiedBy</c> records.
/// Package signature verification (NuGet's author or repository signature) plugs in here; until it
/// does, a package skill with no matching policy installs as it always has, and none is recorded.
/// </summary>
internal static class PackageSkillTrust
{
    /// <summary>The <c>verifiedBy</c> value for the package skill, or null when no policy applies.</summary>
    public static Task<string?> VerifyAsync(PackageSkillInput skill, SkillRestoreOptions options, CancellationToken cancellationToken)
    {
        _ = (skill, options);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult<string?>(null);
    }
}
