using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Registry;
using Skills.Oci.Build.Trust.Signatures;

namespace Skills.Oci.Build.Restore;

/// <summary>Restore's view of a real registry, through the one <see cref="RegistryClient"/> of the build.</summary>
public sealed class RegistrySkillSource(RegistryClient client) : ISkillSource, ISkillSignatureSource
{
    private readonly SignatureStore _signatures = new();

    public Task<DiscoveredSignatures> FindSignaturesAsync(ImageReference repository, Digest subject, CancellationToken cancellationToken) =>
        _signatures.FindAsync(client, repository, subject, cancellationToken);

    public Task<IReadOnlyList<string>> ListTagsAsync(ImageReference repository, CancellationToken cancellationToken) =>
        client.ListTagsAsync(repository, cancellationToken);

    public Task<Descriptor> ResolveAsync(ImageReference reference, CancellationToken cancellationToken) =>
        client.ResolveAsync(reference, cancellationToken);

    public async Task<Stream> FetchManifestAsync(ImageReference repository, Descriptor manifest, CancellationToken cancellationToken)
    {
        var content = await client.FetchManifestAsync(repository, manifest, cancellationToken).ConfigureAwait(false);
        return new MemoryStream(content.Bytes, writable: false);
    }

    public async Task<(Descriptor Descriptor, byte[] Bytes)> FetchTaggedManifestAsync(ImageReference reference, OciLimits limits, CancellationToken cancellationToken)
    {
        // One GET: the client hashes the bytes, checks the registry's digest header and applies the manifest limit while reading.
        var content = await client.FetchManifestAsync(reference, cancellationToken).ConfigureAwait(false);
        return (content.Descriptor, content.Bytes);
    }

    public Task<Stream> FetchBlobAsync(ImageReference repository, Descriptor blob, CancellationToken cancellationToken) =>
        // Limits were applied to the descriptor by restore; the client still verifies as bytes stream.
        client.FetchBlobAsync(repository, blob, long.MaxValue, cancellationToken);
}

/// <summary>
/// The registry source a restore or sync asks for only past its no-op check (so an up-to-date run never
/// creates a registry client), disposed with it. Pass <see cref="Get"/> to the engine.
/// </summary>
public sealed class LazyRegistrySource(RegistryClientOptions options, RegistryMirrors? mirrors = null) : IDisposable
{
    private RegistryClient? _client;

    /// <summary>The registry, through its mirrors when any are set (<see cref="MirroredSkillSource"/>).</summary>
    public ISkillSource Get()
    {
        var registry = new RegistrySkillSource(_client ??= new RegistryClient(options));
        return mirrors is null || mirrors.IsEmpty ? registry : new MirroredSkillSource(registry, mirrors);
    }

    public void Dispose() => _client?.Dispose();
}
