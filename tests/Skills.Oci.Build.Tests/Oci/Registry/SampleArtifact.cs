using System.Text;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Registry;

namespace Skills.Oci.Build.Tests.Oci.Registry;

/// <summary>A skill-shaped artifact (config, one layer, manifest with artifactType and annotations) built from bytes.</summary>
internal sealed record SampleArtifact(byte[] Config, Descriptor ConfigDescriptor, byte[] Layer, Descriptor LayerDescriptor, byte[] Manifest, Descriptor ManifestDescriptor)
{
    public static SampleArtifact Create(string name, int layerBytes = 4096, int seed = 1)
    {
        var config = Encoding.UTF8.GetBytes($$"""{"schemaVersion":"1","name":"{{name}}","version":"1.0.0","description":"A <sample> & more"}""");
        var configDescriptor = Descriptor.FromContent(MediaTypes.SkillConfig, config);
        var layer = new byte[layerBytes];
        new Random(seed).NextBytes(layer);
        var layerDescriptor = Descriptor.FromContent(MediaTypes.SkillContentLayer, layer) with
        {
            Annotations = new Dictionary<string, string> { [AnnotationKeys.Title] = name + ".tar.gz" },
        };
        var manifest = OciJsonWriter.WriteManifest(configDescriptor, [layerDescriptor], MediaTypes.SkillArtifact, annotations: new Dictionary<string, string>
        {
            [AnnotationKeys.SkillName] = name,
            [AnnotationKeys.Title] = name,
            [AnnotationKeys.Version] = "1.0.0",
            [AnnotationKeys.Created] = "2026-04-02T08:11:09Z",
        });
        return new SampleArtifact(config, configDescriptor, layer, layerDescriptor, manifest, Descriptor.FromContent(MediaTypes.OciManifest, manifest));
    }

    public Func<CancellationToken, Task<Stream>> OpenLayer => _ => Task.FromResult<Stream>(new MemoryStream(Layer, writable: false));

    public async Task PushAsync(RegistryClient client, ImageReference repository, string tag)
    {
        await client.PushBlobAsync(repository, ConfigDescriptor, Config);
        await client.PushBlobAsync(repository, LayerDescriptor, OpenLayer);
        await client.PushManifestAsync(repository, tag, Manifest, MediaTypes.OciManifest);
    }
}

internal static class TestClients
{
    /// <summary>Fast retries for tests; everything else as in production.</summary>
    public static RegistryClientOptions FastRetries(RegistryClientOptions? options = null) =>
        (options ?? new RegistryClientOptions { Environment = _ => null }) with
        {
            RetryBaseDelay = TimeSpan.FromMilliseconds(20),
            MaxRetryDelay = TimeSpan.FromSeconds(2),
        };

    /// <summary>A client that sees no environment variables (no credentials, no insecure list from the developer's shell).</summary>
    public static RegistryClient Isolated(RegistryClientOptions? options = null) => new(FastRetries(options));

    public static async Task<byte[]> ReadAllAsync(Stream stream)
    {
        await using (stream)
        {
            var copy = new MemoryStream();
            await stream.CopyToAsync(copy);
            return copy.ToArray();
        }
    }
}
