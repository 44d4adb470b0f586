using System.Security.Cryptography.X509Certificates;
using Skills.Oci.Build.Auth;
using Skills.Oci.Build.Oci;

namespace Skills.Oci.Build.Registry;

/// <summary>How blobs are uploaded.</summary>
public enum BlobUploadMode
{
    /// <summary>One PUT for blobs up to <see cref="RegistryClientOptions.MonolithicUploadLimit"/>, chunks above; chunks also when a single PUT fails.</summary>
    Auto,

    /// <summary>Always one PUT (POST then PUT), falling back to chunks if the registry refuses it.</summary>
    Monolithic,

    /// <summary>Always PATCH in chunks.</summary>
    Chunked,
}

/// <summary>Settings of a <see cref="RegistryClient"/>. Defaults suit real registries.</summary>
public sealed record RegistryClientOptions
{
    /// <summary>Comma- or semicolon-separated <c>host[:port]</c> list of registries allowed plain HTTP and unverified TLS.</summary>
    public const string InsecureRegistriesVariable = "SKILLS_OCI_INSECURE_REGISTRIES";

    public string UserAgent { get; init; } = "Skills.Oci/" + typeof(RegistryClient).Assembly.GetName().Version?.ToString(3);

    /// <summary>Hosts (<c>host[:port]</c>) that may use plain HTTP and unverified TLS, besides loopback (HTTP fallback only).</summary>
    public IReadOnlyCollection<string> InsecureRegistries { get; init; } = [];

    /// <summary>Certificates trusted as roots in addition to the system's (a private registry's CA).</summary>
    public X509Certificate2Collection? AdditionalTrustedCertificates { get; init; }

    public ICredentialProvider? Credentials { get; init; }

    /// <summary>Reads environment variables (credentials, insecure registries); replaceable in tests.</summary>
    public Func<string, string?> Environment { get; init; } = System.Environment.GetEnvironmentVariable;

    public OciLimits Limits { get; init; } = OciLimits.Default;

    public BlobUploadMode UploadMode { get; init; } = BlobUploadMode.Auto;

    /// <summary>In <see cref="BlobUploadMode.Auto"/>, blobs up to this size go in one streamed PUT (the layer limit by default).</summary>
    public long MonolithicUploadLimit { get; init; } = 64L * 1024 * 1024;

    /// <summary>Chunk size for PATCH uploads; raised to the registry's <c>OCI-Chunk-Min-Length</c> when it asks.</summary>
    public int ChunkSize { get; init; } = 8 * 1024 * 1024;

    /// <summary>Attempts per request for connection failures, 5xx and 429 (1 = no retry).</summary>
    public int MaxAttempts { get; init; } = 5;

    /// <summary>First back-off delay; doubled after each failed attempt.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest single wait, whatever Retry-After asks for.</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries stop once this much time has passed since the first attempt.</summary>
    public TimeSpan MaxRetryDuration { get; init; } = TimeSpan.FromMinutes(2);

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Per request, until the response headers; large blob transfers are long, so this is generous.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>Replaces the HTTP handler (tests that need special transport only).</summary>
    public Func<HttpMessageHandler>? HandlerFactory { get; init; }

    internal bool IsInsecure(string hostAndPort)
    {
        if (InsecureRegistries.Any(r => RegistryNames.Normalize(r) == RegistryNames.Normalize(hostAndPort)))
        {
            return true;
        }

        var fromEnvironment = Environment(InsecureRegistriesVariable);
        return !string.IsNullOrWhiteSpace(fromEnvironment) && RegistryNames.ListContains(fromEnvironment, hostAndPort);
    }
}
