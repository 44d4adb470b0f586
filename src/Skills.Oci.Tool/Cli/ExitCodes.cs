namespace Skills.Oci.Tool.Cli;

/// <summary>What <c>skills-oci</c> returns: scripts and hooks test these, so they never change.</summary>
public static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The command ran and failed: an error diagnostic was printed.</summary>
    public const int Failure = 1;

    /// <summary>The command line itself was wrong (unknown command or option, missing argument).</summary>
    public const int UsageError = 2;
}
