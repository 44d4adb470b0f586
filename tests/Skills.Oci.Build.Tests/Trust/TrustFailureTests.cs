using System.Text;
using System.Text.Json.Nodes;
using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Registry;
using Skills.Oci.Build.Tests.Oci.Registry;
using Skills.Oci.Build.Sigstore.Attestations;
using Skills.Oci.Build.Sigstore.Cosign;
using Skills.Oci.Build.Sigstore.Keys;
using Skills.Oci.Build.Sigstore.Signing;
using Skills.Oci.Build.Sigstore.TrustedRoots;
using Skills.Oci.Build.Sigstore.Verification;
using Skills.Oci.Build.Tests.Sigstore;
using Skills.Oci.Build.Trust;
using Skills.Oci.Build.Trust.Signatures;

namespace Skills.Oci.Build.Tests.Trust;

/// <summary>Each way a skill can fail its trust requirement, found in a real registry, gives its own coded reason.</summary>
[Collection(RegistryCollectionDefinition.Name)]
public sealed class TrustFailureTests(RegistryFixture fixture)
{
    private const string SourceRepository = "https://github.com/acme/skills";
    private static readonly DateTimeOffset Created = new(2026, 4, 2, 8, 11, 9, TimeSpan.Zero);
    private readonly SignatureStore _store = new();
    private readonly SkillTrustEvaluator _evaluator = new(TrustedRoot.Production);

    private static SkillTrustRequirement KeyRequirement(SigningKey key, string? sourceRepository = null) =>
        new(VerificationPolicy.ForKey(key.PublicKey), sourceRepository is null ? null : new ProvenanceRequirement(sourceRepository));

    private Task<SignedSkill> PushAsync(RegistryClient client, string name) => SignedSkill.PushAsync(client, fixture.Registry.HostPort, name);

    private async Task<SkillTrustVerdict> FindAndEvaluateAsync(RegistryClient client, SignedSkill skill, SkillTrustRequirement requirement)
    {
        var found = await _store.FindAsync(client, skill.Repository, skill.Digest);
        return _evaluator.Evaluate(found, skill.Digest, requirement);
    }

    private Task<Descriptor> AttachAsync(RegistryClient client, SignedSkill skill, byte[] bundle, string predicateType) =>
        _store.AttachBundleAsync(client, skill.Repository, skill.Manifest, bundle, BundleContent.DsseEnvelope, predicateType, Created);

    [Fact]
    public async Task A_tampered_bundle_payload_fails_its_signature()
    {
        using var client = TestClients.Isolated();
        var skill = await PushAsync(client, "tampered");
        using var key = SigningKey.Generate(KeyAlgorithm.EcdsaP256);
        var bundle = JsonNode.Parse(new SigstoreBundleSigner(key).SignStatement("tampered", skill.Digest))!;
        var payload = Encoding.UTF8.GetString(Convert.FromBase64String(bundle["dsseEnvelope"]!["payload"]!.GetValue<string>()));
        bundle["dsseEnvelope"]!["payload"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(payload.Replace("\"tampered\"", "\"tempered\"", StringComparison.Ordinal)));
        await AttachAsync(client, skill, Encoding.UTF8.GetBytes(bundle.ToJsonString()), SigstoreBundleSigner.CosignSignPredicateType);

        var verdict = await FindAndEvaluateAsync(client, skill, KeyRequirement(key));

        Assert.False(verdict.IsVerified);
        Assert.Equal(ErrorCodes.SignatureInvalid, verdict.Diagnostic!.Code);
        Assert.Contains("referrer sha256:", verdict.Diagnostic.Message, StringComparison.Ordinal);
        Assert.Null(verdict.Signer);
    }

