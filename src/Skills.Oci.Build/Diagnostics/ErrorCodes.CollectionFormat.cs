namespace Skills.Oci.Build.Diagnostics;

/// <summary>Codes of reading collections and skill requirements (band 7070-7079); each has a page in docs/errors/.</summary>
public static partial class ErrorCodes
{
    /// <summary>A collection index (or skillimage collection) cannot be read: malformed entries, no name, duplicate members.</summary>
    public const string CollectionInvalid = "SKOCI7070";

    /// <summary>Warning: a collection entry gives no size (arconia writes 0); the member is verified by its digest alone.</summary>
    public const string CollectionEntrySizeUnknown = "SKOCI7071";

    /// <summary>A skill's requirements annotation (<c>io.agentskills.skill.requires</c> or ToolHive's) is malformed.</summary>
    public const string SkillRequirementsInvalid = "SKOCI7072";
}
