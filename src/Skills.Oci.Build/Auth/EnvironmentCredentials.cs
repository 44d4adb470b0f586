namespace Skills.Oci.Build.Auth;

/// <summary>
/// Credentials from environment variables, meant for CI. Operation-specific variables win over the
/// generic pair. <c>SKILLS_OCI_CREDENTIALS_REGISTRIES</c> (comma or semicolon separated) limits the
/// registries they are sent to; without it they are offered to every registry that challenges.
/// </summary>
public static class EnvironmentCredentials
{
    public const string Username = "SKILLS_OCI_REGISTRY_USERNAME";
    public const string Password = "SKILLS_OCI_REGISTRY_PASSWORD";
    public const string PushUsername = "SKILLS_OCI_PUSH_REGISTRY_USERNAME";
    public const string PushPassword = "SKILLS_OCI_PUSH_REGISTRY_PASSWORD";
    public const string PullUsername = "SKILLS_OCI_PULL_REGISTRY_USERNAME";
    public const string PullPassword = "SKILLS_OCI_PULL_REGISTRY_PASSWORD";
    public const string Registries = "SKILLS_OCI_CREDENTIALS_REGISTRIES";

    public static RegistryCredential? Find(string registry, RegistryOperation operation, Func<string, string?> environment)
    {
        var scope = environment(Registries);
        if (!string.IsNullOrWhiteSpace(scope) && !RegistryNames.ListContains(scope, registry))
        {
            return null;
        }

        var (user, password) = operation == RegistryOperation.Push ? (PushUsername, PushPassword) : (PullUsername, PullPassword);
        return FromPair(environment, user, password) ?? FromPair(environment, Username, Password);
    }

    private static RegistryCredential? FromPair(Func<string, string?> environment, string userVariable, string passwordVariable)
    {
        var user = environment(userVariable);
        var password = environment(passwordVariable);
        if (string.IsNullOrEmpty(user) || password is null)
        {
            return null;
        }

        return RegistryCredential.FromPassword($"the environment variables {userVariable} and {passwordVariable}", user, password);
    }
}

/// <summary>How registry names appear in settings and in Docker's config, and how to match them.</summary>
public static class RegistryNames
{
    /// <summary>The names Docker and Podman store Docker Hub credentials under.</summary>
    public static readonly IReadOnlyList<string> DockerHubAliases =
        ["https://index.docker.io/v1/", "index.docker.io", "docker.io", "registry-1.docker.io"];

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

        var slash = value.IndexOf('/');
        if (slash >= 0)
        {
            value = value[..slash];
        }

        value = value.ToLowerInvariant();
        return value is "index.docker.io" or "registry-1.docker.io" ? "docker.io" : value;
    }

    /// <summary>True when a comma- or semicolon-separated list names the registry (case- and space-insensitive).</summary>
    public static bool ListContains(string list, string registry)
    {
        var wanted = Normalize(registry);
        return list.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Any(entry => Normalize(entry) == wanted);
    }
}
