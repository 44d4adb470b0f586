using System.Text.RegularExpressions;

namespace Skills.Oci.Build.Sigstore.Verification;

/// <summary>
/// The keyless signer a policy accepts: the OIDC issuer and the subject (a SAN: URI, email or
/// otherName), each matched exactly or by a regular expression anchored at both ends.
/// </summary>
public sealed class CertificateIdentity
{
    private static readonly TimeSpan RegexTimeout = TimeSpan.FromSeconds(1);
    private readonly Regex? _issuerPattern;
    private readonly Regex? _subjectPattern;

    private CertificateIdentity(string issuer, string subject, bool issuerIsPattern, bool subjectIsPattern)
    {
        Issuer = issuer;
        Subject = subject;
        if (issuerIsPattern)
        {
            _issuerPattern = Anchored(issuer);
        }

        if (subjectIsPattern)
        {
            _subjectPattern = Anchored(subject);
        }
    }

    public string Issuer { get; }

    public string Subject { get; }

    /// <summary>Exact, ordinal match of issuer and subject (cosign's --certificate-identity).</summary>
    public static CertificateIdentity Exact(string issuer, string subject) =>
        new(Required(issuer, nameof(issuer)), Required(subject, nameof(subject)), false, false);

    /// <summary>
    /// Regular expressions, anchored at both ends so that a pattern cannot match a prefix or suffix by
    /// accident (cosign's --certificate-identity-regexp is unanchored; we are stricter).
    /// </summary>
    public static CertificateIdentity Pattern(string issuerPattern, string subjectPattern) =>
        new(Required(issuerPattern, nameof(issuerPattern)), Required(subjectPattern, nameof(subjectPattern)), true, true);

    /// <summary>Exact issuer, subject by anchored regular expression: the common GitHub Actions form.</summary>
    public static CertificateIdentity SubjectPattern(string issuer, string subjectPattern) =>
        new(Required(issuer, nameof(issuer)), Required(subjectPattern, nameof(subjectPattern)), false, true);

    public bool IssuerMatches(string? issuer) =>
        issuer is not null && (_issuerPattern?.IsMatch(issuer) ?? string.Equals(issuer, Issuer, StringComparison.Ordinal));

    /// <summary>The first SAN that matches, or null.</summary>
    public string? MatchSubject(IEnumerable<string> subjectAlternativeNames) =>
        subjectAlternativeNames.FirstOrDefault(s => _subjectPattern?.IsMatch(s) ?? string.Equals(s, Subject, StringComparison.Ordinal));

    public override string ToString() => $"issuer '{Issuer}', subject '{Subject}'";

    private static Regex Anchored(string pattern) =>
        new($"^(?:{pattern})$", RegexOptions.CultureInvariant, RegexTimeout);

    private static string Required(string value, string name) =>
        string.IsNullOrEmpty(value) ? throw new ArgumentException("must not be empty", name) : value;
}
