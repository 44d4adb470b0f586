using System.Text;
using System.Text.Json;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Tests.Oci.Registry;
using Skills.Oci.Build.Sigstore.Cosign;
using Skills.Oci.Build.Sigstore.Keys;
using Skills.Oci.Build.Sigstore.Signing;
using Skills.Oci.Build.Sigstore.TrustedRoots;
using Skills.Oci.Build.Sigstore.Verification;
using Skills.Oci.Build.Trust;
using Skills.Oci.Build.Trust.Signatures;

namespace Skills.Oci.Build.Tests.Trust.Signatures;

/// <summary>What we sign on publish is found again by digest and verifies, on registries with and without the referrers API.</summary>
[Collection(RegistryCollectionDefinition.Name)]
public sealed class SignatureRoundTripTests(RegistryFixture fixture)
{
    private static readonly DateTimeOffset Created = new(2026, 4, 2, 8, 11, 9, TimeSpan.Zero);
    private readonly SignatureStore _store = new();
    private readonly SkillTrustEvaluator _evaluator = new(TrustedRoot.Production);

    private static SkillTrustRequirement KeyRequirement(SigningKey key) => new(VerificationPolicy.ForKey(key.PublicKey));

    private void AssertEachFormatVerifies(DiscoveredSignatures found, Digest digest, SigningKey key)
    {
        foreach (var format in new[] { SignatureFormat.SigstoreBundle, SignatureFormat.SimpleSigning })
        {
            var alone = found with { Items = found.OfFormat(format).ToList() };
            var verdict = _evaluator.Evaluate(alone, digest, KeyRequirement(key));
            Assert.True(verdict.IsVerified, $"{format}: {verdict}");
            Assert.Equal("key:" + key.PublicKey.Fingerprint, verdict.Signer);
            Assert.Equal(format, verdict.Signature!.Format);
        }
    }

    [Theory]
    [InlineData(KeyAlgorithm.EcdsaP256)]
    [InlineData(KeyAlgorithm.Ed25519)]
    public async Task Signed_on_push_is_found_through_the_tag_schema_and_verifies(KeyAlgorithm algorithm)
    {
        using var client = TestClients.Isolated();
        var skill = await SignedSkill.PushAsync(client, fixture.Registry.HostPort, "roundtrip-" + algorithm.ToString().ToLowerInvariant());
        using var key = SigningKey.Generate(algorithm);

        var signed = await new SkillSigner(key, _store).SignAsync(client, skill.Repository, skill.Manifest, "roundtrip");
        var found = await _store.FindAsync(client, skill.Repository, skill.Digest);
        var verdict = _evaluator.Evaluate(found, skill.Digest, KeyRequirement(key));
        var tags = await client.ListTagsAsync(skill.Repository);

        Assert.True(verdict.IsVerified, verdict.ToString());
        Assert.Equal("key:" + key.PublicKey.Fingerprint, verdict.Signer);
        Assert.Equal(signed.Signer, verdict.Signer);
        Assert.NotNull(signed.BundleReferrer);
        Assert.True(signed.LegacySignatureAdded);
        Assert.Single(found.OfFormat(SignatureFormat.SigstoreBundle));
        Assert.Single(found.OfFormat(SignatureFormat.SimpleSigning));
        Assert.Empty(found.Notes);
        AssertEachFormatVerifies(found, skill.Digest, key);
        // distribution 2.8 has no referrers API: the bundle is listed in the tag-schema index.
        Assert.Contains(skill.Digest.ToTagSchema(), tags);
        Assert.Contains(CosignRegistryFormat.SignatureTag(skill.Digest), tags);
    }

