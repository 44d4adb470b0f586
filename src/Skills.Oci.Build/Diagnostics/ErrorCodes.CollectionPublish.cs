namespace Skills.Oci.Build.Diagnostics;

/// <summary>Band 7000-7029: publishing collections (PushSkill of a collection project, <c>skills-oci collection push</c>) and declaring SkillDependency items.</summary>
public static partial class ErrorCodes
{
    /// <summary>A SkillCollectionMember (or <c>--skill</c>) is not a valid reference, or its Version is not a valid spec.</summary>
    public const string CollectionMemberInvalid = "SKOCI7000";
    /// <summary>No tag of a member's repository satisfies its Version.</summary>
    public const string CollectionMemberUnresolved = "SKOCI7001";
    /// <summary>A member resolves to something that is not a skill manifest (an image, an index, another artifact).</summary>
    public const string CollectionMemberNotASkill = "SKOCI7002";
    /// <summary>A collection lists no member at all.</summary>
    public const string CollectionEmpty = "SKOCI7003";
    /// <summary>Two members of one collection are the same skill name.</summary>
    public const string CollectionMemberDuplicate = "SKOCI7004";
    /// <summary>The collection's name (SkillCollectionName, --name) breaks the skill-name rule.</summary>
    public const string CollectionNameInvalid = "SKOCI7005";
    /// <summary>A SkillDependency's Include is not a repository reference, or its Version is not a valid spec.</summary>
    public const string SkillDependencyInvalid = "SKOCI7006";
    /// <summary>Two SkillDependency items of one skill name the same repository.</summary>
    public const string SkillDependencyDuplicate = "SKOCI7007";
}
