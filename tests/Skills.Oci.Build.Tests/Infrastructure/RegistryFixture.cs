namespace Skills.Oci.Build.Tests.Infrastructure;

/// <summary>
/// One plain-HTTP registry with the access log enabled, shared by every test class in the
/// <c>[Collection("Registry")]</c> collection. Tests share its storage, so each uses its own
/// repository names, and must call <see cref="RegistryProcess.ClearRequests"/> or filter by
/// repository before asserting on <see cref="RegistryProcess.Requests"/>.
/// </summary>
public sealed class RegistryFixture : IAsyncLifetime
{
    private RegistryProcess? _registry;

    public RegistryProcess Registry => _registry ?? throw new InvalidOperationException("The registry fixture has not been initialised.");

    public async Task InitializeAsync()
    {
        using var hangGuard = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        _registry = await RegistryProcess.StartAsync(new RegistryOptions { AccessLog = true }, hangGuard.Token).ConfigureAwait(false);
    }

    public async Task DisposeAsync()
    {
        if (_registry is not null)
        {
            await _registry.DisposeAsync().ConfigureAwait(false);
        }
    }
}

/// <summary>Test classes marked <c>[Collection("Registry")]</c> share one <see cref="RegistryFixture"/> and run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class RegistryCollectionDefinition : ICollectionFixture<RegistryFixture>
{
    public const string Name = "Registry";
}