    [Fact]
    public async Task A_bundle_signed_with_another_key_is_a_signer_mismatch_naming_both_keys()
    {
        using var client = TestClients.Isolated();
        var skill = await PushAsync(client, "wrong-key");
        using var signer = SigningKey.Generate(KeyAlgorithm.EcdsaP256);
        using var required = SigningKey.Generate(KeyAlgorithm.EcdsaP256);
        await new SkillSigner(signer, _store).SignAsync(client, skill.Repository, skill.Manifest, "wrong-key", SignatureFormats.Bundle);

        var verdict = await FindAndEvaluateAsync(client, skill, KeyRequirement(required));

        Assert.Equal(ErrorCodes.SignerMismatch, verdict.Diagnostic?.Code);
        Assert.Contains(signer.PublicKey.Fingerprint, verdict.Diagnostic!.Message, StringComparison.Ordinal);
        Assert.Contains(required.PublicKey.Fingerprint, verdict.Diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Signatures_by_another_key_in_both_formats_list_every_candidate_with_its_reason()
    {
        using var client = TestClients.Isolated();
        var skill = await PushAsync(client, "wrong-key-both");
        using var signer = SigningKey.Generate(KeyAlgorithm.EcdsaP256);
        using var required = SigningKey.Generate(KeyAlgorithm.Ed25519);
        await new SkillSigner(signer, _store).SignAsync(client, skill.Repository, skill.Manifest, "wrong-key-both");

        var verdict = await FindAndEvaluateAsync(client, skill, KeyRequirement(required));

        Assert.Equal(ErrorCodes.SignatureNotTrusted, verdict.Diagnostic?.Code);
        Assert.Equal(2, verdict.Rejections.Count);
        Assert.Contains(verdict.Rejections, r => r.Candidate.Format == SignatureFormat.SigstoreBundle && r.Code == ErrorCodes.SignerMismatch);
        Assert.Contains(verdict.Rejections, r => r.Candidate.Format == SignatureFormat.SimpleSigning && r.Code == ErrorCodes.SignatureInvalid);
        Assert.Contains(CosignRegistryFormat.SignatureTag(skill.Digest) + " layer 1", verdict.Diagnostic!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Signatures_made_for_another_digest_are_an_artifact_mismatch()
    {
        using var client = TestClients.Isolated();
        var skill = await PushAsync(client, "other-digest");
        var other = Digest.ComputeSha256("another skill manifest"u8);
        using var key = SigningKey.Generate(KeyAlgorithm.EcdsaP256);
        await AttachAsync(client, skill, new SigstoreBundleSigner(key).SignStatement("other", other), SigstoreBundleSigner.CosignSignPredicateType);
        var payload = SimpleSigningPayload.Create(skill.Repository.RepositoryName, other);
        await _store.AttachLegacySignatureAsync(client, skill.Repository, skill.Digest, payload, Convert.ToBase64String(key.Sign(payload)));

        var verdict = await FindAndEvaluateAsync(client, skill, KeyRequirement(key));

        Assert.Equal(ErrorCodes.ArtifactMismatch, verdict.Diagnostic?.Code);
        Assert.Equal(2, verdict.Rejections.Count);
        Assert.All(verdict.Rejections, r => Assert.Equal(ErrorCodes.ArtifactMismatch, r.Code));
    }

    [Fact]
    public async Task No_signature_under_a_requirement_is_signature_missing()
    {
        using var client = TestClients.Isolated();
        var skill = await PushAsync(client, "unsigned");
        using var key = SigningKey.Generate(KeyAlgorithm.EcdsaP256);

        var found = await _store.FindAsync(client, skill.Repository, skill.Digest);
        var verdict = _evaluator.Evaluate(found, skill.Digest, KeyRequirement(key));

        Assert.True(found.IsEmpty);
        Assert.Equal(ErrorCodes.SignatureMissing, verdict.Diagnostic?.Code);
        Assert.Contains(skill.Digest.ToString(), verdict.Diagnostic!.Message, StringComparison.Ordinal);
        Assert.Equal(["unsigned"], _evaluator.Describe(found));
    }

    [Fact]
    public async Task Required_provenance_that_is_missing_fails_even_with_a_valid_signature()
    {
        using var client = TestClients.Isolated();
        var skill = await PushAsync(client, "no-provenance");
        using var key = SigningKey.Generate(KeyAlgorithm.EcdsaP256);
        await new SkillSigner(key, _store).SignAsync(client, skill.Repository, skill.Manifest, "no-provenance");

        var verdict = await FindAndEvaluateAsync(client, skill, KeyRequirement(key, SourceRepository));

        Assert.Equal(ErrorCodes.ProvenanceMissing, verdict.Diagnostic?.Code);
    }

    [Fact]
    public async Task Provenance_from_another_repository_is_a_provenance_mismatch_and_from_the_named_one_verifies()
    {
        using var client = TestClients.Isolated();
        var skill = await PushAsync(client, "provenance");
        using var key = SigningKey.Generate(KeyAlgorithm.EcdsaP256);
        await new SkillSigner(key, _store).SignAsync(client, skill.Repository, skill.Manifest, "provenance", SignatureFormats.Bundle);
        await AttachAsync(client, skill, Provenance.SignedSlsaV1Bundle(key, "provenance", skill.Digest, "git+https://github.com/mallory/skills@refs/heads/main"), SlsaProvenance.PredicateTypeV1);

        var elsewhere = await FindAndEvaluateAsync(client, skill, KeyRequirement(key, SourceRepository));
        var fromThere = await FindAndEvaluateAsync(client, skill, KeyRequirement(key, "https://github.com/mallory/skills"));

        Assert.Equal(ErrorCodes.ProvenanceMismatch, elsewhere.Diagnostic?.Code);
        Assert.Contains("https://github.com/mallory/skills", elsewhere.Diagnostic!.Message, StringComparison.Ordinal);
        Assert.True(fromThere.IsVerified, fromThere.ToString());
        Assert.Equal("https://github.com/mallory/skills", fromThere.ProvenanceSourceRepository);
        Assert.Equal(SignatureFormat.SigstoreBundle, fromThere.Provenance!.Format);
        Assert.NotSame(fromThere.Signature, fromThere.Provenance);
    }

    [Fact]
    public async Task Provenance_for_another_digest_does_not_count()
    {
        using var client = TestClients.Isolated();
        var skill = await PushAsync(client, "provenance-other");
        using var key = SigningKey.Generate(KeyAlgorithm.EcdsaP256);
        await new SkillSigner(key, _store).SignAsync(client, skill.Repository, skill.Manifest, "provenance-other", SignatureFormats.Bundle);
        await AttachAsync(client, skill, Provenance.SignedSlsaV1Bundle(key, "x", Digest.ComputeSha256("x"u8), SourceRepository), SlsaProvenance.PredicateTypeV1);

        var verdict = await FindAndEvaluateAsync(client, skill, KeyRequirement(key, SourceRepository));

        Assert.Equal(ErrorCodes.ArtifactMismatch, verdict.Diagnostic?.Code);
    }

    [Fact]
    public async Task A_provenance_attestation_by_the_required_signer_alone_satisfies_a_requirement_with_provenance_but_not_a_plain_one()
    {
        using var client = TestClients.Isolated();
        var skill = await PushAsync(client, "provenance-only");
        using var key = SigningKey.Generate(KeyAlgorithm.Ed25519);
        await AttachAsync(client, skill, Provenance.SignedSlsaV1Bundle(key, "provenance-only", skill.Digest, SourceRepository), SlsaProvenance.PredicateTypeV1);

        var withProvenance = await FindAndEvaluateAsync(client, skill, KeyRequirement(key, SourceRepository));
        var plain = await FindAndEvaluateAsync(client, skill, KeyRequirement(key));

        Assert.True(withProvenance.IsVerified, withProvenance.ToString());
        Assert.Same(withProvenance.Signature, withProvenance.Provenance);
        Assert.Equal(ErrorCodes.SignatureMissing, plain.Diagnostic?.Code);
    }

    [Fact]
    public async Task A_legacy_att_attestation_verifies_with_the_policy_key_and_carries_provenance()
    {
        using var client = TestClients.Isolated();
        var skill = await PushAsync(client, "legacy-att");
        using var key = SigningKey.Generate(KeyAlgorithm.EcdsaP256);
        using var stranger = SigningKey.Generate(KeyAlgorithm.EcdsaP256);
        var envelope = Provenance.EnvelopeOf(Provenance.SignedSlsaV1Bundle(key, "legacy-att", skill.Digest, SourceRepository));
        var layer = Descriptor.FromContent(CosignRegistryFormat.DsseEnvelopeMediaType, envelope) with
        {
            Annotations = new Dictionary<string, string>
            {
                [CosignRegistryFormat.AttestationPredicateTypeAnnotation] = SlsaProvenance.PredicateTypeV1,
                [CosignSignatureAnnotations.Signature] = string.Empty,
            },
        };
        var config = "{}"u8.ToArray();
        var configDescriptor = Descriptor.FromContent(MediaTypes.OciImageConfig, config);
        await client.PushBlobAsync(skill.Repository, layer, envelope);
        await client.PushBlobAsync(skill.Repository, configDescriptor, config);
        await client.PushManifestAsync(skill.Repository, CosignRegistryFormat.AttestationTag(skill.Digest), OciJsonWriter.WriteManifest(configDescriptor, [layer]), MediaTypes.OciManifest);

        var found = await _store.FindAsync(client, skill.Repository, skill.Digest);
        var verdict = _evaluator.Evaluate(found, skill.Digest, KeyRequirement(key, SourceRepository));
        var other = _evaluator.Evaluate(found, skill.Digest, KeyRequirement(stranger, SourceRepository));

        var item = Assert.Single(found.Items);
        Assert.Equal(SignatureFormat.DsseAttestation, item.Format);
        Assert.True(verdict.IsVerified, verdict.ToString());
        Assert.Equal(SourceRepository, verdict.ProvenanceSourceRepository);
        Assert.Equal(ErrorCodes.SignatureInvalid, other.Diagnostic?.Code);
    }

    [Fact]
    public async Task A_keyless_bundle_found_in_the_registry_is_checked_against_the_required_identity()
    {
        using var client = TestClients.Isolated();
        var repository = ImageReference.Parse($"{fixture.Registry.HostPort}/sigreg/keyless");
        // The image the real cosign attestation is about; only its digest matters to the tag schema.
        var subject = new Descriptor { MediaType = MediaTypes.OciManifest, Digest = Digest.Parse("sha256:732112270d7e59418a8c080b134b24cabd67d250d0d0147a97ed95ba5c280aa4"), Size = 1234 };
        var bundle = await File.ReadAllBytesAsync(SigstoreTestData.PathOf("cosign-oci-att", "bundle.sigstore.json"));
        var issuer = (await File.ReadAllTextAsync(SigstoreTestData.PathOf("cosign-oci-att", "issuer"))).Trim();
        var identity = (await File.ReadAllTextAsync(SigstoreTestData.PathOf("cosign-oci-att", "identity"))).Trim();
        var root = await TrustedRoot.LoadAsync(SigstoreTestData.PathOf("cosign-oci-att", "trusted_root.json"), CancellationToken.None);
        await _store.AttachBundleAsync(client, repository, subject, bundle, BundleContent.DsseEnvelope, "https://cosign.sigstore.dev/attestation/v1", Created);
        var evaluator = new SkillTrustEvaluator(root);

        var found = await _store.FindAsync(client, repository, subject.Digest);
        var mallory = evaluator.Evaluate(found, subject.Digest, new SkillTrustRequirement(VerificationPolicy.ForIdentity(CertificateIdentity.Exact(issuer, "mallory@example.com"))));
        var right = evaluator.Evaluate(found, subject.Digest, new SkillTrustRequirement(VerificationPolicy.ForIdentity(CertificateIdentity.Exact(issuer, identity))));
        var report = evaluator.Describe(found);

        Assert.Equal(ErrorCodes.SignerMismatch, mallory.Diagnostic?.Code);
        Assert.Contains("mallory@example.com", mallory.Diagnostic!.Message, StringComparison.Ordinal);
        // The right signer, but a generic attestation is not a signature of the skill.
        Assert.Equal(ErrorCodes.SignatureMissing, right.Diagnostic?.Code);
        Assert.Contains($"signed by {identity} ({issuer})", Assert.Single(report), StringComparison.Ordinal);
    }
}
