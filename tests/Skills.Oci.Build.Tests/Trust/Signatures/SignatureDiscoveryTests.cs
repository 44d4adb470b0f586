using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Tests.Oci.Registry;
using Skills.Oci.Build.Sigstore.Keys;
using Skills.Oci.Build.Sigstore.Signing;
using Skills.Oci.Build.Sigstore.TrustedRoots;
using Skills.Oci.Build.Trust;
using Skills.Oci.Build.Trust.Signatures;

namespace Skills.Oci.Build.Tests.Trust.Signatures;

/// <summary>Discovery is bounded, says what it skipped, and describes signers when no policy applies.</summary>
[Collection(RegistryCollectionDefinition.Name)]
public sealed class SignatureDiscoveryTests(RegistryFixture fixture)
{
    private static readonly DateTimeOffset Created = new(2026, 4, 2, 8, 11, 9, TimeSpan.Zero);

    [Fact]
    public async Task Without_a_policy_the_report_names_the_signing_key()
    {
        using var client = TestClients.Isolated();
        var skill = await SignedSkill.PushAsync(client, fixture.Registry.HostPort, "report");
        using var key = SigningKey.Generate(KeyAlgorithm.EcdsaP256);
        await new SkillSigner(key).SignAsync(client, skill.Repository, skill.Manifest, "report");

        var report = new SkillTrustEvaluator(TrustedRoot.Production).Describe(await new SignatureStore().FindAsync(client, skill.Repository, skill.Digest));

        Assert.Equal(2, report.Count);
        Assert.StartsWith($"a signature signed by key {key.PublicKey.Fingerprint}", report[0], StringComparison.Ordinal);
        Assert.StartsWith("a signature signed with a key", report[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Referrers_beyond_the_limit_and_bundles_over_the_size_limit_are_noted_not_read()
    {
        using var client = TestClients.Isolated();
        var skill = await SignedSkill.PushAsync(client, fixture.Registry.HostPort, "limits");
        using var key = SigningKey.Generate(KeyAlgorithm.EcdsaP256);
        var store = new SignatureStore();
        var small = new SigstoreBundleSigner(key).SignStatement("limits", skill.Digest);
        var large = new SigstoreBundleSigner(key).SignStatement(new string('x', 4096), skill.Digest);
        await store.AttachBundleAsync(client, skill.Repository, skill.Manifest, small, BundleContent.DsseEnvelope, SigstoreBundleSigner.CosignSignPredicateType, Created);
        await store.AttachBundleAsync(client, skill.Repository, skill.Manifest, large, BundleContent.DsseEnvelope, SigstoreBundleSigner.CosignSignPredicateType, Created);

        var oneReferrer = await new SignatureStore(new SignatureStoreOptions { MaxReferrers = 1 }).FindAsync(client, skill.Repository, skill.Digest);
        var smallBlobs = await new SignatureStore(new SignatureStoreOptions { MaxSignatureBytes = small.Length }).FindAsync(client, skill.Repository, skill.Digest);

        Assert.Single(oneReferrer.Items);
        Assert.Contains(oneReferrer.Notes, n => n.Contains("only the first 1", StringComparison.Ordinal));
        Assert.Equal(small, Assert.Single(smallBlobs.Items).Content);
        Assert.Contains(smallBlobs.Notes, n => n.Contains("was skipped", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_referrer_listed_for_this_digest_but_about_another_subject_is_skipped()
    {
        using var client = TestClients.Isolated();
        var skill = await SignedSkill.PushAsync(client, fixture.Registry.HostPort, "stray");
        var other = await SignedSkill.PushAsync(client, fixture.Registry.HostPort, "stray", seed: 2);
        using var key = SigningKey.Generate(KeyAlgorithm.EcdsaP256);
        var bundle = new SigstoreBundleSigner(key).SignStatement("stray", other.Digest);
        var referrer = BundleReferrer.Create(other.Manifest, bundle, BundleContent.DsseEnvelope, null, Created);
        await client.PushBlobAsync(skill.Repository, CosignRegistryFormat.EmptyConfig, CosignRegistryFormat.EmptyJson);
        await client.PushBlobAsync(skill.Repository, referrer.Layer, bundle);
        // Listed in this skill's tag-schema index, though its subject is the other manifest.
        await client.PushReferrerAsync(skill.Repository, skill.Manifest, referrer.Manifest, MediaTypes.OciManifest, BundleReferrer.ArtifactType);

        var found = await new SignatureStore().FindAsync(client, skill.Repository, skill.Digest);

        Assert.True(found.IsEmpty);
        Assert.Contains(found.Notes, n => n.Contains(other.Digest.ToString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_bundle_larger_than_readers_accept_is_refused_before_anything_is_pushed()
    {
        using var client = TestClients.Isolated();
        var skill = await SignedSkill.PushAsync(client, fixture.Registry.HostPort, "too-large");
        var store = new SignatureStore(new SignatureStoreOptions { MaxSignatureBytes = 16 });

        await Assert.ThrowsAsync<ArgumentException>(() => store.AttachBundleAsync(client, skill.Repository, skill.Manifest, new byte[17], BundleContent.DsseEnvelope, null, Created));

        Assert.DoesNotContain(skill.Digest.ToTagSchema(), await client.ListTagsAsync(skill.Repository));
    }

    [Fact]
    public async Task A_server_error_on_the_signature_tag_propagates_instead_of_reading_as_unsigned()
    {
        await using var proxy = await FaultProxy.StartAsync(fixture.Registry.BaseUri);
        using var client = TestClients.Isolated();
        var skill = await SignedSkill.PushAsync(client, proxy.HostPort, "server-error");
        using var key = SigningKey.Generate(KeyAlgorithm.EcdsaP256);
        await new SkillSigner(key).SignAsync(client, skill.Repository, skill.Manifest, "server-error", SignatureFormats.Legacy);
        // 400 is not retried: one answer, and it is not "not found".
        proxy.RespondWithStatus("GET", @"/manifests/sha256-[a-f0-9]{64}\.sig$", 400, times: 100);

        var error = await Assert.ThrowsAsync<RegistryException>(() => new SignatureStore().FindAsync(client, skill.Repository, skill.Digest));

        Assert.Equal(RegistryErrorKind.Protocol, error.Kind);
    }
}
