using System.Text;
using System.Text.RegularExpressions;
using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Sigstore;
using Skills.Oci.Build.Sigstore.Keys;
using Skills.Oci.Build.Sigstore.Verification;

namespace Skills.Oci.Build.Trust.Policy;

/// <summary>
/// One <c>SkillTrustPolicy</c> item as MSBuild declared it: its Include, its metadata, and the file
/// that declared it (relative key paths are relative to that file's folder; errors point at it).
/// </summary>
public sealed record SkillTrustPolicyItem(string Include, IReadOnlyDictionary<string, string> Metadata, string? DefiningFile = null)
{
    public string Get(string name) => Metadata.TryGetValue(name, out var value) ? value.Trim() : string.Empty;
}

/// <summary>A parsed policy: which repositories it covers, and what they must satisfy.</summary>
public sealed class SkillTrustPolicy
{
    internal SkillTrustPolicy(SkillTrustPolicyItem item, string pattern, Regex matcher, SkillTrustRequirement requirement, int order)
    {
        Item = item;
        Pattern = pattern;
        Matcher = matcher;
        Requirement = requirement;
        Order = order;
        Specificity = pattern.Count(c => c != '*');
    }

    public SkillTrustPolicyItem Item { get; }

    /// <summary>The normalised pattern: <c>registry/repository</c> with <c>*</c> and <c>**</c>.</summary>
    public string Pattern { get; }

    public SkillTrustRequirement Requirement { get; }

    internal Regex Matcher { get; }

    internal int Order { get; }

    /// <summary>The number of literal characters: more is more specific.</summary>
    internal int Specificity { get; }

    public override string ToString() => $"SkillTrustPolicy '{Item.Include}' ({Requirement})";
}

/// <summary>
/// The <c>SkillTrustPolicy</c> items of a project. <c>Include</c> is a pattern over
/// <c>registry/repository</c> (Docker Hub normalised to <c>docker.io</c>, <c>library/</c> added to
/// official images): <c>*</c> matches within one path segment (it never crosses <c>/</c>), <c>**</c>
/// matches across segments. The most specific matching policy wins (most literal characters; on a
/// tie, the first declared). Metadata: <c>Key</c> (PEM public key file), or <c>Issuer</c> +
/// <c>Identity</c> (exact keyless identity; <c>IssuerPattern</c>/<c>IdentityPattern</c> for anchored
/// regular expressions), and optionally <c>Provenance</c> (SLSA predicate types, <c>;</c>-separated) with
/// <c>SourceRepository</c>, and <c>RequireAttestation</c> (in-toto predicate types, <c>;</c>-separated). An Include starting with <c>nuget:</c> is a package policy instead
/// (<see cref="PackageTrustPolicy"/>): it never matches a registry skill, and a registry policy never
/// matches a package.
/// </summary>
public sealed class SkillTrustPolicySet
{
    private static readonly TimeSpan RegexTimeout = TimeSpan.FromSeconds(1);

    private SkillTrustPolicySet(IReadOnlyList<SkillTrustPolicy> policies, IReadOnlyList<PackageTrustPolicy> packagePolicies)
    {
        Policies = policies;
        PackagePolicies = packagePolicies;
    }

    public static SkillTrustPolicySet Empty { get; } = new([], []);

    /// <summary>The registry policies (over <c>registry/repository</c>).</summary>
    public IReadOnlyList<SkillTrustPolicy> Policies { get; }

    /// <summary>The package policies (Include <c>nuget:&lt;id pattern&gt;</c>).</summary>
    public IReadOnlyList<PackageTrustPolicy> PackagePolicies { get; }

    /// <summary>No policy of either kind.</summary>
    public bool IsEmpty => Policies.Count == 0 && PackagePolicies.Count == 0;

    /// <summary>Parses every item, reading key files; the first invalid item is a coded error at its declaration.</summary>
    public static async Task<SkillTrustPolicySet> LoadAsync(IReadOnlyList<SkillTrustPolicyItem> items, string? baseDirectory, CancellationToken cancellationToken)
    {
        var policies = new List<SkillTrustPolicy>();
        var packagePolicies = new List<PackageTrustPolicy>();
        foreach (var item in items)
        {
            if (PackageTrustPolicy.IsPackageInclude(item.Include))
            {
                packagePolicies.Add(PackageTrustPolicy.Parse(item, packagePolicies.Count, why => Invalid(item, why)));
            }
            else
            {
                policies.Add(await ParseAsync(item, baseDirectory, policies.Count, cancellationToken).ConfigureAwait(false));
            }
        }

        return new SkillTrustPolicySet(policies, packagePolicies);
    }

