namespace Skills.Oci.Build.Diagnostics;

/// <summary>Codes raised by the consume targets themselves (band 3xxx); each has a page in docs/errors/.</summary>
public static partial class ErrorCodes
{
    /// <summary>
    /// Warning from Skills.Oci.Consume.targets: this MSBuild (.NET Framework, older than 18) cannot run
    /// the .NET tasks, so skills are not restored by this build.
    /// </summary>
    public const string UnsupportedMSBuildHost = "SKOCI3026";
}
