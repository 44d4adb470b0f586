namespace Skills.Oci.Build.Oci;

/// <summary>
/// How registry names appear in references, settings and Docker's config, and how to match them.
/// The one home of Docker Hub's aliases: users write <c>docker.io</c>, <c>index.docker.io</c> or
/// <c>registry-1.docker.io</c>, all one registry, whose one-segment repositories live under
/// <c>library/</c>.
/// </summary>
public static class RegistryNames
{
    /// <summary>Docker Hub as references name it.</summary>
    public const string DockerHub = "docker.io";

    /// <summary>The host Docker Hub's API answers on.</summary>
    public const string DockerHubHost = "registry-1.docker.io";

    /// <summary>The key Docker's tools store Docker Hub credentials under (and credential helpers expect).</summary>
    public const string DockerHubLegacyUrl = "https://index.docker.io/v1/";

    /// <summary>The names Docker and Podman store Docker Hub credentials under.</summary>
    public static readonly IReadOnlyList<string> DockerHubAliases =
        [DockerHubLegacyUrl, "index.docker.io", DockerHub, DockerHubHost];

    /// <summary>True for any of Docker Hub's names (after <see cref="Normalize"/>).</summary>
    public static bool IsDockerHub(string registry) => Normalize(registry) == DockerHub;

    /// <summary><c>docker.io</c> for Docker Hub's aliases; any other registry unchanged.</summary>
    public static string CanonicalRegistry(string registry) =>
        registry is "index.docker.io" or DockerHubHost ? DockerHub : registry;

    /// <summary>A Docker Hub repository of one segment is an official image under <c>library/</c>.</summary>
    public static string CanonicalRepository(string registry, string repository) =>
        registry == DockerHub && !repository.Contains('/', StringComparison.Ordinal) ? "library/" + repository : repository;

    /// <summary>The host requests go to: <see cref="DockerHubHost"/> for Docker Hub.</summary>
    public static string HostOf(string registry) => registry == DockerHub ? DockerHubHost : registry;

    /// <summary>
    /// Reduces a config key to <c>host[:port]</c>: Docker's keys may carry a scheme and a path
    /// (<c>https://index.docker.io/v1/</c>).
    /// </summary>
    public static string Normalize(string key)
    {
        var value = key.Trim();
        var scheme = value.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0)
        {
            value = value[(scheme + 3)..];
        }

        var slash = value.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            value = value[..slash];
        }

        return CanonicalRegistry(value.ToLowerInvariant());
    }

    /// <summary>True when a comma- or semicolon-separated list names the registry (case- and space-insensitive).</summary>
    public static bool ListContains(string list, string registry)
    {
        var wanted = Normalize(registry);
        return list.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Any(entry => Normalize(entry) == wanted);
    }
}
