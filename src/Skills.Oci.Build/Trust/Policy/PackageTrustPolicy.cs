using Skills.Oci.Build.NuGet;

namespace Skills.Oci.Build.Trust.Policy;

/// <summary>Which NuGet signature a package policy accepts.</summary>
public enum PackageSignatureRequirement
{
    /// <summary>An author signature or a repository signature (primary or countersignature) by a listed certificate.</summary>
    Any,

    /// <summary>Only the author's primary signature counts.</summary>
    Author,

    /// <summary>Only a repository signature (primary or countersignature) counts.</summary>
    Repository,
}

/// <summary>
/// A <c>SkillTrustPolicy</c> whose Include starts with <c>nuget:</c>: it covers package skills by package
/// id pattern and demands that NuGet verifies the package's signature by one of the listed certificates.
/// Matching is case-insensitive (NuGet ids are); <c>*</c> matches any run of characters.
/// </summary>
public sealed class PackageTrustPolicy
{
    /// <summary>The Include prefix that makes a policy a package policy.</summary>
    public const string Prefix = "nuget:";

    /// <summary>Registry-only metadata; on a package policy it would silently not apply, so it is refused.</summary>
    private static readonly string[] RegistryMetadata = ["Key", "Issuer", "Identity", "IssuerPattern", "IdentityPattern", "Provenance", "SourceRepository"];

    private readonly PackageIdPattern _matcher;

    private PackageTrustPolicy(SkillTrustPolicyItem item, string pattern, IReadOnlyList<string> fingerprints, PackageSignatureRequirement signatureType, bool allowUntrustedRoot, int order)
    {
        Item = item;
        Pattern = pattern;
        CertificateFingerprints = fingerprints;
        SignatureType = signatureType;
        AllowUntrustedRoot = allowUntrustedRoot;
        Order = order;
        _matcher = new PackageIdPattern(pattern);
    }

    public SkillTrustPolicyItem Item { get; }

    /// <summary>The package id pattern, without the <c>nuget:</c> prefix.</summary>
    public string Pattern { get; }

    /// <summary>The accepted signer certificates: SHA-256 fingerprints, upper-case hex (NuGet's own spelling).</summary>
    public IReadOnlyList<string> CertificateFingerprints { get; }

    public PackageSignatureRequirement SignatureType { get; }

    /// <summary>Accept a listed certificate whose chain ends in a root this machine does not trust (self-signed, private CA).</summary>
    public bool AllowUntrustedRoot { get; }

    internal int Order { get; }

    /// <summary>The number of literal characters: more is more specific.</summary>
    internal int Specificity => _matcher.Specificity;

    /// <summary>True for an Include that declares a package policy.</summary>
    public static bool IsPackageInclude(string include) => include.TrimStart().StartsWith(Prefix, StringComparison.OrdinalIgnoreCase);

    public bool Matches(string packageId) => _matcher.Matches(packageId);

    /// <summary>What a cached verification depends on besides the package: the signers and how they are accepted.</summary>
    public string CacheKey => $"{SignatureType}|{AllowUntrustedRoot}|{string.Join(",", CertificateFingerprints.Order(StringComparer.Ordinal))}";

    /// <summary>How messages name the policy; they state the expected signers themselves.</summary>
    public override string ToString() => $"SkillTrustPolicy '{Item.Include}'";

    /// <summary>Parses a <c>nuget:</c> item; <paramref name="invalid"/> makes the coded error for a reason.</summary>
    internal static PackageTrustPolicy Parse(SkillTrustPolicyItem item, int order, Func<string, Exception> invalid)
    {
        var pattern = item.Include.Trim()[Prefix.Length..].Trim();
        if (pattern.Length == 0)
        {
            throw invalid("its package id pattern is empty; write Include=\"nuget:Contoso.%2A\" (a package id with '*' written as %2A)");
        }

        if (pattern.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or '*')))
        {
            throw invalid($"its package id pattern '{pattern}' has a character a NuGet package id cannot contain (letters, digits, '.', '-', '_' and the wildcard '*' only)");
        }

        if (RegistryMetadata.FirstOrDefault(name => item.Get(name).Length > 0) is { } registryOnly)
        {
            throw invalid($"'{registryOnly}' applies to registry skills; a nuget: policy names its signers with CertificateFingerprint");
        }

        var fingerprints = new List<string>();
        foreach (var raw in item.Get("CertificateFingerprint").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var hex = raw.Replace(":", string.Empty, StringComparison.Ordinal);
            hex = hex.StartsWith("sha256", StringComparison.OrdinalIgnoreCase) ? hex["sha256".Length..] : hex;
            if (hex.Length != 64 || !hex.All(char.IsAsciiHexDigit))
            {
                throw invalid($"its CertificateFingerprint '{raw}' is not a SHA-256 certificate fingerprint (64 hexadecimal digits, as 'dotnet nuget verify --all' prints after 'SHA256 hash:')");
            }

            fingerprints.Add(hex.ToUpperInvariant());
        }

        if (fingerprints.Count == 0)
        {
            throw invalid("it names no CertificateFingerprint; list the SHA-256 fingerprints of the certificates that sign the packages (';'-separated)");
        }

        var signatureType = item.Get("SignatureType").ToLowerInvariant() switch
        {
            "" or "any" => PackageSignatureRequirement.Any,
            "author" => PackageSignatureRequirement.Author,
            "repository" => PackageSignatureRequirement.Repository,
            var other => throw invalid($"its SignatureType '{other}' is not 'author', 'repository' or 'any'"),
        };

        var allowUntrustedRoot = item.Get("AllowUntrustedRoot").ToLowerInvariant() switch
        {
            "" or "false" => false,
            "true" => true,
            var other => throw invalid($"its AllowUntrustedRoot '{other}' is not 'true' or 'false'"),
        };

        return new PackageTrustPolicy(item, pattern, fingerprints.Distinct(StringComparer.Ordinal).ToArray(), signatureType, allowUntrustedRoot, order);
    }
}
