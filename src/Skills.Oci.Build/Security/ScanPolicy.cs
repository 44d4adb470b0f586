using Skills.Oci.Build.Diagnostics;

namespace Skills.Oci.Build.Security;

/// <summary><c>SkillsSecurityMode</c>: what findings do to a restore or a pack.</summary>
public enum SecurityMode
{
    /// <summary>The default: findings are warnings (info findings are messages).</summary>
    Warn,

    /// <summary>Findings of severity high or above that no allow list accepts fail the restore or pack.</summary>
    Block,

    /// <summary>No scan at all.</summary>
    Off,
}

public static class SecurityModes
{
    /// <summary>Parses the property; empty is <see cref="SecurityMode.Warn"/>, anything unknown SKOCI5191 at <paramref name="file"/>.</summary>
    public static SecurityMode Parse(string? text, string? file)
    {
        var value = text?.Trim() ?? string.Empty;
        if (value.Length == 0 || string.Equals(value, "warn", StringComparison.OrdinalIgnoreCase))
        {
            return SecurityMode.Warn;
        }

        if (string.Equals(value, "block", StringComparison.OrdinalIgnoreCase))
        {
            return SecurityMode.Block;
        }

        if (string.Equals(value, "off", StringComparison.OrdinalIgnoreCase))
        {
            return SecurityMode.Off;
        }

        throw new SkillsOciException(ErrorCodes.ScanSettingInvalid, $"SkillsSecurityMode is '{text}'; it must be warn (the default), block or off.", file);
    }
}

/// <summary>One accepted finding code and why, as a reference's <c>AllowFinding</c>/<c>AllowReason</c> give it and the lock records it.</summary>
public sealed record AllowedFinding(string Code, string Reason);

/// <summary>
/// The findings a reference accepts: <c>AllowFinding="SKOCI5120;SKOCI5160"</c> with
/// <c>AllowReason="..."</c>. Both or neither (SKOCI5190), and only scan finding codes.
/// </summary>
public sealed record FindingAllowList(IReadOnlyList<AllowedFinding> Entries)
{
    public static FindingAllowList None { get; } = new([]);

    public const string AllowFindingMetadata = "AllowFinding";
    public const string AllowReasonMetadata = "AllowReason";

    public bool Allows(string code) => Entries.Any(e => e.Code == code);

    public string? ReasonFor(string code) => Entries.FirstOrDefault(e => e.Code == code)?.Reason;

    /// <summary>Reads the two metadata of an item (case-insensitive names); <paramref name="what"/> names the item in the message.</summary>
    public static FindingAllowList FromMetadata(IReadOnlyDictionary<string, string>? metadata, string what, string? file)
    {
        string? Get(string name) => metadata?.FirstOrDefault(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)).Value?.Trim() is { Length: > 0 } v ? v : null;
        return Parse(Get(AllowFindingMetadata), Get(AllowReasonMetadata), what, file);
    }

    public static FindingAllowList Parse(string? allowFinding, string? allowReason, string what, string? file)
    {
        var codes = (allowFinding ?? string.Empty).Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (codes.Length == 0 && string.IsNullOrWhiteSpace(allowReason))
        {
            return None;
        }

        if (codes.Length == 0 || string.IsNullOrWhiteSpace(allowReason))
        {
            throw new SkillsOciException(ErrorCodes.ScanAllowIncomplete,
                $"{what} sets {(codes.Length == 0 ? "AllowReason without AllowFinding" : "AllowFinding without AllowReason")}. Accepting a finding needs both: the codes (AllowFinding=\"SKOCI5120;SKOCI5160\") and why (AllowReason=\"...\"), which the lock records.", file);
        }

        var unknown = codes.Where(c => !ScanCodes.IsFinding(c.ToUpperInvariant())).ToList();
        if (unknown.Count > 0)
        {
            throw new SkillsOciException(ErrorCodes.ScanAllowIncomplete,
                $"{what} allows '{string.Join("', '", unknown)}', which {(unknown.Count == 1 ? "is no" : "are no")} scan finding code (SKOCI5101-SKOCI5189, see docs/security.md).", file);
        }

        return new FindingAllowList(codes.Select(c => c.ToUpperInvariant()).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .Select(c => new AllowedFinding(c, allowReason!.Trim())).ToList());
    }
}

/// <summary>
/// The scan result as the lock records it per skill: the scanner, finding counts per code and the
/// findings accepted with their reasons (docs/lock-file.md). Equal records mean the same scan.
/// </summary>
public sealed record ScanRecord(string Scanner, IReadOnlyList<KeyValuePair<string, int>> Findings, IReadOnlyList<AllowedFinding> Allowed)
{
    public static ScanRecord Of(SkillScanResult result, FindingAllowList allow) =>
        new(SkillContentScanner.ScannerId, result.Counts.ToList(), allow.Entries.Where(e => result.Findings.Any(f => f.Code == e.Code)).ToList());

    public bool Equals(ScanRecord? other) =>
        other is not null && Scanner == other.Scanner && Findings.SequenceEqual(other.Findings) && Allowed.SequenceEqual(other.Allowed);

    public override int GetHashCode() => HashCode.Combine(Scanner, Findings.Count, Allowed.Count);
}

/// <summary>What the policy made of one skill's findings: diagnostics to log, whether it is blocked, and the lock record.</summary>
public sealed record ScanVerdict(IReadOnlyList<Diagnostic> Diagnostics, IReadOnlyList<string> Messages, bool Blocked, ScanRecord Record);

/// <summary>Applies <see cref="SecurityMode"/> and an allow list to one skill's findings.</summary>
public static class ScanEvaluator
{
    /// <param name="locate">The path a diagnostic names for a finding's file (the installed path, not the staging folder).</param>
    public static ScanVerdict Evaluate(string skill, SkillScanResult result, SecurityMode mode, FindingAllowList allow, Func<string, string> locate)
    {
        var diagnostics = new List<Diagnostic>();
        var messages = new List<string>();
        foreach (var finding in result.Findings)
        {
            var text = $"{finding.Message} (skill '{skill}', {finding.Severity.Name()})";
            if (allow.ReasonFor(finding.Code) is { } reason)
            {
                messages.Add($"{Locate(finding, locate)}: {finding.Code}: allowed ({reason}): {text}");
            }
            else if (mode == SecurityMode.Block && finding.Severity >= ScanSeverity.High)
            {
                diagnostics.Add(Diagnostic.Error(finding.Code, $"{text}. SkillsSecurityMode is block, so '{skill}' is not installed; accept it with AllowFinding=\"{finding.Code}\" and AllowReason on its reference once reviewed.", locate(finding.File), finding.Line, finding.Column));
            }
            else if (finding.Severity == ScanSeverity.Info)
            {
                messages.Add($"{Locate(finding, locate)}: {finding.Code}: {text}");
            }
            else
            {
                diagnostics.Add(Diagnostic.Warning(finding.Code, text, locate(finding.File), finding.Line, finding.Column));
            }
        }

        return new ScanVerdict(diagnostics, messages, diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error), ScanRecord.Of(result, allow));
    }

    private static string Locate(SkillFinding finding, Func<string, string> locate) =>
        finding.Line > 0 ? $"{locate(finding.File)}({finding.Line},{Math.Max(1, finding.Column)})" : locate(finding.File);
}