    /// <summary>The most specific package policy covering <paramref name="packageId"/> (same rule as registries), or null.</summary>
    public PackageTrustPolicy? MatchPackage(string packageId) => PackagePolicies
        .Where(p => p.Matches(packageId))
        .OrderByDescending(p => p.Specificity)
        .ThenBy(p => p.Order)
        .FirstOrDefault();

    /// <summary>The most specific policy covering <paramref name="registry"/>/<paramref name="repository"/>, or null.</summary>
    public SkillTrustPolicy? Match(string registry, string repository)
    {
        var name = $"{registry}/{repository}";
        return Policies
            .Where(p => p.Matcher.IsMatch(name))
            .OrderByDescending(p => p.Specificity)
            .ThenBy(p => p.Order)
            .FirstOrDefault();
    }

    /// <summary>Normalises a pattern like a reference: Docker Hub aliases, a missing registry, official images.</summary>
    public static string NormalizePattern(string include)
    {
        var pattern = include.Trim();
        foreach (var scheme in new[] { "https://", "http://", "oci://" })
        {
            if (pattern.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
            {
                pattern = pattern[scheme.Length..];
            }
        }

        var slash = pattern.IndexOf('/', StringComparison.Ordinal);
        var first = slash < 0 ? pattern : pattern[..slash];
        var hasRegistry = slash >= 0 && (first.Contains('.', StringComparison.Ordinal) || first.Contains(':', StringComparison.Ordinal) || first == "localhost" || first.Contains('*', StringComparison.Ordinal));
        string registry, rest;
        if (hasRegistry)
        {
            registry = first.ToLowerInvariant();
            rest = pattern[(slash + 1)..];
        }
        else
        {
            registry = RegistryNames.DockerHub;
            rest = pattern;
        }

        registry = RegistryNames.CanonicalRegistry(registry);
        if (!rest.StartsWith("**", StringComparison.Ordinal))
        {
            rest = RegistryNames.CanonicalRepository(registry, rest);
        }

        return $"{registry}/{rest.TrimEnd('/')}";
    }

    /// <summary>
    /// The matcher of a normalised pattern: <c>*</c> within one path segment, <c>**</c> across segments,
    /// case-insensitive, anchored. Deny lists match names and repositories with the same rule.
    /// </summary>
    public static Regex Glob(string pattern)
    {
        var regex = new StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            if (pattern[i] == '*')
            {
                var doubled = i + 1 < pattern.Length && pattern[i + 1] == '*';
                regex.Append(doubled ? ".*" : "[^/]*");
                i += doubled ? 1 : 0;
            }
            else
            {
                regex.Append(Regex.Escape(pattern[i].ToString()));
            }
        }

        return new Regex(regex.Append('$').ToString(), RegexOptions.CultureInvariant | RegexOptions.IgnoreCase, RegexTimeout);
    }

    private static async Task<SkillTrustPolicy> ParseAsync(SkillTrustPolicyItem item, string? baseDirectory, int order, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(item.Include))
        {
            throw Invalid(item, "its Include is empty; name a registry/repository pattern such as 'ghcr.io/acme/skills/*'");
        }

        var pattern = NormalizePattern(item.Include);
        var matcher = Glob(pattern);

        var keyPath = item.Get("Key");
        var issuer = item.Get("Issuer");
        var identity = item.Get("Identity");
        var issuerPattern = item.Get("IssuerPattern");
        var identityPattern = item.Get("IdentityPattern");
        var keyless = issuer.Length + identity.Length + issuerPattern.Length + identityPattern.Length > 0;
        VerificationPolicy policy;
        if (keyPath.Length > 0 && keyless)
        {
            throw Invalid(item, "it names both a Key and a keyless identity (Issuer/Identity); use one policy per signer");
        }

