using System.Net;
using System.Text.Json;
using Skills.Oci.Build.Oci;

namespace Skills.Oci.Build.Registry;

/// <summary>
/// Reads registry responses and turns what is wrong with them into a typed
/// <see cref="RegistryException"/>: error statuses (with the registry's own error code), bodies
/// over a limit, malformed JSON, digests and sizes that disagree.
/// </summary>
internal static class RegistryResponse
{
    private const int MaxErrorBodyBytes = 64 * 1024;

    public static Task EnsureSuccessAsync(HttpResponseMessage response, ImageReference repository, string action, CancellationToken cancellationToken) =>
        response.IsSuccessStatusCode ? Task.CompletedTask : ThrowForStatusAsync(response, repository, action, cancellationToken);

    public static Task EnsureStatusAsync(HttpResponseMessage response, HttpStatusCode expected, ImageReference repository, string action, CancellationToken cancellationToken) =>
        response.StatusCode == expected ? Task.CompletedTask : ThrowForStatusAsync(response, repository, action, cancellationToken);

    public static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? values.FirstOrDefault()
            : null;

    public static async Task<byte[]> ReadLimitedAsync(HttpResponseMessage response, ImageReference repository, string what, long maxBytes, CancellationToken cancellationToken)
    {
        try
        {
            return await HttpContentReader.ReadLimitedAsync(response.Content, maxBytes, cancellationToken).ConfigureAwait(false);
        }
        catch (RegistryException ex) when (ex.Kind == RegistryErrorKind.TooLarge)
        {
            throw TooLarge(repository, what, response.Content.Headers.ContentLength, maxBytes);
        }
    }

    public static OciIndex ParseIndex(byte[] body, ImageReference repository)
    {
        try
        {
            return OciIndex.Parse(body);
        }
        catch (RegistryException ex)
        {
            throw new RegistryException(ex.Kind, ex.Message, ex) { Registry = repository.Registry, Repository = repository.Repository };
        }
    }

    public static JsonDocument ParseJson(byte[] body, ImageReference repository, string what)
    {
        try
        {
            return JsonDocument.Parse(body);
        }
        catch (JsonException ex)
        {
            throw new RegistryException(RegistryErrorKind.Protocol, $"The registry {repository.Registry} sent a {what} that is not valid JSON.", ex)
            {
                Registry = repository.Registry,
                Repository = repository.Repository,
            };
        }
    }

    public static RegistryException Mismatch(ImageReference reference, string detail) =>
        new(RegistryErrorKind.DigestMismatch, $"Digest mismatch for {reference}: {detail}.")
        {
            Registry = reference.Registry,
            Repository = reference.Repository,
        };

    public static RegistryException TooLarge(ImageReference reference, string what, long? size, long limit) =>
        new(RegistryErrorKind.TooLarge,
            $"The {what} of {reference.RepositoryName} is {(size is null ? "larger than the limit" : size + " bytes")}; the limit is {limit} bytes.")
        {
            Registry = reference.Registry,
            Repository = reference.Repository,
        };

    public static RegistryException Protocol(ImageReference reference, string message) =>
        new(RegistryErrorKind.Protocol, message)
        {
            Registry = reference.Registry,
            Repository = reference.Repository,
        };

    private static async Task ThrowForStatusAsync(HttpResponseMessage response, ImageReference repository, string action, CancellationToken cancellationToken)
    {
        string? code = null;
        string? message = null;
        string? excerpt = null;
        try
        {
            var body = await HttpContentReader.ReadLimitedAsync(response.Content, MaxErrorBodyBytes, cancellationToken).ConfigureAwait(false);
            (code, message) = ParseErrorBody(body);
            excerpt = code is null && body.Length > 0 ? System.Text.Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 200)).Trim() : null;
        }
        catch (Exception ex) when (ex is RegistryException or HttpRequestException or IOException)
        {
            // The status is the error; an unreadable body only loses detail.
        }

        var status = response.StatusCode;
        var kind = status switch
        {
            HttpStatusCode.Unauthorized => RegistryErrorKind.Unauthorized,
            HttpStatusCode.Forbidden => RegistryErrorKind.Denied,
            HttpStatusCode.NotFound => RegistryErrorKind.NotFound,
            HttpStatusCode.RequestEntityTooLarge => RegistryErrorKind.TooLarge,
            HttpStatusCode.BadRequest when code == "DIGEST_INVALID" => RegistryErrorKind.DigestMismatch,
            _ when code is "DENIED" => RegistryErrorKind.Denied,
            _ when code is "NAME_UNKNOWN" or "MANIFEST_UNKNOWN" or "BLOB_UNKNOWN" => RegistryErrorKind.NotFound,
            _ => RegistryErrorKind.Protocol,
        };

        var detail = code is not null ? $"{code}: {message}" : excerpt is { Length: > 0 } ? excerpt : response.ReasonPhrase;
        throw new RegistryException(kind,
            $"The registry {repository.Registry} could not {action} in {repository.Repository}: {(int)status} {detail}.")
        {
            Registry = repository.Registry,
            Repository = repository.Repository,
            StatusCode = status,
            ErrorCode = code,
            RegistryMessage = message,
        };
    }

    private static (string? Code, string? Message) ParseErrorBody(byte[] body)
    {
        if (body.Length == 0)
        {
            return (null, null);
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object &&
                document.RootElement.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array)
            {
                foreach (var error in errors.EnumerateArray())
                {
                    var code = error.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
                    var message = error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
                    if (code is not null)
                    {
                        return (code, message);
                    }
                }
            }
        }
        catch (JsonException)
        {
        }

        return (null, null);
    }
}
