using Skills.Oci.Build.Diagnostics;

namespace Skills.Oci.Build.Security;

/// <summary>What each finding code means: its fixed severity and a short title (SARIF rules, docs/security.md).</summary>
public static class ScanCodes
{
    /// <summary>Every finding code, in code order.</summary>
    public static IReadOnlyList<ScanCode> All { get; } =
    [
        new(ErrorCodes.ScanTagCharacters, "InvisibleTagCharacters", ScanSeverity.Critical, "Unicode tag characters hide text that agents read and reviewers cannot see"),
        new(ErrorCodes.ScanZeroWidthCharacters, "ZeroWidthCharacters", ScanSeverity.High, "Zero-width characters inside text"),
        new(ErrorCodes.ScanBidiControls, "BidiControls", ScanSeverity.High, "Bidirectional override or isolate characters reorder what a reviewer sees"),
        new(ErrorCodes.ScanVariationSelectors, "HiddenVariationSelectors", ScanSeverity.High, "Variation selectors that follow no emoji or ideograph can carry hidden data"),
        new(ErrorCodes.ScanFormatCharacter, "InvisibleFormatCharacter", ScanSeverity.Medium, "An invisible format character outside the allowed set"),
        new(ErrorCodes.ScanHiddenComment, "HiddenCommentInstructions", ScanSeverity.High, "An HTML comment carries instructions the rendered page does not show"),
        new(ErrorCodes.ScanHiddenAltText, "HiddenAltTextInstructions", ScanSeverity.High, "Image alt text carries instructions instead of describing the image"),
        new(ErrorCodes.ScanScript, "Script", ScanSeverity.Info, "The skill carries a script"),
        new(ErrorCodes.ScanExecutableFile, "ExecutableFile", ScanSeverity.Info, "A file has the executable bit"),
        new(ErrorCodes.ScanAllowedTools, "AllowedTools", ScanSeverity.Info, "SKILL.md pre-approves tools (allowed-tools)"),
        new(ErrorCodes.ScanUnrestrictedShell, "UnrestrictedShell", ScanSeverity.Medium, "allowed-tools pre-approves a shell without restriction"),
        new(ErrorCodes.ScanHookDeclaration, "HookDeclaration", ScanSeverity.High, "An agent hook runs commands on agent events without being asked"),
        new(ErrorCodes.ScanMcpServer, "McpServer", ScanSeverity.Medium, "An MCP server declaration starts a process or connects to a service"),
        new(ErrorCodes.ScanDownloadAndRun, "DownloadAndRun", ScanSeverity.High, "A download is piped into a shell or interpreter"),
        new(ErrorCodes.ScanUnpinnedNpx, "UnpinnedNpx", ScanSeverity.Medium, "npx runs whatever version the registry serves today"),
        new(ErrorCodes.ScanRunFromGit, "RunFromGit", ScanSeverity.Medium, "Code is installed or run straight from a git repository"),
        new(ErrorCodes.ScanUnpinnedPip, "UnpinnedPip", ScanSeverity.Low, "pip installs a package without a pinned version"),
        new(ErrorCodes.ScanNetworkEndpoint, "NetworkEndpoint", ScanSeverity.Info, "A network endpoint the skill names"),
        new(ErrorCodes.ScanInsecureEndpoint, "InsecureEndpoint", ScanSeverity.Low, "A plain-http URL or an IP address endpoint"),
    ];

    private static readonly Dictionary<string, ScanCode> ByCode = All.ToDictionary(c => c.Code, StringComparer.Ordinal);

    public static bool IsFinding(string code) => ByCode.ContainsKey(code);

    public static ScanCode Get(string code) => ByCode[code];

    /// <summary>The severity of a finding code; an unknown code (a newer scanner's, read from a lock) counts as medium.</summary>
    public static ScanSeverity SeverityOf(string code) => ByCode.TryGetValue(code, out var known) ? known.Severity : ScanSeverity.Medium;
}

/// <summary>One finding code: its id, a PascalCase name (SARIF <c>rule.name</c>), its severity and title.</summary>
public sealed record ScanCode(string Code, string Name, ScanSeverity Severity, string Title);
