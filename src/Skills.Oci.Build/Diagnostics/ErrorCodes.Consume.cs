namespace Skills.Oci.Build.Diagnostics;

/// <summary>Codes raised by the consume targets themselves (band 3xxx); each has a page in docs/errors/.</summary>
public static partial class ErrorCodes
{
    /// <summary>
    /// Warning: this MSBuild cannot run the .NET tasks at all (on .NET Framework: no dotnet host found
    /// for the out-of-process path), so skills are not restored by this build.
    /// </summary>
    public const string UnsupportedMSBuildHost = "SKOCI3026";
}
