namespace Skills.Oci.Build.Diagnostics;

/// <summary>Codes of registry mirrors and offline bundles (SKOCI8040-8079); each has a page in docs/errors/.</summary>
public static partial class ErrorCodes
{
    /// <summary>A skill is not on the mirror of its registry, and that mirror says <c>Fallback="false"</c>.</summary>
    public const string MirrorMissingSkill = "SKOCI8040";

    /// <summary>A mirror setting (SkillRegistryMirror item, SKILLS_OCI_MIRRORS or .skills-oci/mirrors.json) is malformed.</summary>
    public const string MirrorSettingInvalid = "SKOCI8041";

    /// <summary>The offline bundle folder (SkillsSource, <c>skills-oci import</c>) is not an OCI image layout.</summary>
    public const string BundleNotFound = "SKOCI8042";

    /// <summary>A skill the restore needs is not in the offline bundle.</summary>
    public const string BundleMissingSkill = "SKOCI8043";

    /// <summary>Export found no lock file, or a lock without registry skills, to export.</summary>
    public const string ExportNothingLocked = "SKOCI8044";

    /// <summary>Export was given no destination folder (SkillsExportPath, the argument of <c>skills-oci export</c>).</summary>
    public const string ExportPathMissing = "SKOCI8045";
}
