using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Registry;
using Skills.Oci.Build.Tests.Oci.Registry;
using Skills.Oci.Build.Tests.Restore;

namespace Skills.Oci.Build.Tests.Consume;

/// <summary>
/// Publishes well-formed skills into a real registry: the restore tests' <see cref="SkillRegistry"/>
/// builds the artifact in an OCI image layout, and <see cref="ImageLayoutPusher"/> pushes it. Each
/// test uses its own repository prefix, so tests sharing one registry never see each other's tags.
/// </summary>
internal sealed class RegistrySkillPublisher : IDisposable
{
    private readonly TempFolder _layouts = new("skoci-publish");
    private readonly SkillRegistry _local;
    private readonly RegistryClientOptions _clientOptions;

    public RegistrySkillPublisher(RegistryProcess registry, string prefix, RegistryClientOptions? clientOptions = null)
    {
        Registry = registry;
        Prefix = prefix;
        _local = new SkillRegistry(_layouts.Path);
        _clientOptions = clientOptions ?? new RegistryClientOptions { Environment = _ => null };
    }

    public RegistryProcess Registry { get; }

    public string Prefix { get; }

    /// <summary>The reference a SkillReference uses: <c>127.0.0.1:PORT/PREFIX/NAME</c>.</summary>
    public string Repo(string name) => $"{Registry.HostPort}/{Prefix}/{name}";

    /// <summary>Publishes SKILL.md plus <paramref name="files"/> as <paramref name="name"/>:<paramref name="tag"/>; returns the manifest digest.</summary>
    public async Task<Digest> PublishAsync(string name, string tag, params (string Path, string Content)[] files) =>
        (await PushAsync(name, tag, await _local.PublishSkillAsync(name, tag, files))).Digest;

    /// <summary>
    /// Publishes a skill whose manifest requires others (<c>io.agentskills.skill.requires</c>, refs in this
    /// publisher's repositories, as pack writes them); returns the manifest descriptor.
    /// </summary>
    public async Task<Descriptor> PublishRequiringAsync(string name, string tag, params (string Skill, string? Version)[] requires) =>
        await PushAsync(name, tag, await _local.PublishAsync(SkillRegistry.Repo(name), tag, new SkillFixture(name).ToTarGz(), name, extraAnnotations: new Dictionary<string, string>
        {
            [AnnotationKeys.SkillRequires] = "[" + string.Join(",", requires.Select(r => $"{{\"ref\":\"{Repo(r.Skill)}\"{(r.Version is null ? string.Empty : $",\"version\":\"{r.Version}\"")}}}")) + "]",
        }));

    /// <summary>Publishes SKILL.md as <paramref name="name"/>:<paramref name="tag"/>; returns the manifest descriptor (for an index entry).</summary>
    public async Task<Descriptor> PublishSkillAsync(string name, string tag, params (string Path, string Content)[] files) =>
        await PushAsync(name, tag, await _local.PublishSkillAsync(name, tag, files));

    private async Task<Descriptor> PushAsync(string name, string tag, Descriptor manifest)
    {
        using var client = TestClients.Isolated(_clientOptions);
        var layout = _local.Source.LayoutFor(ImageReference.Parse(SkillRegistry.Repo(name)));
        await new ImageLayoutPusher(client).PushAsync(layout, tag, ImageReference.Parse(Repo(name)), [tag]);
        return manifest;
    }

    /// <summary>Registry requests that concern this publisher's repositories.</summary>
    public async Task<IReadOnlyList<Infrastructure.RegistryRequest>> RequestsAsync() =>
        (await Registry.WaitForRequestsAsync()).Where(r => r.Path.Contains($"/{Prefix}/", StringComparison.Ordinal)).ToList();

    public void Dispose() => _layouts.Dispose();
}
