using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Skills.Oci.Build.Sigstore.Keys;
using Skills.Oci.Build.Sigstore.Serialization;

namespace Skills.Oci.Build.Sigstore.TrustedRoots;

/// <summary>A transparency log (Rekor) or certificate transparency log the trusted root vouches for.</summary>
/// <param name="LogId">The log ID: for Rekor v1 and CT logs the SHA-256 of the key's DER; for Rekor v2 the checkpoint key ID.</param>
/// <param name="Validity">Null when the root gives the log no start time: such a log is never trusted.</param>
public sealed record TransparencyLog(string BaseUrl, byte[] LogId, VerificationKey Key, ValidityPeriod? Validity)
{
    public string LogIdBase64 => Convert.ToBase64String(LogId);
}

/// <summary>A certificate authority (Fulcio) or timestamp authority with its chain, leaf first, root last.</summary>
public sealed record CertificateAuthority(string Uri, IReadOnlyList<byte[]> Chain, ValidityPeriod Validity)
{
    /// <summary>The last certificate of the chain: the self-signed root to anchor on.</summary>
    public byte[] Root => Chain[^1];
}

/// <summary>
/// The keys and certificates a Sigstore verifier trusts (<c>trusted_root.json</c>, media type
/// <c>application/vnd.dev.sigstore.trustedroot+json;version=0.1</c>): Fulcio CAs, Rekor logs (v1 and v2),
/// CT logs and timestamp authorities, each with the period it may be relied on.
/// </summary>
public sealed class TrustedRoot
{
    private const string ProductionResource = "Skills.Oci.Build.Sigstore.prod_trusted_root.json";
    private static readonly Lazy<TrustedRoot> ProductionRoot = new(LoadProduction);

    private TrustedRoot(
        IReadOnlyList<TransparencyLog> transparencyLogs,
        IReadOnlyList<CertificateAuthority> certificateAuthorities,
        IReadOnlyList<TransparencyLog> ctLogs,
        IReadOnlyList<CertificateAuthority> timestampAuthorities)
    {
        TransparencyLogs = transparencyLogs;
        CertificateAuthorities = certificateAuthorities;
        CtLogs = ctLogs;
        TimestampAuthorities = timestampAuthorities;
    }

    /// <summary>The Sigstore public-good root shipped in this assembly.</summary>
    public static TrustedRoot Production => ProductionRoot.Value;

    public IReadOnlyList<TransparencyLog> TransparencyLogs { get; }

    public IReadOnlyList<CertificateAuthority> CertificateAuthorities { get; }

    public IReadOnlyList<TransparencyLog> CtLogs { get; }

    public IReadOnlyList<CertificateAuthority> TimestampAuthorities { get; }

    public static async Task<TrustedRoot> LoadAsync(string path, CancellationToken cancellationToken)
    {
        byte[] json;
        try
        {
            json = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SigstoreException(SigstoreFailureKind.TrustedRootInvalid, $"The trusted root '{path}' could not be read: {e.Message}", path, innerException: e);
        }

        return Parse(json);
    }

    public static TrustedRoot Parse(ReadOnlyMemory<byte> json)
    {
        var root = ProtoJson.Parse(json, "trusted root", SigstoreFailureKind.TrustedRootInvalid);
        var mediaType = root.OptionalString("mediaType");
        if (mediaType is not null && !mediaType.StartsWith("application/vnd.dev.sigstore.trustedroot", StringComparison.Ordinal))
        {
            throw root.Error($"the media type '{mediaType}' is not a Sigstore trusted root.");
        }

        return new TrustedRoot(
            root.OptionalArray("tlogs").Select(ParseLog).ToList(),
            root.OptionalArray("certificateAuthorities").Select(ParseAuthority).ToList(),
            root.OptionalArray("ctlogs").Select(ParseLog).ToList(),
            root.OptionalArray("timestampAuthorities").Select(ParseAuthority).ToList());
    }

    internal TransparencyLog? FindTransparencyLog(ReadOnlySpan<byte> logId) => Find(TransparencyLogs, logId);

    internal TransparencyLog? FindCtLog(ReadOnlySpan<byte> logId) => Find(CtLogs, logId);

    private static TransparencyLog? Find(IReadOnlyList<TransparencyLog> logs, ReadOnlySpan<byte> logId)
    {
        foreach (var log in logs)
        {
            if (log.LogId.AsSpan().SequenceEqual(logId))
            {
                return log;
            }
        }

        return null;
    }

    private static TransparencyLog ParseLog(ProtoJson log)
    {
        var publicKey = log.RequiredObject("publicKey");
        // PKCS1_* key details carry a bare RSAPublicKey instead of a SubjectPublicKeyInfo.
        var rawBytes = publicKey.RequiredBytes("rawBytes");
        var key = publicKey.OptionalString("keyDetails") is { } details && details.StartsWith("PKCS1_", StringComparison.Ordinal)
            ? VerificationKey.FromRsaPublicKey(rawBytes)
            : VerificationKey.FromSubjectPublicKeyInfo(rawBytes);
        var logId = log.TryGet("logId", out var id) ? id.RequiredBytes("keyId") : SHA256.HashData(key.SubjectPublicKeyInfo.Span);
        ValidityPeriod? validity = null;
        if (publicKey.TryGet("validFor", out var validFor) && validFor.TryGet("start", out _))
        {
            validity = ParseValidity(validFor);
        }

        return new TransparencyLog(log.OptionalString("baseUrl") ?? string.Empty, logId, key, validity);
    }

    private static CertificateAuthority ParseAuthority(ProtoJson authority)
    {
        var certificates = authority.RequiredObject("certChain").OptionalArray("certificates")
            .Select(c => c.RequiredBytes("rawBytes"))
            .ToList();
        if (certificates.Count == 0)
        {
            throw authority.Error("certChain has no certificates.");
        }

        foreach (var certificate in certificates)
        {
            try
            {
                using var parsed = new X509Certificate2(certificate);
            }
            catch (CryptographicException e)
            {
                throw new SigstoreException(SigstoreFailureKind.TrustedRootInvalid, $"{authority.Path}: a certificate is not valid DER X.509.", innerException: e);
            }
        }

        var validity = authority.TryGet("validFor", out var validFor) ? ParseValidity(validFor) : new ValidityPeriod(DateTimeOffset.MinValue, null);
        return new CertificateAuthority(authority.OptionalString("uri") ?? string.Empty, certificates, validity);
    }

    private static ValidityPeriod ParseValidity(ProtoJson validFor) =>
        new(
            validFor.TryGet("start", out var start) ? start.AsTimestamp() : DateTimeOffset.MinValue,
            validFor.TryGet("end", out var end) ? end.AsTimestamp() : null);

    private static TrustedRoot LoadProduction()
    {
        using var stream = typeof(TrustedRoot).Assembly.GetManifestResourceStream(ProductionResource)
            ?? throw new InvalidOperationException($"The embedded resource '{ProductionResource}' is missing from the build.");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return Parse(buffer.ToArray());
    }
}
