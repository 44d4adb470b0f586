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

    /// <summary>The registry could not be reached, or kept failing (429/5xx), after the bounded retries.</summary>
    public const string RegistryUnreachable = "SKOCI1001";

    /// <summary>The registry answered 401: no credentials were found, or those found were rejected.</summary>
    public const string RegistryUnauthorized = "SKOCI1002";

    /// <summary>The registry knows who you are but refuses the operation (403, DENIED, no push scope).</summary>
    public const string RegistryDenied = "SKOCI1003";

    /// <summary>The repository, tag, manifest or blob does not exist in the registry (404).</summary>
    public const string RegistryNotFound = "SKOCI1004";

    /// <summary>Content did not hash to the digest its descriptor names, or had another size.</summary>
    public const string DigestMismatch = "SKOCI1005";

    /// <summary>A manifest, config or layer from the registry is larger than its configured limit.</summary>
    public const string ContentTooLarge = "SKOCI1006";

    /// <summary>The registry answered in a way the OCI distribution protocol does not allow.</summary>
    public const string RegistryProtocolError = "SKOCI1007";

    /// <summary>A Docker credential helper named in config.json could not be run or answered badly.</summary>
    public const string CredentialHelperFailed = "SKOCI1008";

    /// <summary>A reference does not follow the OCI grammar [registry/]repository[:tag][@digest].</summary>
    public const string InvalidReference = "SKOCI1009";

    /// <summary>Docker's config.json is not valid JSON, or an auths entry's auth is not base64 user:password.</summary>
    public const string InvalidDockerConfig = "SKOCI1010";

    /// <summary>The page that explains <paramref name="code"/>, linked from every message that carries it.</summary>
    public static string HelpLink(string code) => HelpLinkBase + code + ".md";
}
