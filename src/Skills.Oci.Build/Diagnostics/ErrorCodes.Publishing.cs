namespace Skills.Oci.Build.Diagnostics;

/// <summary>Band 2xxx, publishing: what PushSkill refuses before it talks to a registry.</summary>
public static partial class ErrorCodes
{
    /// <summary>PushSkill has no SkillRepository to push to.</summary>
    public const string SkillRepositoryMissing = "SKOCI2060";
    /// <summary>SkillRepository is not a valid OCI repository, or names a tag or digest.</summary>
    public const string SkillRepositoryInvalid = "SKOCI2061";
    /// <summary>An entry of SkillAdditionalTags is not a valid OCI tag.</summary>
    public const string SkillTagInvalid = "SKOCI2062";
    /// <summary>There is no packed image layout for this Version to push.</summary>
    public const string SkillLayoutMissing = "SKOCI2063";

    /// <summary>Warning: PushSkill moved a tag that already named another manifest.</summary>
    public const string TagMovedByPush = "SKOCI2065";
}
