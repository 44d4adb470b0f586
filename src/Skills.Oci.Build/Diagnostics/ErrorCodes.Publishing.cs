namespace Skills.Oci.Build.Diagnostics;

public static partial class ErrorCodes
{
    // Publishing (PushSkill).
    public const string SkillRepositoryMissing = "SKOCI2060";
    public const string SkillRepositoryInvalid = "SKOCI2061";
    public const string SkillTagInvalid = "SKOCI2062";
    public const string SkillLayoutMissing = "SKOCI2063";

    /// <summary>Warning: PushSkill moved a tag that already named another manifest.</summary>
    public const string TagMovedByPush = "SKOCI2065";
}
