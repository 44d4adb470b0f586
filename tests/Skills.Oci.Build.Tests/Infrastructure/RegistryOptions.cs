using Skills.Oci.Build.Registry;

namespace Skills.Oci.Build.Tests.Infrastructure;

/// <summary>How a <see cref="RegistryProcess"/> is configured. The default is a plain-HTTP registry without auth.</summary>
public sealed record RegistryOptions
{
    /// <summary>htpasswd auth with one user (bcrypt entry written with <c>htpasswd -Bbn</c>).</summary>
    public BasicAuthUser? BasicAuth { get; init; }

    /// <summary>Token auth trusting this issuer's realm, service, issuer name and signing certificate.</summary>
    public TokenIssuer? TokenAuth { get; init; }

    /// <summary>Serve HTTPS with a fresh self-signed certificate for 127.0.0.1 and localhost.</summary>
    public bool Tls { get; init; }

    /// <summary>Enable distribution's access log and capture it into <see cref="RegistryProcess.Requests"/>.</summary>
    public bool AccessLog { get; init; }

    /// <summary>Answer with relative <c>Location</c> headers (<c>http.relativeurls</c>) instead of absolute ones.</summary>
    public bool RelativeUrls { get; init; }

    /// <summary>A hang guard for start-up; the registry is normally ready in well under a second.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(15);
}

/// <summary>A user of an htpasswd-protected registry.</summary>
public sealed record BasicAuthUser(string Username, string Password)
{
    public static BasicAuthUser Default { get; } = new("testuser", "testpass");
}

/// <summary>One line of the registry's access log (combined log format).</summary>
public sealed record RegistryRequest(string Method, string PathAndQuery, int Status, string UserAgent)
{
    /// <summary>The protocol the request came over, as the access log names it (<c>HTTP/1.1</c>, <c>HTTP/2.0</c>); empty where the log does not say.</summary>
    public string Protocol { get; init; } = string.Empty;

    /// <summary>The path without its query string.</summary>
    public string Path => PathAndQuery.Split('?', 2)[0];

    public override string ToString() => $"{Method} {PathAndQuery} -> {Status}";
}
