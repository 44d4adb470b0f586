namespace Skills.Oci.Build.Diagnostics;

/// <summary>
/// Codes of package skill trust (band 5060-5079): NuGet signature verification of a package that a
/// <c>nuget:</c> SkillTrustPolicy covers. An invalid <c>nuget:</c> policy is SKOCI4017 and a package skill
/// no policy covers under SkillsRequireSignatures is SKOCI4018, as for registry skills.
/// </summary>
public static partial class ErrorCodes
{
    /// <summary>A nuget: SkillTrustPolicy covers the package, and the package is not signed.</summary>
    public const string PackageUnsigned = "SKOCI5060";

    /// <summary>The package is signed, but by no certificate the covering nuget: SkillTrustPolicy lists.</summary>
    public const string PackageSignerNotTrusted = "SKOCI5061";

    /// <summary>A listed certificate signed the package, but as the other signature type than the policy's SignatureType.</summary>
    public const string PackageSignatureTypeMismatch = "SKOCI5062";

    /// <summary>The package's signature is invalid or its content no longer matches it (modified after signing).</summary>
    public const string PackageSignatureInvalid = "SKOCI5063";

    /// <summary>A listed certificate signed the package, but its chain ends in an untrusted root and the policy does not set AllowUntrustedRoot.</summary>
    public const string PackageSignerUntrustedRoot = "SKOCI5064";

    /// <summary>NuGet refused the package's signature for another reason (expired, revoked, unsupported...); its NU3xxx codes are listed.</summary>
    public const string PackageSignatureRejected = "SKOCI5065";

    /// <summary>'dotnet nuget verify' did not run to a verdict Skills.Oci can read.</summary>
    public const string PackageVerifyFailed = "SKOCI5066";

    /// <summary>The .nupkg to verify is not in the global packages folder (NuGet keeps it there unless the package was extracted without it).</summary>
    public const string PackageFileMissing = "SKOCI5067";
}
