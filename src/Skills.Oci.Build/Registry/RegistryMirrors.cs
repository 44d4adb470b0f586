using System.Text.Json;
using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Oci;

namespace Skills.Oci.Build.Registry;

/// <summary>
/// One registry's mirror: pulls for <see cref="Registry"/> go to <see cref="Host"/>, with
/// <see cref="PathPrefix"/> put in front of the repository (<c>docker.io/library/x</c> through
/// <c>artifactory.acme.internal/dockerhub-remote</c> is <c>artifactory.acme.internal/dockerhub-remote/library/x</c>),
/// then, when <see cref="Fallback"/>, to the registry itself.
/// </summary>
public sealed record RegistryMirror(string Registry, string Host, string PathPrefix, bool Fallback)
{
    /// <summary>Where the setting came from, for messages (a project file, the environment variable, the repository file).</summary>
    public string Origin { get; init; } = string.Empty;

    /// <summary>The same content addressed on the mirror: tag and digest kept, only host and repository change.</summary>
    public ImageReference Rewrite(ImageReference reference) =>
        ImageReference.Create(Host, PathPrefix.Length == 0 ? reference.Repository : $"{PathPrefix}/{reference.Repository}", reference.Tag, reference.Digest);

    /// <summary><c>host/prefix</c>, as the setting was written.</summary>
    public string Location => PathPrefix.Length == 0 ? Host : $"{Host}/{PathPrefix}";
}

/// <summary>
/// The registry mirrors in effect, at most one per registry, parsed at the edge from the three places a
/// repository can set them: <c>SkillRegistryMirror</c> items, the <see cref="EnvironmentVariable"/>
/// (CI) and the <see cref="RepositoryFile"/> (seen by the command line too). Per registry, an item wins
/// over the variable, which wins over the file. Knows references and hosts, nothing of skills.
/// </summary>
public sealed class RegistryMirrors
{
    /// <summary><c>registry=host[/prefix][,fallback=false];...</c></summary>
    public const string EnvironmentVariable = "SKILLS_OCI_MIRRORS";

    /// <summary>Relative to the repository (skills) root.</summary>
    public const string RepositoryFile = ".skills-oci/mirrors.json";

    private readonly Dictionary<string, RegistryMirror> _byRegistry;

    private RegistryMirrors(IEnumerable<RegistryMirror> mirrors)
    {
        _byRegistry = new Dictionary<string, RegistryMirror>(StringComparer.Ordinal);
        foreach (var mirror in mirrors)
        {
            _byRegistry.TryAdd(mirror.Registry, mirror);
        }
    }

    public static RegistryMirrors None { get; } = new([]);

    public IReadOnlyCollection<RegistryMirror> All => _byRegistry.Values;

    public bool IsEmpty => _byRegistry.Count == 0;

    /// <summary>The mirror of <paramref name="reference"/>'s registry, or null.</summary>
    public RegistryMirror? For(ImageReference reference) =>
        _byRegistry.GetValueOrDefault(RegistryNames.CanonicalRegistry(reference.Registry));

    /// <summary>These mirrors, then those of <paramref name="lower"/> for registries these do not name.</summary>
    public RegistryMirrors Over(RegistryMirrors lower) => new(All.Concat(lower.All));

    /// <summary>
    /// One mirror setting. <paramref name="registry"/> is a registry name (Docker Hub's aliases are one);
    /// <paramref name="mirror"/> a registry host with an optional repository prefix.
    /// </summary>
    /// <exception cref="SkillsOciException">SKOCI8041, located at <paramref name="file"/> when given.</exception>
    public static RegistryMirror Create(string registry, string mirror, bool fallback, string origin, string? file = null, int line = 0)
    {
        var key = RegistryNames.Normalize(registry);
        if (key.Length == 0 || key.Contains('/', StringComparison.Ordinal) ||
            !ImageReference.TryParse($"{key}/probe", out var probe, out _) || probe!.Registry != key)
        {
            throw Invalid($"'{registry.Trim()}' is not a registry name (write the registry as references name it, such as docker.io or ghcr.io)", origin, file, line);
        }

        var value = mirror.Trim().TrimEnd('/');
        var slash = value.IndexOf('/', StringComparison.Ordinal);
        var host = slash < 0 ? value : value[..slash];
        var prefix = slash < 0 ? string.Empty : value[(slash + 1)..];
        if (host.Length == 0 || value.Contains("://", StringComparison.Ordinal) ||
            !ImageReference.TryParse($"{value}/probe", out var mirrored, out _) || mirrored!.Registry != host ||
            (prefix.Length > 0 && mirrored.Repository != $"{prefix}/probe"))
        {
            throw Invalid($"the mirror of {key}, '{mirror.Trim()}', is not a registry host with an optional repository prefix (such as artifactory.acme.internal/dockerhub-remote; no scheme, lower-case path)", origin, file, line);
        }

        if (RegistryNames.CanonicalRegistry(host) == key && prefix.Length == 0)
        {
            throw Invalid($"{key} is mirrored to itself", origin, file, line);
        }

        return new RegistryMirror(key, host, prefix, fallback) { Origin = origin };
    }

