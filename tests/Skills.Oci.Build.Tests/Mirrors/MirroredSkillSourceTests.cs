using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Registry;
using Skills.Oci.Build.Restore;
using Skills.Oci.Build.Tests.Restore;

namespace Skills.Oci.Build.Tests.Mirrors;

/// <summary>Which host a mirrored read goes to, over image layout folders standing in for the two registries.</summary>
public sealed class MirroredSkillSourceTests : IDisposable
{
    private readonly TempFolder _root = new("mirrored-source");
    private readonly SkillRegistry _registries;

    public MirroredSkillSourceTests()
    {
        _registries = new SkillRegistry(_root.Path);
    }

    public void Dispose() => _root.Dispose();

    [Fact]
    public async Task The_mirror_answers_first_and_a_skill_it_lacks_comes_from_the_original()
    {
        var upstream = await _registries.PublishSkillAsync("pdf", "1.0.0", ("notes.md", "upstream"));
        var mirrored = await _registries.PublishAsync("mirror.local/hub/skills/pdf", "1.0.0", new SkillFixture("pdf").WithFiles(("notes.md", "mirror")).ToTarGz(), "pdf");
        var onlyUpstream = await _registries.PublishSkillAsync("docs", "2.0.0");
        var source = new MirroredSkillSource(_registries.Source, Mirrors(fallback: true));

        Assert.Equal(mirrored.Digest, (await source.ResolveAsync(ImageReference.Parse(SkillRegistry.Repo("pdf") + ":1.0.0"), CancellationToken.None)).Digest);
        Assert.NotEqual(upstream.Digest, mirrored.Digest);
        Assert.Equal(onlyUpstream.Digest, (await source.ResolveAsync(ImageReference.Parse(SkillRegistry.Repo("docs") + ":2.0.0"), CancellationToken.None)).Digest);
        Assert.Equal(["2.0.0"], await source.ListTagsAsync(ImageReference.Parse(SkillRegistry.Repo("docs")), CancellationToken.None));
    }

    [Fact]
    public async Task Without_fallback_a_skill_the_mirror_lacks_is_SKOCI8040_naming_the_mirror_and_where_it_was_set()
    {
        await _registries.PublishSkillAsync("docs", "2.0.0");
        var source = new MirroredSkillSource(_registries.Source, Mirrors(fallback: false));

        var error = await Assert.ThrowsAsync<SkillsOciException>(() => source.ResolveAsync(ImageReference.Parse(SkillRegistry.Repo("docs") + ":2.0.0"), CancellationToken.None));

        Assert.Equal(ErrorCodes.MirrorMissingSkill, error.Diagnostic.Code);
        Assert.Contains("mirror.local/hub", error.Diagnostic.Message, StringComparison.Ordinal);
        Assert.Contains("the test settings", error.Diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_mirror_falls_back_to_the_original_and_without_fallback_its_own_failure_is_reported()
    {
        var upstream = await _registries.PublishSkillAsync("pdf", "1.0.0");
        var reference = ImageReference.Parse(SkillRegistry.Repo("pdf") + ":1.0.0");

        var tolerant = new MirroredSkillSource(new UnreachableHost("mirror.local", _registries.Source), Mirrors(fallback: true));
        var strict = new MirroredSkillSource(new UnreachableHost("mirror.local", _registries.Source), Mirrors(fallback: false));

        Assert.Equal(upstream.Digest, (await tolerant.ResolveAsync(reference, CancellationToken.None)).Digest);
        var error = await Assert.ThrowsAsync<RegistryException>(() => strict.ResolveAsync(reference, CancellationToken.None));
        Assert.Equal(RegistryErrorKind.Unreachable, error.Kind);
        Assert.Equal("mirror.local", error.Registry);
    }

    private static RegistryMirrors Mirrors(bool fallback) =>
        RegistryMirrors.Of([RegistryMirrors.Create(SkillRegistry.Registry, "mirror.local/hub", fallback, "the test settings")]);

    /// <summary>A source whose one host is down.</summary>
    private sealed class UnreachableHost(string host, ISkillSource inner) : ISkillSource
    {
        public Task<IReadOnlyList<string>> ListTagsAsync(ImageReference repository, CancellationToken cancellationToken)
        {
            ThrowIfDown(repository);
            return inner.ListTagsAsync(repository, cancellationToken);
        }

        public Task<Descriptor> ResolveAsync(ImageReference reference, CancellationToken cancellationToken)
        {
            ThrowIfDown(reference);
            return inner.ResolveAsync(reference, cancellationToken);
        }

        public Task<Stream> FetchManifestAsync(ImageReference repository, Descriptor manifest, CancellationToken cancellationToken)
        {
            ThrowIfDown(repository);
            return inner.FetchManifestAsync(repository, manifest, cancellationToken);
        }

        public Task<Stream> FetchBlobAsync(ImageReference repository, Descriptor blob, CancellationToken cancellationToken)
        {
            ThrowIfDown(repository);
            return inner.FetchBlobAsync(repository, blob, cancellationToken);
        }

        private void ThrowIfDown(ImageReference reference)
        {
            if (reference.Registry == host)
            {
                throw new RegistryException(RegistryErrorKind.Unreachable, $"{host} is down.") { Registry = host };
            }
        }
    }
}
