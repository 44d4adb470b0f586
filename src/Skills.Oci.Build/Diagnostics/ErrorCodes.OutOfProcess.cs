namespace Skills.Oci.Build.Diagnostics;

/// <summary>Codes of the out-of-process task host (.NET Framework MSBuild older than 18; band 6xxx, 6080-6099).</summary>
public static partial class ErrorCodes
{
    /// <summary>
    /// The dotnet process that runs a task for .NET Framework MSBuild exited with a failure and reported
    /// no error of its own (it crashed, or no .NET 8 or later runtime is installed). Logged by the net472
    /// task in Skills.Oci.Build.NetFx, which cannot reference this class and spells the code itself.
    /// </summary>
    public const string OutOfProcessTaskFailed = "SKOCI6080";
}