    /// <summary>Mirrors in the order given; a registry named twice keeps the first.</summary>
    public static RegistryMirrors Of(IEnumerable<RegistryMirror> mirrors) => new(mirrors);

    /// <summary>The environment variable's form: <c>docker.io=host/prefix;ghcr.io=host2,fallback=false</c>.</summary>
    public static RegistryMirrors ParseList(string? value, string origin)
    {
        var mirrors = new List<RegistryMirror>();
        foreach (var part in (value ?? string.Empty).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw Invalid($"'{part}' is not 'registry=mirror'", origin);
            }

            var options = part[(equals + 1)..].Split(',', StringSplitOptions.TrimEntries);
            var fallback = true;
            foreach (var option in options.Skip(1))
            {
                fallback = option.ToLowerInvariant() switch
                {
                    "fallback=false" => false,
                    "fallback=true" => true,
                    _ => throw Invalid($"'{option}' is not an option of a mirror (only fallback=false or fallback=true)", origin),
                };
            }

            mirrors.Add(Create(part[..equals], options[0], fallback, origin));
        }

        return new(mirrors);
    }

    /// <summary>
    /// The repository file: <c>{ "mirrors": [ { "registry": "docker.io", "mirror": "host/prefix", "fallback": false } ] }</c>.
    /// No file, no mirrors.
    /// </summary>
    public static async Task<RegistryMirrors> ReadFileAsync(string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            return None;
        }

        var bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException ex)
        {
            throw Invalid($"it is not valid JSON ({ex.Message})", path, path, (int)(ex.LineNumber ?? 0) + 1);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object ||
                !document.RootElement.TryGetProperty("mirrors", out var list) || list.ValueKind != JsonValueKind.Array)
            {
                throw Invalid("it needs a \"mirrors\" array", path, path);
            }

            var mirrors = new List<RegistryMirror>();
            foreach (var entry in list.EnumerateArray())
            {
                if (entry.ValueKind != JsonValueKind.Object ||
                    !entry.TryGetProperty("registry", out var registry) || registry.ValueKind != JsonValueKind.String ||
                    !entry.TryGetProperty("mirror", out var mirror) || mirror.ValueKind != JsonValueKind.String)
                {
                    throw Invalid("each entry of \"mirrors\" needs string \"registry\" and \"mirror\" properties", path, path);
                }

                var fallback = !entry.TryGetProperty("fallback", out var fb) || fb.ValueKind != JsonValueKind.False;
                mirrors.Add(Create(registry.GetString()!, mirror.GetString()!, fallback, path, path));
            }

            return new(mirrors);
        }
    }

    /// <summary>
    /// Every mirror in effect for a repository: <paramref name="declared"/> (the project's items) over the
    /// environment variable over the repository file at <paramref name="repositoryRoot"/>.
    /// </summary>
    public static async Task<RegistryMirrors> LoadAsync(string? repositoryRoot, RegistryMirrors declared, Func<string, string?>? environment, CancellationToken cancellationToken)
    {
        var fromEnvironment = ParseList((environment ?? System.Environment.GetEnvironmentVariable)(EnvironmentVariable), EnvironmentVariable);
        var fromFile = repositoryRoot is null ? None : await ReadFileAsync(Path.Combine(repositoryRoot, RepositoryFile), cancellationToken).ConfigureAwait(false);
        return declared.Over(fromEnvironment).Over(fromFile);
    }

    private static SkillsOciException Invalid(string problem, string origin, string? file = null, int line = 0) =>
        new(ErrorCodes.MirrorSettingInvalid, $"The registry mirror setting in {origin} is invalid: {problem}.", file, line);
}
