using System.Net;

namespace Skills.Oci.Build.Oci;

/// <summary>What went wrong talking to a registry or verifying its content.</summary>
public enum RegistryErrorKind
{
    /// <summary>The repository, tag, manifest or blob does not exist.</summary>
    NotFound,

    /// <summary>No credentials, or credentials the registry did not accept (401).</summary>
    Unauthorized,

    /// <summary>Authenticated, but not allowed (403, or a token without the needed scope).</summary>
    Denied,

    /// <summary>Bytes did not hash to the expected digest or had the wrong size.</summary>
    DigestMismatch,

    /// <summary>Content larger than a configured limit.</summary>
    TooLarge,

    /// <summary>The registry could not be reached (DNS, connection, TLS, timeout after retries).</summary>
    Unreachable,

    /// <summary>The registry answered something the protocol does not allow, or an unexpected status.</summary>
    Protocol,
}

/// <summary>
/// A failure of a registry operation, typed so callers map it to a diagnostic code. Carries the
/// registry's own error code and message when it sent one. Never carries a secret.
/// </summary>
public sealed class RegistryException : Exception
{
    public RegistryException(RegistryErrorKind kind, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
    }

    public RegistryErrorKind Kind { get; }

    /// <summary>The registry host, when the failure came from one.</summary>
    public string? Registry { get; init; }

    public string? Repository { get; init; }

    public HttpStatusCode? StatusCode { get; init; }

    /// <summary>The registry's error code (<c>MANIFEST_UNKNOWN</c>, <c>DENIED</c>, ...), when it sent one.</summary>
    public string? ErrorCode { get; init; }

    /// <summary>The registry's error message, when it sent one.</summary>
    public string? RegistryMessage { get; init; }

    /// <summary>How many attempts were made before giving up, for failures that were retried.</summary>
    public int? Attempts { get; init; }

    /// <summary>Where credentials came from for the failed request (never the secret itself).</summary>
    public string? CredentialSource { get; init; }
}
