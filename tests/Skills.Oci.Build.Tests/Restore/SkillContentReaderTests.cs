using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Restore;

namespace Skills.Oci.Build.Tests.Restore;

/// <summary>
/// The reader's round trips for a locked skill with no trust policy: the config and the layer are
/// fetched at the same time. Checked with a gate, not a clock: the config's fetch waits until the
/// layer's has started, so fetching them one after the other can only time out.
/// </summary>
public sealed class SkillContentReaderTests
{
    [Fact]
    public async Task Config_and_layer_of_a_locked_skill_are_fetched_together_and_the_layer_counts_as_downloaded()
    {
        using var folder = new TempFolder("reader");
        var registry = new SkillRegistry(folder.Combine("registry"));
        var manifest = await registry.PublishSkillAsync("pdf", "1.0.0", ("notes.md", "hello"));
        var source = new GatedSource(registry.Source);
        var reader = new SkillContentReader(new SkillCache(folder.Combine("cache")), source, OciLimits.Default);

        var (artifact, layer) = await reader.ReadArtifactAndLayerAsync(ImageReference.Parse(SkillRegistry.Repo("pdf")), manifest.Digest, "pdf", LengthAsync, CancellationToken.None)
            .WaitAsync(TimeSpan.FromSeconds(30));
        var read = await layer.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal("pdf", artifact?.Name);
        Assert.True(read?.Downloaded);
        Assert.True(source.LayerStartedBeforeConfigEnded);
        // Nothing is fetched twice: the layer read as it downloaded is in the cache now, with the same bytes.
        var again = await reader.ReadLayerAsync(artifact!, LengthAsync, CancellationToken.None);
        Assert.False(again?.Downloaded);
        Assert.Equal(artifact!.Skill.Layer.Size, read!.Result);
        Assert.Equal(read.Result, again!.Result);
    }

    [Fact]
    public async Task A_corrupted_download_read_as_it_arrives_fails_and_is_not_cached()
    {
        using var folder = new TempFolder("reader");
        var registry = new SkillRegistry(folder.Combine("registry"));
        var manifest = await registry.PublishSkillAsync("pdf", "1.0.0", ("notes.md", "hello"));
        var layout = registry.Source.LayoutFor(ImageReference.Parse(SkillRegistry.Repo("pdf")));
        var layerPath = layout.BlobPath(OciManifest.Parse(File.ReadAllBytes(layout.BlobPath(manifest.Digest))).Layers![0].Digest);
        var bytes = File.ReadAllBytes(layerPath);
        bytes[^5] ^= 0xFF;
        File.WriteAllBytes(layerPath, bytes);
        var cache = new SkillCache(folder.Combine("cache"));
        var reader = new SkillContentReader(cache, registry.Source, OciLimits.Default);
        var consumed = false;

        var (artifact, layer) = await reader.ReadArtifactAndLayerAsync(ImageReference.Parse(SkillRegistry.Repo("pdf")), manifest.Digest, "pdf", async (stream, ct) =>
        {
            var length = await LengthAsync(stream, ct);
            consumed = true;
            return length;
        }, CancellationToken.None);
        var error = await Assert.ThrowsAsync<RegistryException>(() => layer);

        Assert.Equal(RegistryErrorKind.DigestMismatch, error.Kind);
        Assert.False(consumed, "the consumer must not reach the end of content that does not verify");
        Assert.False(cache.HasBlob(artifact!.Skill.Layer));
        Assert.DoesNotContain(Directory.EnumerateFiles(cache.BlobFolder), f => Path.GetFileName(f).StartsWith('.'));
    }

    private static async Task<long> LengthAsync(Stream layer, CancellationToken cancellationToken)
    {
        var copy = new MemoryStream();
        await layer.CopyToAsync(copy, cancellationToken);
        return copy.Length;
    }

    /// <summary>The real layout source, with the config's fetch held until the layer's begins.</summary>
    private sealed class GatedSource(ISkillSource inner) : ISkillSource
    {
        private readonly TaskCompletionSource _layerStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool LayerStartedBeforeConfigEnded { get; private set; }

        public Task<IReadOnlyList<string>> ListTagsAsync(ImageReference repository, CancellationToken cancellationToken) => inner.ListTagsAsync(repository, cancellationToken);

        public Task<Descriptor> ResolveAsync(ImageReference reference, CancellationToken cancellationToken) => inner.ResolveAsync(reference, cancellationToken);

        public Task<Stream> FetchManifestAsync(ImageReference repository, Descriptor manifest, CancellationToken cancellationToken) => inner.FetchManifestAsync(repository, manifest, cancellationToken);

        public async Task<Stream> FetchBlobAsync(ImageReference repository, Descriptor blob, CancellationToken cancellationToken)
        {
            if (blob.MediaType == MediaTypes.SkillContentLayer)
            {
                _layerStarted.TrySetResult();
            }
            else
            {
                await _layerStarted.Task.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
                LayerStartedBeforeConfigEnded = true;
            }

            return await inner.FetchBlobAsync(repository, blob, cancellationToken);
        }
    }
}
