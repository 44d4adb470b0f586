using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Restore;
using Skills.Oci.Build.Tests.Oci.Registry;
using Skills.Oci.Build.Sigstore.Keys;
using Skills.Oci.Build.Sigstore.TrustedRoots;
using Skills.Oci.Build.Sigstore.Verification;
using Skills.Oci.Build.Trust;
using Skills.Oci.Build.Trust.Signatures;

namespace Skills.Oci.Build.Tests.Trust.Signatures;

/// <summary>What was found for a digest is kept in the cache's image layout and verifies again with the registry gone.</summary>
public sealed class SignatureSnapshotTests
{
    private readonly SignatureStore _store = new();
    private readonly SkillTrustEvaluator _evaluator = new(TrustedRoot.Production);

    [Fact]
    public async Task Signatures_saved_to_the_cache_verify_offline_after_the_registry_stopped()
    {
        await using var registry = await RegistryProcess.StartAsync();
        using var cacheFolder = new TempFolder("sigcache");
        var cache = new SkillCache(cacheFolder.Path);
        using var client = TestClients.Isolated();
        var skill = await SignedSkill.PushAsync(client, registry.HostPort, "offline");
        using var key = SigningKey.Generate(KeyAlgorithm.EcdsaP256);
        var requirement = new SkillTrustRequirement(VerificationPolicy.ForKey(key.PublicKey));
        await new SkillSigner(key, _store).SignAsync(client, skill.Repository, skill.Manifest, "offline");
        var found = await _store.FindAsync(client, skill.Repository, skill.Digest);
        await SignatureSnapshot.SaveAsync(cache.Layout, found);

        await registry.StopAsync();
        var loaded = await SignatureSnapshot.LoadAsync(new SkillCache(cacheFolder.Path).Layout, skill.Digest);
        var verdict = _evaluator.Evaluate(loaded!, skill.Digest, requirement);

        Assert.True(verdict.IsVerified, verdict.ToString());
        Assert.Equal(_evaluator.Evaluate(found, skill.Digest, requirement).Signer, verdict.Signer);
        Assert.Equal(found.Items.Select(i => (i.Format, i.MediaType, i.Source, i.ContentDigest)), loaded!.Items.Select(i => (i.Format, i.MediaType, i.Source, i.ContentDigest)));
        Assert.Equal(found.Items.Select(i => i.Annotations.OrderBy(p => p.Key)), loaded.Items.Select(i => i.Annotations.OrderBy(p => p.Key)));
        // "Could not look" is an error, never "unsigned".
        await Assert.ThrowsAsync<RegistryException>(() => _store.FindAsync(client, skill.Repository, skill.Digest));
    }

    [Fact]
    public async Task Never_saved_is_null_and_saved_unsigned_is_an_empty_set()
    {
        using var cacheFolder = new TempFolder("sigcache");
        var layout = new OciImageLayout(cacheFolder.Path);
        var unsigned = Digest.ComputeSha256("unsigned"u8);
        var unknown = Digest.ComputeSha256("unknown"u8);

        await SignatureSnapshot.SaveAsync(layout, DiscoveredSignatures.None(unsigned));

        Assert.Null(await SignatureSnapshot.LoadAsync(layout, unknown));
        var loaded = await SignatureSnapshot.LoadAsync(layout, unsigned);
        Assert.NotNull(loaded);
        Assert.True(loaded.IsEmpty);
    }

    [Fact]
    public async Task A_later_save_for_the_same_digest_replaces_the_earlier_one_and_is_listed_once()
    {
        using var cacheFolder = new TempFolder("sigcache");
        var layout = new OciImageLayout(cacheFolder.Path);
        var subject = Digest.ComputeSha256("skill"u8);
        var item = new DiscoveredSignature(SignatureFormat.SimpleSigning, "application/vnd.dev.cosign.simplesigning.v1+json", "{}"u8.ToArray(),
            new Dictionary<string, string> { ["dev.cosignproject.cosign/signature"] = "c2ln" }, "sha256-x.sig layer 1");

        await SignatureSnapshot.SaveAsync(layout, DiscoveredSignatures.None(subject));
        await SignatureSnapshot.SaveAsync(layout, new DiscoveredSignatures(subject, [item], []));
        var index = await layout.ReadIndexAsync(CancellationToken.None);

        var loaded = Assert.Single((await SignatureSnapshot.LoadAsync(layout, subject))!.Items);
        Assert.Equal(item.Annotations, loaded.Annotations);
        Assert.Equal(item.Source, loaded.Source);
        Assert.Single(index, d => d.GetAnnotation(AnnotationKeys.RefName) == SignatureSnapshot.RefName(subject));
    }

    [Fact]
    public async Task A_tampered_cached_signature_fails_to_load()
    {
        using var cacheFolder = new TempFolder("sigcache");
        var layout = new OciImageLayout(cacheFolder.Path);
        var subject = Digest.ComputeSha256("skill"u8);
        var item = new DiscoveredSignature(SignatureFormat.SigstoreBundle, "application/vnd.dev.sigstore.bundle.v0.3+json", "{\"a\":1}"u8.ToArray(), new Dictionary<string, string>(), "referrer x");
        await SignatureSnapshot.SaveAsync(layout, new DiscoveredSignatures(subject, [item], []));

        await File.WriteAllBytesAsync(layout.BlobPath(item.ContentDigest), "{\"a\":2}"u8.ToArray());

        var error = await Assert.ThrowsAsync<RegistryException>(() => SignatureSnapshot.LoadAsync(layout, subject));
        Assert.Equal(RegistryErrorKind.DigestMismatch, error.Kind);
    }
}
