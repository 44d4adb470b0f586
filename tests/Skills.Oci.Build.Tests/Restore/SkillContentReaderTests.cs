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

        var (artifact, downloaded) = await reader.ReadArtifactAndLayerAsync(ImageReference.Parse(SkillRegistry.Repo("pdf")), manifest.Digest, "pdf", CancellationToken.None)
            .WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal("pdf", artifact?.Name);
        Assert.True(downloaded);
        Assert.True(source.LayerStartedBeforeConfigEnded);
        // Nothing is fetched twice: the layer is in the cache now.
        Assert.False(await reader.EnsureLayerAsync(artifact!, CancellationToken.None));
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
