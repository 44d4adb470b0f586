namespace Skills.Oci.Build.Diagnostics;

/// <summary>
/// Codes of the content scan (SKOCI5100-5199; docs/security.md): 5101-5189 are findings, each with a
/// fixed severity (<c>Security.ScanCodes</c>); 5190-5199 are the scan's own policy errors. Each has a
/// page in docs/errors/.
/// </summary>
public static partial class ErrorCodes
{
    /// <summary>Unicode tag characters (U+E0000-E007F): invisible ASCII an agent reads.</summary>
    public const string ScanTagCharacters = "SKOCI5101";

    /// <summary>Zero-width characters (U+200B-U+200D, U+2060, U+FEFF not at the start of the file).</summary>
    public const string ScanZeroWidthCharacters = "SKOCI5102";

    /// <summary>Bidirectional overrides and isolates (U+202A-U+202E, U+2066-U+2069).</summary>
    public const string ScanBidiControls = "SKOCI5103";

    /// <summary>Variation selectors that follow no emoji or ideograph, or run on: data hidden in them.</summary>
    public const string ScanVariationSelectors = "SKOCI5104";

    /// <summary>Another invisible format character (Unicode category Cf) outside the allowed set.</summary>
    public const string ScanFormatCharacter = "SKOCI5105";

    /// <summary>An HTML comment in Markdown that carries instructions the rendered page does not show.</summary>
    public const string ScanHiddenComment = "SKOCI5110";

    /// <summary>Image alt text in Markdown that carries instructions instead of describing an image.</summary>
    public const string ScanHiddenAltText = "SKOCI5111";

    /// <summary>A script (by extension or shebang) the skill carries.</summary>
    public const string ScanScript = "SKOCI5120";

    /// <summary>A file with the executable bit set.</summary>
    public const string ScanExecutableFile = "SKOCI5121";

    /// <summary>SKILL.md pre-approves tools (<c>allowed-tools</c>).</summary>
    public const string ScanAllowedTools = "SKOCI5130";

    /// <summary><c>allowed-tools</c> pre-approves a shell without restriction.</summary>
    public const string ScanUnrestrictedShell = "SKOCI5131";

    /// <summary>An agent hook declaration (commands the agent runs by itself on events).</summary>
    public const string ScanHookDeclaration = "SKOCI5140";

    /// <summary>An MCP server declaration.</summary>
    public const string ScanMcpServer = "SKOCI5141";

    /// <summary>A download piped into a shell or interpreter (<c>curl … | sh</c>).</summary>
    public const string ScanDownloadAndRun = "SKOCI5150";

    /// <summary><c>npx</c> of a package without a pinned version, or <c>@latest</c>.</summary>
    public const string ScanUnpinnedNpx = "SKOCI5151";

    /// <summary><c>uvx</c>/<c>pipx</c>/<c>pip</c> running code straight from a git repository.</summary>
    public const string ScanRunFromGit = "SKOCI5152";

    /// <summary><c>pip install</c> of a package without a pinned version.</summary>
    public const string ScanUnpinnedPip = "SKOCI5153";

    /// <summary>A network endpoint (an https URL's host).</summary>
    public const string ScanNetworkEndpoint = "SKOCI5160";

    /// <summary>A plain-http URL or one whose host is an IP address.</summary>
    public const string ScanInsecureEndpoint = "SKOCI5161";

    /// <summary>A SkillReference or SkillPackageAllow has AllowFinding without AllowReason, or the other way round, or names no scan code.</summary>
    public const string ScanAllowIncomplete = "SKOCI5190";

    /// <summary>SkillsSecurityMode or a --fail-on severity is not one of the known values.</summary>
    public const string ScanSettingInvalid = "SKOCI5191";

    /// <summary>The SARIF report could not be written.</summary>
    public const string ScanReportWriteFailed = "SKOCI5192";
}
