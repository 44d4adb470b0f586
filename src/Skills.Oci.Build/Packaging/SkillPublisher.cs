using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Registry;
using Skills.Oci.Build.Sigstore.Attestations;
using Skills.Oci.Build.Sigstore.Keys;
using Skills.Oci.Build.Sigstore.Signing;
using Skills.Oci.Build.Trust;
using Skills.Oci.Build.Trust.Signatures;

namespace Skills.Oci.Build.Packaging;

/// <summary>What to publish: a packed layout, where to, and under which tags.</summary>
public sealed record SkillPublishRequest(
    string LayoutDirectory,
    string LayoutTag,
    string? Repository,
    string Version,
    IReadOnlyList<string> AdditionalTags,
    string ProjectFile)
{
    /// <summary>Signs the pushed manifest when set (the caller owns and disposes it).</summary>
    public SigningKey? SigningKey { get; init; }

    public SignatureFormats SignatureFormats { get; init; } = SignatureFormats.Both;

    /// <summary><c>SkillProvenance=true</c>: attach a signed SLSA v1 provenance statement (needs <see cref="SigningKey"/>).</summary>
    public SkillProvenanceInput? Provenance { get; init; }

    /// <summary><c>SkillSbom=true</c>: attach a CycloneDX document of the skill's files (<see cref="SkillSbom"/>).</summary>
    public bool Sbom { get; init; }
}

/// <summary>What a publish did: the push, and the signatures attached when a key was given.</summary>
public sealed record SkillPublishResult(LayoutPushResult Push, SkillSignatures? Signatures)
{
    /// <summary>The provenance referrer, when <see cref="SkillPublishRequest.Provenance"/> asked for one.</summary>
    public Descriptor? Provenance { get; init; }

    /// <summary>The SBOM referrer, when <see cref="SkillPublishRequest.Sbom"/> asked for one.</summary>
    public Descriptor? Sbom { get; init; }

    /// <summary>The signed in-toto statement carrying the SBOM, when a signing key was given.</summary>
    public Descriptor? SbomAttestation { get; init; }

    /// <summary>Warnings to log, such as a tag moved from another digest (SKOCI2065).</summary>
    public IReadOnlyList<Diagnostic> Warnings { get; init; } = [];

    /// <summary>The line both hosts print: what was pushed, under which tags, what was uploaded, and the signer.</summary>
    public string Summary =>
        $"Pushed {Push.Reference} (tags: {string.Join(", ", Push.Tags)}; {Push.BlobsUploaded} blob(s) uploaded, {Push.BlobsSkipped} already present" +
        (Signatures is null ? ")" : $"; signed by {Signatures.Signer})");
}

/// <summary>
/// Publishes a packed skill layout to <c>$(SkillRepository)</c> under its Version and the additional
/// tags. Checks everything it can before the first request: the repository, the tags (SemVer build
/// metadata cannot be an OCI tag), and that the layout exists.
/// </summary>
public sealed partial class SkillPublisher(RegistryClient client)
{
    public async Task<SkillPublishResult> PublishAsync(SkillPublishRequest request, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var target = PublishTarget.Parse(request.Repository, request.Version, request.AdditionalTags, request.ProjectFile);
        var repository = target.Repository;
        var tags = target.Tags;

        if (request.Provenance is { } provenanceInput)
        {
            SkillProvenance.Check(provenanceInput, request.SigningKey is not null, request.ProjectFile);
        }

        var layout = new OciImageLayout(request.LayoutDirectory);
        var packed = layout.Exists ? await layout.ResolveAsync(request.LayoutTag, cancellationToken).ConfigureAwait(false) : null;
        if (packed is null)
        {
            throw new SkillsOciException(ErrorCodes.SkillLayoutMissing,
                $"No packed skill tagged '{request.LayoutTag}' was found at '{request.LayoutDirectory}'. Run 'dotnet pack /t:PushSkill' (which packs first), or 'dotnet pack' before 'dotnet msbuild -t:PushSkill -p:Configuration=Release' (dotnet pack packs the Release configuration; dotnet msbuild defaults to Debug).",
                request.ProjectFile);
        }

        var warnings = await target.MovedTagsAsync(client, packed.Digest, request.ProjectFile, cancellationToken).ConfigureAwait(false);
        var pushed = await new ImageLayoutPusher(client).PushAsync(layout, request.LayoutTag, repository, tags, progress, cancellationToken).ConfigureAwait(false);
        // The statement's subject names the skill; the manifest says which skill this is.
        var manifest = OciManifest.Parse(await layout.ReadBlobAsync(pushed.Manifest, client.Options.Limits.MaxManifestBytes, cancellationToken).ConfigureAwait(false));
        var skillName = manifest.GetAnnotation(AnnotationKeys.SkillName) ?? repository.Repository.Split('/')[^1];
        SkillSignatures? signatures = null;
        if (request.SigningKey is not null && request.SignatureFormats != SignatureFormats.None)
        {
            signatures = await new SkillSigner(request.SigningKey).SignAsync(client, repository, pushed.Manifest, skillName, request.SignatureFormats, cancellationToken).ConfigureAwait(false);
            progress?.Report($"signed {pushed.Manifest.Digest} as {signatures.Signer}");
        }

        var now = DateTimeOffset.UtcNow;
        Descriptor? provenance = null;
        if (request.Provenance is { } input)
        {
            var bundle = new SigstoreBundleSigner(request.SigningKey!).SignStatement(skillName, pushed.Manifest.Digest, SlsaProvenance.PredicateTypeV1,
                writer => SkillProvenance.WritePredicate(writer, input, repository, target.Version.Text, tags, now));
            provenance = await new SignatureStore().AttachBundleAsync(client, repository, pushed.Manifest, bundle, BundleContent.DsseEnvelope, SlsaProvenance.PredicateTypeV1, now, cancellationToken).ConfigureAwait(false);
            progress?.Report($"attached SLSA provenance ({input.SourceRepository}) as {provenance.Digest}");
        }

        Descriptor? sbom = null;
        Descriptor? sbomAttestation = null;
        if (request.Sbom)
        {
            var (name, document) = await SkillSbom.CreateAsync(layout, pushed.Manifest, repository, target.Version.Text, now, client.Options.Limits, cancellationToken).ConfigureAwait(false);
            sbom = await SkillSbom.AttachAsync(client, name, document, pushed.Manifest, repository, now, cancellationToken).ConfigureAwait(false);
            progress?.Report($"attached a CycloneDX SBOM as {sbom.Digest}");
            if (request.SigningKey is { } key)
            {
                // The same document, signed: what cosign's and Sigstore's verifiers check (a plain referrer proves nothing about who wrote it).
                var bundle = new SigstoreBundleSigner(key).SignStatement(skillName, pushed.Manifest.Digest, SkillSbom.PredicateType, writer => writer.WriteRawValue(document));
                sbomAttestation = await new SignatureStore().AttachBundleAsync(client, repository, pushed.Manifest, bundle, BundleContent.DsseEnvelope, SkillSbom.PredicateType, now, cancellationToken).ConfigureAwait(false);
                progress?.Report($"attached the signed SBOM attestation as {sbomAttestation.Digest}");
            }
        }

        return new SkillPublishResult(pushed, signatures) { Warnings = warnings, Provenance = provenance, Sbom = sbom, SbomAttestation = sbomAttestation };
    }
}
