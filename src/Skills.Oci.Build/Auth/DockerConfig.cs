using System.Text;
using System.Text.Json;
using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Oci;

namespace Skills.Oci.Build.Auth;

/// <summary>
/// Docker's <c>config.json</c> (<c>$DOCKER_CONFIG/config.json</c>, else <c>~/.docker/config.json</c>):
/// <c>auths</c> (with <c>auth</c>, <c>username</c>/<c>password</c>, <c>identitytoken</c>),
/// <c>credHelpers</c> per host and <c>credsStore</c>. Read once per client.
/// </summary>
public sealed class DockerConfig
{
    private readonly Dictionary<string, JsonElement> _auths;
    private readonly Dictionary<string, string> _credHelpers;

    private DockerConfig(string? path, Dictionary<string, JsonElement> auths, Dictionary<string, string> credHelpers, string? credsStore)
    {
        Path = path;
        _auths = auths;
        _credHelpers = credHelpers;
        CredsStore = credsStore;
    }

    public static DockerConfig Empty { get; } = new(null, [], [], null);

    /// <summary>The file read, or null when there was none.</summary>
    public string? Path { get; }

    public string? CredsStore { get; }

    public static string? DefaultPath(Func<string, string?> environment)
    {
        var folder = environment("DOCKER_CONFIG");
        if (string.IsNullOrEmpty(folder))
        {
            var home = environment("HOME") ?? environment("USERPROFILE") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            if (string.IsNullOrEmpty(home))
            {
                return null;
            }

            folder = System.IO.Path.Combine(home, ".docker");
        }

        return System.IO.Path.Combine(folder, "config.json");
    }

    /// <summary>Loads the file; a missing file is an empty config, a malformed one a coded error.</summary>
    public static DockerConfig Load(string? path)
    {
        if (path is null || !File.Exists(path))
        {
            return Empty;
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path), new JsonDocumentOptions { AllowTrailingCommas = true });
            var root = document.RootElement;
            var auths = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            var helpers = new Dictionary<string, string>(StringComparer.Ordinal);
            string? store = null;
            if (root.ValueKind == JsonValueKind.Object)
            {
                if (root.TryGetProperty("auths", out var authsElement) && authsElement.ValueKind == JsonValueKind.Object)
                {
                    foreach (var entry in authsElement.EnumerateObject())
                    {
                        auths[entry.Name] = entry.Value.Clone();
                    }
                }

                if (root.TryGetProperty("credHelpers", out var helpersElement) && helpersElement.ValueKind == JsonValueKind.Object)
                {
                    foreach (var entry in helpersElement.EnumerateObject().Where(e => e.Value.ValueKind == JsonValueKind.String))
                    {
                        helpers[RegistryNames.Normalize(entry.Name)] = entry.Value.GetString()!;
                    }
                }

                if (root.TryGetProperty("credsStore", out var storeElement) && storeElement.ValueKind == JsonValueKind.String)
                {
                    store = storeElement.GetString();
                }
            }

            return new DockerConfig(path, auths, helpers, string.IsNullOrWhiteSpace(store) ? null : store);
        }
        catch (JsonException ex)
        {
            throw new SkillsOciException(ErrorCodes.InvalidDockerConfig,
                $"The Docker configuration '{path}' is not valid JSON ({ex.Message}). Fix or remove it, or point DOCKER_CONFIG at another folder.",
                path, (int)(ex.LineNumber ?? 0) + 1, ex);
        }
    }

    /// <summary>The credential helper configured for the registry (<c>credHelpers</c>, else <c>credsStore</c>).</summary>
    public string? FindHelper(string registry)
    {
        foreach (var name in CandidateNames(registry))
        {
            if (_credHelpers.TryGetValue(RegistryNames.Normalize(name), out var helper))
            {
                return helper;
            }
        }

        return CredsStore;
    }

    /// <summary>The key under which the helper expects the registry (Docker Hub's legacy URL for docker.io).</summary>
    public static string HelperServerUrl(string registry) =>
        RegistryNames.IsDockerHub(registry) ? RegistryNames.DockerHubLegacyUrl : registry;

    /// <summary>Inline credentials from <c>auths</c>, if the registry has an entry with any.</summary>
    public RegistryCredential? FindInline(string registry)
    {
        var wanted = new HashSet<string>(CandidateNames(registry).Select(RegistryNames.Normalize), StringComparer.Ordinal);
        foreach (var (key, value) in _auths)
        {
            if (!wanted.Contains(RegistryNames.Normalize(key)) || value.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            var source = $"the Docker configuration '{Path}' (auths.\"{key}\")";
            if (value.TryGetProperty("identitytoken", out var token) && token.ValueKind == JsonValueKind.String && !string.IsNullOrEmpty(token.GetString()))
            {
                var user = value.TryGetProperty("username", out var u) && u.ValueKind == JsonValueKind.String ? u.GetString() : null;
                return RegistryCredential.FromIdentityToken(source, token.GetString()!, user);
            }

            if (value.TryGetProperty("auth", out var auth) && auth.ValueKind == JsonValueKind.String && !string.IsNullOrEmpty(auth.GetString()))
            {
                var decoded = DecodeAuth(auth.GetString()!, source);
                return RegistryCredential.FromPassword(source, decoded.User, decoded.Password);
            }

            if (value.TryGetProperty("username", out var username) && username.ValueKind == JsonValueKind.String &&
                value.TryGetProperty("password", out var password) && password.ValueKind == JsonValueKind.String)
            {
                return RegistryCredential.FromPassword(source, username.GetString()!, password.GetString()!);
            }
        }

        return null;
    }

    private (string User, string Password) DecodeAuth(string auth, string source)
    {
        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(auth));
            var colon = text.IndexOf(':');
            if (colon > 0)
            {
                return (text[..colon], text[(colon + 1)..]);
            }
        }
        catch (FormatException)
        {
        }

        throw new SkillsOciException(ErrorCodes.InvalidDockerConfig,
            $"The 'auth' value in {source} is not base64 of 'user:password'. Run 'docker login' again.", Path);
    }

    private static IEnumerable<string> CandidateNames(string registry) =>
        RegistryNames.IsDockerHub(registry) ? RegistryNames.DockerHubAliases : [registry];
}
