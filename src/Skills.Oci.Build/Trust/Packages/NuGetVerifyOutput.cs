using System.Text.RegularExpressions;

namespace Skills.Oci.Build.Trust.Packages;

/// <summary>A signature as NuGet reports it.</summary>
public enum PackageSignatureKind
{
    None,
    Author,
    Repository,
}

/// <summary>One signature <c>dotnet nuget verify</c> listed: its type and its signer certificate's SHA-256 fingerprint (upper-case hex).</summary>
public sealed record ReportedSignature(PackageSignatureKind Kind, string Fingerprint, string? Subject);

/// <summary>One NuGet message with a code, e.g. <c>error: NU3004: The package is not signed.</c></summary>
public sealed record ReportedMessage(string Code, string Message, bool IsError);

/// <summary>
/// What <c>dotnet nuget verify --all --force-english-output</c> printed, read leniently: the signature
/// blocks (<c>Signature type:</c>, then the signer's <c>SHA256 hash:</c>; a timestamp's certificate
/// printed later in the block is not the signer) and the NU codes. Unknown lines are ignored, so a new
/// NuGet adding lines does not break the reading; the exit code stays the verdict.
/// </summary>
public sealed partial class NuGetVerifyOutput
{
    private NuGetVerifyOutput(IReadOnlyList<ReportedSignature> signatures, IReadOnlyList<ReportedMessage> messages)
    {
        Signatures = signatures;
        Messages = messages;
    }

    public IReadOnlyList<ReportedSignature> Signatures { get; }

    public IReadOnlyList<ReportedMessage> Messages { get; }

    public bool HasError(string code) => Messages.Any(m => m.IsError && m.Code == code);

    public bool HasAnyError(IEnumerable<string> codes) => codes.Any(HasError);

    /// <summary>The error messages, one per code, for a diagnostic ("NU3018: …; NU3027: …").</summary>
    public string DescribeErrors() => string.Join("; ", Messages.Where(m => m.IsError).DistinctBy(m => m.Code).Select(m => $"{m.Code}: {m.Message.TrimEnd('.')}"));

    public static NuGetVerifyOutput Parse(IEnumerable<string> lines)
    {
        var signatures = new List<ReportedSignature>();
        var messages = new List<ReportedMessage>();
        PackageSignatureKind? pending = null;
        string? subject = null;
        foreach (var line in lines)
        {
            if (SignatureTypeLine().Match(line) is { Success: true } type)
            {
                pending = Enum.Parse<PackageSignatureKind>(type.Groups[1].Value, ignoreCase: true);
                subject = null;
            }
            else if (pending is not null && SubjectLine().Match(line) is { Success: true } name)
            {
                subject ??= name.Groups[1].Value.Trim();
            }
            else if (pending is { } kind && FingerprintLine().Match(line) is { Success: true } hash)
            {
                signatures.Add(new ReportedSignature(kind, hash.Groups[1].Value.ToUpperInvariant(), subject));
                pending = null;
            }
            else if (MessageLine().Match(line) is { Success: true } message)
            {
                messages.Add(new ReportedMessage(message.Groups[2].Value.ToUpperInvariant(), message.Groups[3].Value.Trim(), message.Groups[1].Value.StartsWith("err", StringComparison.OrdinalIgnoreCase)));
            }
        }

        return new NuGetVerifyOutput(signatures, messages);
    }

    [GeneratedRegex(@"^\s*(?:Counter)?signature type:\s*(Author|Repository)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SignatureTypeLine();

    [GeneratedRegex(@"^\s*Subject Name:\s*(.+)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SubjectLine();

    [GeneratedRegex(@"^\s*SHA256 hash:\s*([0-9A-Fa-f]{64})\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex FingerprintLine();

    [GeneratedRegex(@"^\s*(error|warn(?:ing)?)\s*:\s*(NU\d{4})\s*:\s*(.*)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex MessageLine();
}
