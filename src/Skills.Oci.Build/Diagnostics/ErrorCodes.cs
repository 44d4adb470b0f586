namespace Skills.Oci.Build.Diagnostics;

/// <summary>
/// Every diagnostic code, one constant each, each with a page in docs/errors/. Bands:
/// 0xxx internal; 1xxx registry, network and credentials; 2xxx skill sources, validation and
/// packing; 3xxx restore, lock file and materialization; 4xxx signatures and trust; 5xxx task
/// parameters and configuration. Areas add their constants in their own partial file.
/// </summary>
public static partial class ErrorCodes
{
    /// <summary>Base of the help links; each code's page is docs/errors/CODE.md.</summary>
    public const string HelpLinkBase = "https://github.com/skills-oci/skills-oci/blob/main/docs/errors/";

    /// <summary>An unexpected failure inside Skills.Oci (a bug): the stack trace is logged at low importance.</summary>
    public const string InternalError = "SKOCI0001";

    /// <summary>The operation was cancelled.</summary>
    public const string Cancelled = "SKOCI0002";

    public const string RegistryUnreachable = "SKOCI1001";
    public const string RegistryUnauthorized = "SKOCI1002";
    public const string RegistryDenied = "SKOCI1003";
    public const string RegistryNotFound = "SKOCI1004";
    public const string DigestMismatch = "SKOCI1005";
    public const string ContentTooLarge = "SKOCI1006";
    public const string RegistryProtocolError = "SKOCI1007";
    public const string CredentialHelperFailed = "SKOCI1008";
    public const string InvalidReference = "SKOCI1009";
    public const string InvalidDockerConfig = "SKOCI1010";

    public static string HelpLink(string code) => HelpLinkBase + code + ".md";
}