        if (keyPath.Length > 0)
        {
            var folder = item.DefiningFile is { Length: > 0 } file ? Path.GetDirectoryName(Path.GetFullPath(file))! : baseDirectory ?? Directory.GetCurrentDirectory();
            var full = Path.GetFullPath(Path.Combine(folder, keyPath));
            if (!File.Exists(full))
            {
                throw Invalid(item, $"its Key file '{full}' does not exist");
            }

            try
            {
                policy = VerificationPolicy.ForKey(await VerificationKey.FromPemFileAsync(full, cancellationToken).ConfigureAwait(false));
            }
            catch (SigstoreException ex)
            {
                throw Invalid(item, $"its Key file '{full}' is not a usable PEM public key ({SigstoreDiagnostics.CodeOf(ex.Kind)}: {ex.Message})");
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw Invalid(item, $"its Key file '{full}' could not be read: {ex.Message}");
            }
        }
        else if (keyless)
        {
            if ((issuer.Length == 0 && issuerPattern.Length == 0) || (identity.Length == 0 && identityPattern.Length == 0))
            {
                throw Invalid(item, "a keyless policy needs both an issuer (Issuer or IssuerPattern) and an identity (Identity or IdentityPattern)");
            }

            if ((issuer.Length > 0 && issuerPattern.Length > 0) || (identity.Length > 0 && identityPattern.Length > 0))
            {
                throw Invalid(item, "use either Issuer or IssuerPattern, and either Identity or IdentityPattern, not both");
            }

            try
            {
                var issuerRegex = issuerPattern.Length > 0 ? issuerPattern : Regex.Escape(issuer);
                policy = VerificationPolicy.ForIdentity(issuerPattern.Length == 0 && identityPattern.Length == 0
                    ? CertificateIdentity.Exact(issuer, identity)
                    : issuerPattern.Length == 0
                        ? CertificateIdentity.SubjectPattern(issuer, identityPattern)
                        : CertificateIdentity.Pattern(issuerRegex, identityPattern.Length > 0 ? identityPattern : Regex.Escape(identity)));
            }
            catch (ArgumentException ex)
            {
                throw Invalid(item, $"its identity pattern is not a valid regular expression: {ex.Message}");
            }
        }
        else
        {
            throw Invalid(item, "it names neither a Key nor a keyless identity (Issuer and Identity)");
        }

        ProvenanceRequirement? provenance = null;
        var predicateTypes = item.Get("Provenance").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var sourceRepository = item.Get("SourceRepository");
        if (predicateTypes.Length > 0 && sourceRepository.Length == 0)
        {
            throw Invalid(item, "it asks for Provenance without a SourceRepository; name the repository the skill must be built from");
        }

        if (sourceRepository.Length > 0)
        {
            try
            {
                provenance = new ProvenanceRequirement(sourceRepository, predicateTypes);
            }
            catch (ArgumentException ex)
            {
                throw Invalid(item, ex.Message.Split(" (Parameter", StringSplitOptions.None)[0]);
            }
        }

        var attestations = item.Get("RequireAttestation").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (attestations.FirstOrDefault(t => !Uri.TryCreate(t, UriKind.Absolute, out _)) is { } notUri)
        {
            throw Invalid(item, $"its RequireAttestation '{notUri}' is not a predicate type URI (for example https://in-toto.io/attestation/scai/attribute-report/v0.3)");
        }

        return new SkillTrustPolicy(item, pattern, matcher, new SkillTrustRequirement(policy, provenance) { RequiredAttestations = attestations.Distinct(StringComparer.Ordinal).ToList() }, order);
    }

    private static SkillsOciException Invalid(SkillTrustPolicyItem item, string why)
    {
        var (file, line, column) = Locate(item);
        return new SkillsOciException(Diagnostic.Error(ErrorCodes.TrustPolicyInvalid,
            $"The SkillTrustPolicy '{item.Include}' is invalid: {why}.", file, line, column));
    }

    /// <summary>The line declaring the item, found by its quoted Include (only read on errors).</summary>
    internal static (string? File, int Line, int Column) Locate(SkillTrustPolicyItem item)
    {
        if (item.DefiningFile is not { Length: > 0 } file)
        {
            return (null, 0, 0);
        }

        try
        {
            var lines = File.ReadAllLines(file);
            for (var index = 0; index < lines.Length; index++)
            {
                var column = lines[index].IndexOf($"\"{item.Include}\"", StringComparison.Ordinal);
                column = column >= 0 ? column : lines[index].IndexOf($"\"{item.Include.Replace("*", "%2A", StringComparison.Ordinal)}\"", StringComparison.OrdinalIgnoreCase);
                if (column >= 0 && lines[index].Contains("SkillTrustPolicy", StringComparison.Ordinal))
                {
                    return (file, index + 1, column + 2);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }

        return (file, 0, 0);
    }
}
