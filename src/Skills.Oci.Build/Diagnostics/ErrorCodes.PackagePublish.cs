namespace Skills.Oci.Build.Diagnostics;

/// <summary>Band 5040-5059: skills packed into NuGet packages (PackageSkill, SkillPackageFormats).</summary>
public static partial class ErrorCodes
{
    /// <summary>SkillPackageFormats names a format other than oci and nuget, or none at all.</summary>
    public const string SkillPackageFormatsInvalid = "SKOCI5040";
    /// <summary>Two PackageSkill items of one project are the same skill (same name or same folder).</summary>
    public const string PackageSkillDuplicate = "SKOCI5041";
    /// <summary>A PackageSkill item does not name a folder.</summary>
    public const string PackageSkillNotAFolder = "SKOCI5042";
    /// <summary>A SkillFile's Link renames it to a path a NuGet package cannot hold for it.</summary>
    public const string PackageSkillPathUnsupported = "SKOCI5043";
    /// <summary>PushSkill of a skill project whose SkillPackageFormats leaves out oci, so no layout is packed to push.</summary>
    public const string PushWithoutOciFormat = "SKOCI5044";
}
