namespace Skills.Oci.Build.Diagnostics;

/// <summary>Codes of consuming skills that come with NuGet packages (band 5001-5039); each has a page in docs/errors/.</summary>
public static partial class ErrorCodes
{
    /// <summary>Two packages (or two versions' folders under different ids) provide a skill of the same name.</summary>
    public const string PackageSkillConflict = "SKOCI5001";

    /// <summary>A package skill and a SkillReference have the same name, and the reference does not set Override="true".</summary>
    public const string PackageSkillReferenceConflict = "SKOCI5002";

    /// <summary>The package folder of a locked package skill no longer matches the lock's contentDigest.</summary>
    public const string PackageSkillContentChanged = "SKOCI5003";

    /// <summary>Locked mode: the package version the lock records is not the one NuGet resolved.</summary>
    public const string PackageSkillVersionChanged = "SKOCI5004";

    /// <summary>NuGet's project.assets.json cannot be read or has an entry Skills.Oci refuses.</summary>
    public const string PackageAssetsInvalid = "SKOCI5005";

    /// <summary>Warning: a package skill's package folder is not on this machine, so it was not installed.</summary>
    public const string PackageFolderMissing = "SKOCI5006";
}
