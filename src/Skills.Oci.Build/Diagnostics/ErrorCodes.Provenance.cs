namespace Skills.Oci.Build.Diagnostics;

/// <summary>Codes of bills of materials and provenance (SKOCI5220-5239); each has a page in docs/errors/.</summary>
public static partial class ErrorCodes
{
    /// <summary>ExportSkillsSbom or <c>skills-oci sbom</c> found no lock file to describe.</summary>
    public const string SbomNothingLocked = "SKOCI5220";
}
