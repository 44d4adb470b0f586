using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Skills.Oci.Build.FileSystem;
using Skills.Oci.Build.Oci;

namespace Skills.Oci.Build.Auth;

/// <summary>
/// Writes and removes credentials the way <c>docker login</c> and <c>docker logout</c> do, so a machine
/// without Docker can log in and every Docker-compatible tool sees the same login: into the credential
/// helper the config names for the registry (<c>credHelpers</c>, else <c>credsStore</c>), with an empty
/// <c>auths</c> entry marking the login, or else base64 <c>user:password</c> in <c>auths</c>. Every other
/// key of config.json is kept; the file is replaced atomically and readable by its owner only.
/// </summary>
public sealed class DockerCredentialStore(string configPath)
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public string ConfigPath { get; } = configPath;

    /// <summary>The store for this user (<c>$DOCKER_CONFIG/config.json</c>, else <c>~/.docker/config.json</c>).</summary>
    public static DockerCredentialStore ForCurrentUser(Func<string, string?>? environment = null) =>
        new(DockerConfig.DefaultPath(environment ?? Environment.GetEnvironmentVariable)
            ?? throw new InvalidOperationException("Neither DOCKER_CONFIG nor a home folder is set: there is nowhere to store credentials."));

    /// <summary>Saves the credentials; returns where they went, for the user (never the secret).</summary>
    public async Task<string> SaveAsync(string registry, string username, string secret, CancellationToken cancellationToken)
    {
        var config = DockerConfig.Load(ConfigPath);
        var root = await ReadRootAsync(cancellationToken).ConfigureAwait(false);
        var auths = Auths(root);
        var key = DockerConfig.HelperServerUrl(registry);
        RemoveEntries(auths, registry);
        string where;
        if (config.FindHelper(registry) is { } helper)
        {
            await CredentialHelper.StoreAsync(helper, key, username, secret, cancellationToken).ConfigureAwait(false);
            // Docker's own marker that this registry is logged in through the store.
            auths[key] = new JsonObject();
            where = $"the credential helper 'docker-credential-{helper}'";
        }
        else
        {
            auths[key] = new JsonObject { ["auth"] = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{username}:{secret}")) };
            where = $"'{ConfigPath}' (unencrypted; configure a credential helper to keep it in your system's store)";
        }

        await WriteRootAsync(root, cancellationToken).ConfigureAwait(false);
        return where;
    }

    /// <summary>Removes every stored credential for the registry; false when there was none.</summary>
    public async Task<bool> RemoveAsync(string registry, CancellationToken cancellationToken)
    {
        if (!File.Exists(ConfigPath))
        {
            return false;
        }

        var config = DockerConfig.Load(ConfigPath);
        var removed = false;
        if (config.FindHelper(registry) is { } helper)
        {
            removed = await CredentialHelper.EraseAsync(helper, DockerConfig.HelperServerUrl(registry), cancellationToken).ConfigureAwait(false);
        }

        var root = await ReadRootAsync(cancellationToken).ConfigureAwait(false);
        if (RemoveEntries(Auths(root), registry))
        {
            await WriteRootAsync(root, cancellationToken).ConfigureAwait(false);
            removed = true;
        }

        return removed;
    }

    private async Task<JsonObject> ReadRootAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(ConfigPath))
        {
            return [];
        }

        // DockerConfig.Load has already reported invalid JSON with its code, file and line.
        var bytes = await File.ReadAllBytesAsync(ConfigPath, cancellationToken).ConfigureAwait(false);
        return JsonNode.Parse(bytes, documentOptions: new JsonDocumentOptions { AllowTrailingCommas = true }) as JsonObject ?? [];
    }

    private Task WriteRootAsync(JsonObject root, CancellationToken cancellationToken) =>
        AtomicFile.WriteAllBytesAsync(
            ConfigPath,
            Encoding.UTF8.GetBytes(root.ToJsonString(Indented) + "\n"),
            cancellationToken,
            UnixFileMode.UserRead | UnixFileMode.UserWrite);

    private static JsonObject Auths(JsonObject root)
    {
        if (root["auths"] is JsonObject auths)
        {
            return auths;
        }

        auths = [];
        root["auths"] = auths;
        return auths;
    }

    /// <summary>Drops the registry's entries under any of its names, so no stale alias outranks the new login.</summary>
    private static bool RemoveEntries(JsonObject auths, string registry)
    {
        var wanted = RegistryNames.Normalize(registry);
        var keys = auths.Select(entry => entry.Key).Where(key => RegistryNames.Normalize(key) == wanted).ToList();
        foreach (var key in keys)
        {
            auths.Remove(key);
        }

        return keys.Count > 0;
    }
}
