namespace Skills.Oci.Build.Diagnostics;

/// <summary>Band 2xxx: skill sources, SKILL.md validation, versions and packing.</summary>
public static partial class ErrorCodes
{
    // SKILL.md as a file.
    /// <summary>The skill project has no SKILL.md.</summary>
    public const string SkillMarkdownMissing = "SKOCI2001";
    /// <summary>SKILL.md is a folder, not a file.</summary>
    public const string SkillMarkdownNotAFile = "SKOCI2002";
    /// <summary>SKILL.md cannot be read, or is not valid UTF-8.</summary>
    public const string SkillMarkdownUnreadable = "SKOCI2003";

    // Frontmatter structure.
    /// <summary>SKILL.md does not begin with a <c>---</c> frontmatter line.</summary>
    public const string FrontmatterMissing = "SKOCI2004";
    /// <summary>The frontmatter has no closing <c>---</c> line.</summary>
    public const string FrontmatterNotClosed = "SKOCI2005";
    /// <summary>The frontmatter is not valid YAML.</summary>
    public const string FrontmatterInvalidYaml = "SKOCI2006";
    /// <summary>The frontmatter is YAML, but not a mapping of keys to values.</summary>
    public const string FrontmatterNotMapping = "SKOCI2007";

    // Frontmatter fields.
    /// <summary>The frontmatter has no <c>name</c>.</summary>
    public const string SkillNameMissing = "SKOCI2008";
    /// <summary>The <c>name</c> breaks the skill naming rules (length, lower case, letters, digits, single hyphens).</summary>
    public const string SkillNameInvalid = "SKOCI2009";
    /// <summary>Warning: SKILL.md <c>name</c> differs from the folder name and from <c>SkillName</c>.</summary>
    public const string SkillFolderNameMismatch = "SKOCI2010";
    /// <summary>The frontmatter has no <c>description</c>.</summary>
    public const string DescriptionMissing = "SKOCI2011";
    /// <summary>The <c>description</c> is longer than 1024 characters.</summary>
    public const string DescriptionTooLong = "SKOCI2012";
    /// <summary>The <c>compatibility</c> is longer than 500 characters.</summary>
    public const string CompatibilityTooLong = "SKOCI2013";
    /// <summary>A frontmatter field has the wrong YAML type (for example a list where a string belongs).</summary>
    public const string FrontmatterFieldWrongType = "SKOCI2014";
    /// <summary>The frontmatter has a top-level key the Agent Skills format does not define.</summary>
    public const string FrontmatterUnknownField = "SKOCI2015";
    /// <summary>Warning: a legacy top-level <c>version</c> in SKILL.md, which never sets the version.</summary>
    public const string FrontmatterLegacyVersion = "SKOCI2016";

    // Version.
    /// <summary>The project's Version is not a SemVer 2.0.0 version.</summary>
    public const string VersionInvalid = "SKOCI2020";
    /// <summary>The Version is a moving tag (latest, 1, 1.2) that must not be the publish tag.</summary>
    public const string VersionIsMovingTag = "SKOCI2021";
    /// <summary>The Version has build metadata (+...), which an OCI tag cannot hold.</summary>
    public const string VersionNotATag = "SKOCI2022";

    // Skill content.
    /// <summary>A skill file or folder is a symbolic link; links are never packed or followed.</summary>
    public const string SkillFileIsLink = "SKOCI2030";
    /// <summary>A skill file has more than one hard link.</summary>
    public const string SkillFileIsHardLink = "SKOCI2031";
    /// <summary>A skill file is a device, FIFO or socket, not a regular file.</summary>
    public const string SkillFileIsSpecial = "SKOCI2032";
    /// <summary>A SkillFile item lies outside the project folder.</summary>
    public const string SkillFileOutsideProject = "SKOCI2033";
    /// <summary>A SkillFile item names a file that does not exist.</summary>
    public const string SkillFileNotFound = "SKOCI2034";
    /// <summary>The SkillFile items leave out SKILL.md.</summary>
    public const string SkillMarkdownNotInContent = "SKOCI2035";
    /// <summary>A path inside the skill is invalid for the archive, or collides with another one.</summary>
    public const string SkillFilePathInvalid = "SKOCI2036";

    // Size limits (docs/format.md), checked while packing so nothing is published that a reader refuses.
    /// <summary>The skill has more archive entries than the entry limit.</summary>
    public const string TooManyEntries = "SKOCI2040";
    /// <summary>A path inside the skill is longer than the path-length limit.</summary>
    public const string EntryPathTooLong = "SKOCI2041";
    /// <summary>The compressed content layer is larger than the layer limit.</summary>
    public const string LayerTooLarge = "SKOCI2042";
    /// <summary>The uncompressed content (tar stream) is larger than its limit.</summary>
    public const string UncompressedContentTooLarge = "SKOCI2043";
    /// <summary>The frontmatter, config or manifest is larger than its limit.</summary>
    public const string MetadataTooLarge = "SKOCI2044";

    // Pack inputs and output.
    /// <summary>SOURCE_DATE_EPOCH is not a whole number of seconds since the Unix epoch.</summary>
    public const string SourceDateEpochInvalid = "SKOCI2050";
    /// <summary>A pack property or SkillFile metadata has a value Pack cannot use.</summary>
    public const string PackPropertyInvalid = "SKOCI2051";
    /// <summary>The OCI image layout could not be written to the pack output folder.</summary>
    public const string PackOutputFailed = "SKOCI2052";

    /// <summary>
    /// Warning: this MSBuild cannot run the .NET tasks at all (on .NET Framework: no dotnet host found
    /// for the out-of-process path), so the skill is not validated, packed or pushed.
    /// </summary>
    public const string UnsupportedMSBuildHostForSkillProject = "SKOCI2064";
}
