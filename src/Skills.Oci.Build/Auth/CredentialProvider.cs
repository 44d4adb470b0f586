namespace Skills.Oci.Build.Auth;

/// <summary>Finds credentials for a registry.</summary>
public interface ICredentialProvider
{
    /// <summary>Credentials for the registry, or null for anonymous access.</summary>
    Task<RegistryCredential?> GetAsync(string registry, RegistryOperation operation, CancellationToken cancellationToken);

    /// <summary>What was consulted, for an error message when the registry refuses (never a secret).</summary>
    string DescribeSources(string registry);
}

/// <summary>
/// The default order: environment variables for CI, then Docker's config.json (a credential helper
/// for the host, the credential store, inline <c>auths</c>), then anonymous.
/// </summary>
public sealed class DefaultCredentialProvider : ICredentialProvider
{
    private readonly Func<string, string?> _environment;
    private readonly Lazy<DockerConfig> _dockerConfig;

    public DefaultCredentialProvider(Func<string, string?>? environment = null)
    {
        _environment = environment ?? Environment.GetEnvironmentVariable;
        _dockerConfig = new Lazy<DockerConfig>(() => DockerConfig.Load(DockerConfig.DefaultPath(_environment)));
    }

    public async Task<RegistryCredential?> GetAsync(string registry, RegistryOperation operation, CancellationToken cancellationToken)
    {
        var fromEnvironment = EnvironmentCredentials.Find(registry, operation, _environment);
        if (fromEnvironment is not null)
        {
            return fromEnvironment;
        }

        var config = _dockerConfig.Value;
        var helper = config.FindHelper(registry);
        if (helper is not null)
        {
            var fromHelper = await CredentialHelper.GetAsync(helper, DockerConfig.HelperServerUrl(registry), cancellationToken).ConfigureAwait(false);
            if (fromHelper is not null)
            {
                return fromHelper;
            }
        }

        return config.FindInline(registry);
    }

    public string DescribeSources(string registry)
    {
        var path = DockerConfig.DefaultPath(_environment) ?? "~/.docker/config.json";
        // A missing file is the usual reason nothing was found; say so rather than name it as if it was read.
        var dockerConfig = File.Exists(path) ? $"the Docker configuration '{path}'" : $"the Docker configuration (no Docker config at {path})";
        return $"{EnvironmentCredentials.Username}/{EnvironmentCredentials.Password} (and the PULL/PUSH variants), then {dockerConfig}";
    }
}

/// <summary>One fixed credential for every registry: what <c>login</c> checks before it saves anything.</summary>
public sealed class FixedCredentialProvider(RegistryCredential credential) : ICredentialProvider
{
    public Task<RegistryCredential?> GetAsync(string registry, RegistryOperation operation, CancellationToken cancellationToken) =>
        Task.FromResult<RegistryCredential?>(credential);

    public string DescribeSources(string registry) => credential.Source;
}
