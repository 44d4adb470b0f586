namespace Skills.Oci.Build.Diagnostics;

/// <summary>Codes of central skill versions and skill listing (SKOCI8001-8019); each has a page in docs/errors/.</summary>
public static partial class ErrorCodes
{
    /// <summary>With central skill versions, a SkillReference sets <c>Version</c> instead of <c>VersionOverride</c>.</summary>
    public const string CentralVersionNotAllowed = "SKOCI8001";

    /// <summary>With central skill versions, a SkillReference has no <c>SkillVersion</c> item (and no <c>VersionOverride</c>).</summary>
    public const string CentralVersionMissing = "SKOCI8002";

    /// <summary>A <c>SkillVersion</c> item is malformed: not a repository reference, a tag or digest in its Include, no or a bad Version.</summary>
    public const string SkillVersionInvalid = "SKOCI8003";

    /// <summary>Two <c>SkillVersion</c> items name the same repository.</summary>
    public const string SkillVersionDuplicate = "SKOCI8004";

    /// <summary><c>SkillsListFormat</c> is neither <c>table</c> nor <c>json</c>.</summary>
    public const string ListFormatInvalid = "SKOCI8005";
}
