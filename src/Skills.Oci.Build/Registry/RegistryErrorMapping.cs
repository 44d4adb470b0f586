using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Oci;

namespace Skills.Oci.Build.Registry;

/// <summary>Turns typed registry failures into coded diagnostics with a next step.</summary>
public static class RegistryErrorMapping
{
    public static Diagnostic ToDiagnostic(RegistryException exception, string? file = null, int line = 0)
    {
        var (code, advice) = exception.Kind switch
        {
            RegistryErrorKind.Unreachable => (ErrorCodes.RegistryUnreachable, "Check the registry name, your network, and TLS trust (SSL_CERT_FILE, SKILLS_OCI_INSECURE_REGISTRIES)."),
            RegistryErrorKind.Unauthorized => (ErrorCodes.RegistryUnauthorized, "Log in with 'docker login', or set SKILLS_OCI_REGISTRY_USERNAME and SKILLS_OCI_REGISTRY_PASSWORD."),
            RegistryErrorKind.Denied => (ErrorCodes.RegistryDenied, "The credentials were accepted but lack access to this repository; check the account's permissions."),
            RegistryErrorKind.NotFound => (ErrorCodes.RegistryNotFound, "Check the repository, tag or digest."),
            RegistryErrorKind.DigestMismatch => (ErrorCodes.DigestMismatch, "The content does not match its digest; the registry or something between it and you altered it. Nothing was used."),
            RegistryErrorKind.TooLarge => (ErrorCodes.ContentTooLarge, "The content exceeds a size limit; raise the limit only if you trust the source."),
            _ => (ErrorCodes.RegistryProtocolError, "The registry answered in a way the OCI distribution protocol does not allow."),
        };

        return Diagnostic.Error(code, $"{exception.Message} {advice}", file, line);
    }
}
