namespace Skills.Oci.Build.Diagnostics;

/// <summary>
/// Every diagnostic code, one constant each, each with a page in docs/errors/. Bands:
/// 1xxx registry, network and credentials; 2xxx skill sources, validation and packing;
/// 3xxx restore, lock file and materialization; 4xxx signatures and trust; 5xxx task parameters
/// and configuration.
/// </summary>
public static class ErrorCodes
{
    /// <summary>Base of the help links; each code's page is docs/errors/CODE.md.</summary>
    public const string HelpLinkBase = "https://github.com/skills-oci/skills-oci/blob/main/docs/errors/";

    public static string HelpLink(string code) => HelpLinkBase + code + ".md";
}
