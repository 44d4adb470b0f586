namespace Skills.Oci.Build.Diagnostics;

/// <summary>Band 2xxx: skill sources, SKILL.md validation, versions and packing.</summary>
public static partial class ErrorCodes
{
    // SKILL.md as a file.
    public const string SkillMarkdownMissing = "SKOCI2001";
    public const string SkillMarkdownNotAFile = "SKOCI2002";
    public const string SkillMarkdownUnreadable = "SKOCI2003";

    // Frontmatter structure.
    public const string FrontmatterMissing = "SKOCI2004";
    public const string FrontmatterNotClosed = "SKOCI2005";
    public const string FrontmatterInvalidYaml = "SKOCI2006";
    public const string FrontmatterNotMapping = "SKOCI2007";

    // Frontmatter fields.
    public const string SkillNameMissing = "SKOCI2008";
    public const string SkillNameInvalid = "SKOCI2009";
    /// <summary>Warning: SKILL.md <c>name</c> differs from the folder name and from <c>SkillName</c>.</summary>
    public const string SkillFolderNameMismatch = "SKOCI2010";
    public const string DescriptionMissing = "SKOCI2011";
    public const string DescriptionTooLong = "SKOCI2012";
    public const string CompatibilityTooLong = "SKOCI2013";
    public const string FrontmatterFieldWrongType = "SKOCI2014";
    public const string FrontmatterUnknownField = "SKOCI2015";
    /// <summary>Warning: a legacy top-level <c>version</c> in SKILL.md, which never sets the version.</summary>
    public const string FrontmatterLegacyVersion = "SKOCI2016";

    // Version.
    public const string VersionInvalid = "SKOCI2020";
    public const string VersionIsMovingTag = "SKOCI2021";
    public const string VersionNotATag = "SKOCI2022";

    // Skill content.
    public const string SkillFileIsLink = "SKOCI2030";
    public const string SkillFileIsHardLink = "SKOCI2031";
    public const string SkillFileIsSpecial = "SKOCI2032";
    public const string SkillFileOutsideProject = "SKOCI2033";
    public const string SkillFileNotFound = "SKOCI2034";
    public const string SkillMarkdownNotInContent = "SKOCI2035";
    public const string SkillFilePathInvalid = "SKOCI2036";

    // Limits (artifact-format.md §8).
    public const string TooManyEntries = "SKOCI2040";
    public const string EntryPathTooLong = "SKOCI2041";
    public const string LayerTooLarge = "SKOCI2042";
    public const string UncompressedContentTooLarge = "SKOCI2043";
    public const string MetadataTooLarge = "SKOCI2044";

    // Pack inputs and output.
    public const string SourceDateEpochInvalid = "SKOCI2050";
    public const string PackPropertyInvalid = "SKOCI2051";
    public const string PackOutputFailed = "SKOCI2052";

    /// <summary>
    /// Warning from Skills.Oci.SkillProject.targets: this MSBuild (.NET Framework, older than 18)
    /// cannot run the .NET tasks, so the skill is not validated, packed or pushed.
    /// </summary>
    public const string UnsupportedMSBuildHostForSkillProject = "SKOCI2064";
}
