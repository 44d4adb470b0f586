using System.Text;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Restore;

namespace Skills.Oci.Build.Tests.Restore;

/// <summary>
/// A registry made of OCI image layout folders on disk (what <see cref="ImageLayoutSkillSource"/> reads):
/// the tests publish real artifacts into it, good ones and hostile ones.
/// </summary>
public sealed class SkillRegistry(string root)
{
    public const string Registry = "localhost:5000";

    public ImageLayoutSkillSource Source { get; } = new(root);

    public static string Repo(string name) => $"{Registry}/skills/{name}";

    /// <summary>Publishes an artifact; returns the manifest descriptor. Every part can be bent for hostile cases.</summary>
    public async Task<Descriptor> PublishAsync(
        string repository,
        string tag,
        byte[] layer,
        string configName,
        string? annotatedName = null,
        string? artifactType = MediaTypes.SkillArtifact,
        string configMediaType = MediaTypes.SkillConfig,
        byte[]? configBytes = null,
        int layerCount = 1,
        string? inlineData = null,
        bool useAnnotation = true,
        string[]? extraTags = null,
        IReadOnlyDictionary<string, string>? extraAnnotations = null)
    {
        var layout = Source.LayoutFor(ImageReference.Parse(repository));
        await layout.EnsureCreatedAsync(CancellationToken.None);
        configBytes ??= Encoding.UTF8.GetBytes($"{{\"schemaVersion\":\"1\",\"name\":\"{configName}\",\"version\":\"{tag}\"}}");
        var config = await layout.WriteBlobAsync(configMediaType, configBytes, CancellationToken.None);
        if (inlineData is not null)
        {
            config = config with { Data = inlineData };
        }

        var layerDescriptor = await layout.WriteBlobAsync(MediaTypes.SkillContentLayer, layer, CancellationToken.None);
        layerDescriptor = layerDescriptor with { Annotations = new Dictionary<string, string> { [AnnotationKeys.Title] = configName + ".tar.gz" } };
        var layers = Enumerable.Repeat(layerDescriptor, layerCount).ToList();
        var annotations = useAnnotation ? new Dictionary<string, string> { [AnnotationKeys.SkillName] = annotatedName ?? configName } : null;
        foreach (var (key, value) in extraAnnotations ?? new Dictionary<string, string>())
        {
            (annotations ??= [])[key] = value;
        }

        var manifestBytes = OciJsonWriter.WriteManifest(config, layers, artifactType, annotations: annotations);
        var manifest = await layout.WriteBlobAsync(MediaTypes.OciManifest, manifestBytes, CancellationToken.None);
        foreach (var t in new[] { tag }.Concat(extraTags ?? []))
        {
            await layout.AddToIndexAsync(manifest, t, CancellationToken.None);
        }

        return manifest;
    }

    /// <summary>Publishes a well-formed skill whose archive holds SKILL.md plus <paramref name="files"/>.</summary>
    public Task<Descriptor> PublishSkillAsync(string name, string tag, params (string Path, string Content)[] files) =>
        PublishSkillAsync(new SkillFixture(name).WithFiles(files), tag);

    /// <summary>Publishes <paramref name="skill"/> as a well-formed artifact in its own repository (<see cref="Repo"/>).</summary>
    public Task<Descriptor> PublishSkillAsync(SkillFixture skill, string tag) =>
        PublishAsync(Repo(skill.Name), tag, skill.ToTarGz(), skill.Name);

    /// <summary>
    /// Publishes a skill whose manifest requires other skills (<c>io.agentskills.skill.requires</c>, as pack
    /// writes it): each requirement is a skill name in this registry and a version spec (null for any).
    /// </summary>
    public Task<Descriptor> PublishRequiringAsync(string name, string tag, params (string Skill, string? Version)[] requires) =>
        PublishAsync(Repo(name), tag, new SkillFixture(name).ToTarGz(), name, extraAnnotations: new Dictionary<string, string>
        {
            [AnnotationKeys.SkillRequires] = "[" + string.Join(",", requires.Select(r => $"{{\"ref\":\"{Repo(r.Skill)}\"{(r.Version is null ? string.Empty : $",\"version\":\"{r.Version}\"")}}}")) + "]",
        });

    /// <summary>Tags an existing manifest in a repository.</summary>
    public async Task TagAsync(string repository, Descriptor manifest, string tag)
    {
        var layout = Source.LayoutFor(ImageReference.Parse(repository));
        await layout.AddToIndexAsync(manifest, tag, CancellationToken.None);
    }
}

/// <summary>Counts the calls that reach a source, so tests can assert "no registry request".</summary>
public sealed class CountingSkillSource(ISkillSource inner) : ISkillSource
{
    private int _calls;

    public int Calls => _calls;

    public int TagLists { get; private set; }

    public Task<IReadOnlyList<string>> ListTagsAsync(ImageReference repository, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        TagLists++;
        return inner.ListTagsAsync(repository, cancellationToken);
    }

    public Task<Descriptor> ResolveAsync(ImageReference reference, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        return inner.ResolveAsync(reference, cancellationToken);
    }

    public Task<Stream> FetchManifestAsync(ImageReference repository, Descriptor manifest, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        return inner.FetchManifestAsync(repository, manifest, cancellationToken);
    }

    public Task<Stream> FetchBlobAsync(ImageReference repository, Descriptor blob, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        return inner.FetchBlobAsync(repository, blob, cancellationToken);
    }
}
