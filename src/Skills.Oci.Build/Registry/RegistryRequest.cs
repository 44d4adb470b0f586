using Skills.Oci.Build.Auth;
using Skills.Oci.Build.Oci;

namespace Skills.Oci.Build.Registry;

/// <summary>One logical request to a registry, re-creatable so it can be retried and re-authorized.</summary>
internal sealed record RegistryRequest(ImageReference Target, HttpMethod Method, string PathAndQuery)
{
    /// <summary>An absolute URL given by the registry (an upload <c>Location</c>), used instead of <see cref="PathAndQuery"/>.</summary>
    public Uri? AbsoluteUri { get; init; }

    /// <summary>Creates the body afresh for every attempt.</summary>
    public Func<HttpContent>? Content { get; init; }

    public IReadOnlyList<string> Accept { get; init; } = [];

    public RegistryOperation Operation { get; init; } = RegistryOperation.Pull;

    /// <summary>Extra token scopes (a mount also needs pull on the source repository).</summary>
    public IReadOnlyList<string> ExtraScopes { get; init; } = [];

    /// <summary>False for requests whose repetition could corrupt server state (upload PATCH and PUT).</summary>
    public bool Retryable { get; init; } = true;

    /// <summary>Follow redirects (blob downloads may be redirected to storage); never for uploads.</summary>
    public bool FollowRedirects { get; init; }

    /// <summary>Ask for the bytes from this offset on (<c>Range: bytes=N-</c>), to resume a download.</summary>
    public long? RangeFrom { get; init; }

    /// <summary>No repository scope: the <c>/v2/</c> API check.</summary>
    public bool RegistryLevel { get; init; }

    public IReadOnlyList<string> Scopes =>
        RegistryLevel
            ? ExtraScopes
            : [$"repository:{Target.Repository}:{(Operation == RegistryOperation.Push ? "pull,push" : "pull")}", .. ExtraScopes];
}