    [Theory]
    [InlineData(KeyAlgorithm.EcdsaP256)]
    [InlineData(KeyAlgorithm.Ed25519)]
    public async Task Signed_on_push_is_found_through_the_referrers_api_without_a_fallback_tag(KeyAlgorithm algorithm)
    {
        await using var registry = await ReferrersRegistry.StartAsync();
        using var client = TestClients.Isolated();
        var skill = await SignedSkill.PushAsync(client, registry.HostPort, "api-" + algorithm.ToString().ToLowerInvariant());
        using var key = SigningKey.Generate(algorithm);

        await new SkillSigner(key, _store).SignAsync(client, skill.Repository, skill.Manifest, "api");
        var found = await _store.FindAsync(client, skill.Repository, skill.Digest);
        var verdict = _evaluator.Evaluate(found, skill.Digest, KeyRequirement(key));
        var tags = await client.ListTagsAsync(skill.Repository);

        Assert.True(verdict.IsVerified, verdict.ToString());
        AssertEachFormatVerifies(found, skill.Digest, key);
        Assert.Equal(["1.0.0", CosignRegistryFormat.SignatureTag(skill.Digest)], tags.Order(StringComparer.Ordinal));
        Assert.DoesNotContain(skill.Digest.ToTagSchema(), tags);
        Assert.Contains(registry.Requests, r => r.Path.Contains("/referrers/" + skill.Digest, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_bundle_referrer_has_exactly_cosigns_layout_and_the_fallback_index_carries_its_type_and_annotations()
    {
        using var client = TestClients.Isolated();
        var skill = await SignedSkill.PushAsync(client, fixture.Registry.HostPort, "layout");
        using var key = SigningKey.Generate(KeyAlgorithm.EcdsaP256);
        var bundle = new SigstoreBundleSigner(key).SignStatement("layout", skill.Digest);
        var bundleDigest = Digest.ComputeSha256(bundle);

        var referrer = await _store.AttachBundleAsync(client, skill.Repository, skill.Manifest, bundle, BundleContent.DsseEnvelope, SigstoreBundleSigner.CosignSignPredicateType, Created);
        var manifest = await client.FetchManifestAsync(skill.Repository, referrer);
        var index = (await client.FetchManifestAsync(skill.Repository.WithTag(skill.Digest.ToTagSchema()))).ParseIndex();
        var config = await client.FetchBlobBytesAsync(skill.Repository, CosignRegistryFormat.EmptyConfig, 16);
        var layer = await client.FetchBlobBytesAsync(skill.Repository, manifest.ParseManifest().Layers![0], 1 << 20);

        var expected =
            "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\"," +
            "\"artifactType\":\"application/vnd.dev.sigstore.bundle.v0.3+json\"," +
            "\"config\":{\"mediaType\":\"application/vnd.oci.empty.v1+json\",\"digest\":\"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a\",\"size\":2}," +
            $"\"layers\":[{{\"mediaType\":\"application/vnd.dev.sigstore.bundle.v0.3+json\",\"digest\":\"{bundleDigest}\",\"size\":{bundle.Length}," +
            $"\"annotations\":{{\"org.opencontainers.image.title\":\"sha256-{bundleDigest.Encoded}.sigstore.json\"}}}}]," +
            $"\"subject\":{{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"{skill.Digest}\",\"size\":{skill.Manifest.Size}}}," +
            "\"annotations\":{\"dev.sigstore.bundle.content\":\"dsse-envelope\",\"dev.sigstore.bundle.predicateType\":\"https://sigstore.dev/cosign/sign/v1\"," +
            "\"org.opencontainers.image.created\":\"2026-04-02T08:11:09Z\"}}";
        Assert.Equal(expected, Encoding.UTF8.GetString(manifest.Bytes));
        Assert.Equal("{}"u8.ToArray(), config);
        Assert.Equal(bundle, layer);

        var entry = Assert.Single(index.Manifests);
        Assert.Equal(referrer.Digest, entry.Digest);
        Assert.Equal(MediaTypes.SigstoreBundleV03, entry.ArtifactType);
        Assert.Equal("dsse-envelope", entry.GetAnnotation(CosignRegistryFormat.BundleContentAnnotation));
        Assert.Equal(SigstoreBundleSigner.CosignSignPredicateType, entry.GetAnnotation(CosignRegistryFormat.BundlePredicateTypeAnnotation));
        Assert.Equal("2026-04-02T08:11:09Z", entry.GetAnnotation(AnnotationKeys.Created));
    }

    [Fact]
    public async Task A_bundle_listed_in_a_fallback_index_without_type_or_annotations_is_still_found()
    {
        using var client = TestClients.Isolated();
        var skill = await SignedSkill.PushAsync(client, fixture.Registry.HostPort, "bare-index");
        using var key = SigningKey.Generate(KeyAlgorithm.EcdsaP256);
        var bundle = new SigstoreBundleSigner(key).SignStatement("bare-index", skill.Digest);
        var referrer = BundleReferrer.Create(skill.Manifest, bundle, BundleContent.DsseEnvelope, SigstoreBundleSigner.CosignSignPredicateType, Created);
        await client.PushBlobAsync(skill.Repository, CosignRegistryFormat.EmptyConfig, CosignRegistryFormat.EmptyJson);
        await client.PushBlobAsync(skill.Repository, referrer.Layer, bundle);
        // Another tool's referrer first (not a bundle), then ours listed with no artifact type nor annotations.
        var other = OciJsonWriter.WriteManifest(CosignRegistryFormat.EmptyConfig, [CosignRegistryFormat.EmptyConfig], "application/vnd.example.sbom", skill.Manifest);
        await client.PushReferrerAsync(skill.Repository, skill.Manifest, other, MediaTypes.OciManifest, "application/vnd.example.sbom");
        await client.PushReferrerAsync(skill.Repository, skill.Manifest, referrer.Manifest, MediaTypes.OciManifest, artifactType: null);

        var found = await _store.FindAsync(client, skill.Repository, skill.Digest);

        var item = Assert.Single(found.Items);
        Assert.Equal(SignatureFormat.SigstoreBundle, item.Format);
        Assert.Equal(bundle, item.Content);
        Assert.Equal(SigstoreBundleSigner.CosignSignPredicateType, item.ClaimedPredicateType);
        Assert.True(_evaluator.Evaluate(found, skill.Digest, KeyRequirement(key)).IsVerified);
    }

    [Fact]
    public async Task Legacy_signatures_by_two_keys_are_two_layers_each_verifying_with_its_key_and_a_repeat_adds_nothing()
    {
        using var client = TestClients.Isolated();
        var skill = await SignedSkill.PushAsync(client, fixture.Registry.HostPort, "legacy-two");
        using var first = SigningKey.Generate(KeyAlgorithm.EcdsaP256);
        using var second = SigningKey.Generate(KeyAlgorithm.Ed25519);
        var payload = SimpleSigningPayload.Create(skill.Repository.RepositoryName, skill.Digest);
        var firstSignature = Convert.ToBase64String(first.Sign(payload));
        var secondSignature = Convert.ToBase64String(second.Sign(payload));
        var sigTag = skill.Repository.WithTag(CosignRegistryFormat.SignatureTag(skill.Digest));

        Assert.True(await _store.AttachLegacySignatureAsync(client, skill.Repository, skill.Digest, payload, firstSignature));
        Assert.True(await _store.AttachLegacySignatureAsync(client, skill.Repository, skill.Digest, payload, secondSignature));
        var before = await client.FetchManifestAsync(sigTag);
        Assert.False(await _store.AttachLegacySignatureAsync(client, skill.Repository, skill.Digest, payload, firstSignature));
        var after = await client.FetchManifestAsync(sigTag);

        Assert.Equal(before.Descriptor.Digest, after.Descriptor.Digest);
        var manifest = after.ParseManifest();
        Assert.Equal([firstSignature, secondSignature], manifest.Layers!.Select(l => l.GetAnnotation(CosignSignatureAnnotations.Signature)));
        Assert.All(manifest.Layers!, l => Assert.Equal(CosignSignatureAnnotations.PayloadMediaType, l.MediaType));
        Assert.Equal(MediaTypes.OciImageConfig, manifest.Config!.MediaType);
        using (var config = JsonDocument.Parse(await client.FetchBlobBytesAsync(skill.Repository, manifest.Config, 1 << 16)))
        {
            var diffIds = config.RootElement.GetProperty("rootfs").GetProperty("diff_ids").EnumerateArray().Select(e => e.GetString()).ToList();
            Assert.Equal(manifest.Layers!.Select(l => l.Digest.ToString()), diffIds);
        }

        var found = await _store.FindAsync(client, skill.Repository, skill.Digest);
        Assert.Equal(2, found.OfFormat(SignatureFormat.SimpleSigning).Count());
        var byFirst = _evaluator.Evaluate(found, skill.Digest, KeyRequirement(first));
        var bySecond = _evaluator.Evaluate(found, skill.Digest, KeyRequirement(second));
        Assert.True(byFirst.IsVerified, byFirst.ToString());
        Assert.True(bySecond.IsVerified, bySecond.ToString());
        Assert.Equal(CosignRegistryFormat.SignatureTag(skill.Digest) + " layer 1", byFirst.Signature!.Source);
        Assert.Equal(CosignRegistryFormat.SignatureTag(skill.Digest) + " layer 2", bySecond.Signature!.Source);
        Assert.Equal("key:" + second.PublicKey.Fingerprint, bySecond.Signer);
    }

    [Fact]
    public async Task Signing_the_same_manifest_again_with_the_same_key_adds_no_signature()
    {
        using var client = TestClients.Isolated();
        var skill = await SignedSkill.PushAsync(client, fixture.Registry.HostPort, "resign");
        using var key = SigningKey.Generate(KeyAlgorithm.EcdsaP256);
        var signer = new SkillSigner(key, _store);

        await signer.SignAsync(client, skill.Repository, skill.Manifest, "resign");
        var again = await signer.SignAsync(client, skill.Repository, skill.Manifest, "resign");
        var found = await _store.FindAsync(client, skill.Repository, skill.Digest);

        Assert.Null(again.BundleReferrer);
        Assert.False(again.LegacySignatureAdded);
        Assert.Single(found.OfFormat(SignatureFormat.SigstoreBundle));
        Assert.Single(found.OfFormat(SignatureFormat.SimpleSigning));
    }

    [Theory]
    [InlineData("bundle", SignatureFormats.Bundle)]
    [InlineData("legacy", SignatureFormats.Legacy)]
    [InlineData("", SignatureFormats.Both)]
    [InlineData("Bundle; Legacy", SignatureFormats.Both)]
    [InlineData("none", SignatureFormats.None)]
    public void Signature_formats_parse(string value, SignatureFormats expected) =>
        Assert.Equal(expected, SkillSigner.ParseFormats(value));

    [Fact]
    public void An_unknown_signature_format_is_a_coded_error()
    {
        var error = Assert.Throws<Skills.Oci.Build.Diagnostics.SkillsOciException>(() => SkillSigner.ParseFormats("bundle;notary"));
        Assert.Equal(Skills.Oci.Build.Diagnostics.ErrorCodes.SignatureFormatsInvalid, error.Code);
    }

    [Fact]
    public async Task Only_the_formats_asked_for_are_attached()
    {
        using var client = TestClients.Isolated();
        var skill = await SignedSkill.PushAsync(client, fixture.Registry.HostPort, "bundle-only");
        using var key = SigningKey.Generate(KeyAlgorithm.EcdsaP256);

        await new SkillSigner(key, _store).SignAsync(client, skill.Repository, skill.Manifest, "bundle-only", SignatureFormats.Bundle);
        var found = await _store.FindAsync(client, skill.Repository, skill.Digest);

        Assert.Equal(SignatureFormat.SigstoreBundle, Assert.Single(found.Items).Format);
    }
}
