namespace Skills.Oci.Build.Diagnostics;

/// <summary>Codes of the command line's install, update, verify and list commands (band 6xxx, 6040-6059).</summary>
public static partial class ErrorCodes
{
    /// <summary>The --project given to a command is not a project file, a solution file or a folder.</summary>
    public const string ProjectArgumentInvalid = "SKOCI6040";

    /// <summary>Warning: list --outdated could not read a skill's tags from its registry; that skill's newest tags are unknown.</summary>
    public const string OutdatedLookupFailed = "SKOCI6043";

    /// <summary>A solution file given with --project could not be read or lists no project.</summary>
    public const string SolutionUnreadable = "SKOCI6044";
}
