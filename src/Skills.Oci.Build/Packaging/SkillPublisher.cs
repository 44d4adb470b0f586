using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Registry;
using Skills.Oci.Build.Sigstore.Keys;
using Skills.Oci.Build.Trust;

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
}

/// <summary>What a publish did: the push, and the signatures attached when a key was given.</summary>
public sealed record SkillPublishResult(LayoutPushResult Push, SkillSignatures? Signatures)
{
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
        var repository = ParseRepository(request.Repository, request.ProjectFile);
        if (!SkillVersion.TryParse(request.Version, request.ProjectFile, out var version, out var versionProblem))
        {
            throw new SkillsOciException(versionProblem!);
        }

        if (version!.CheckUsableAsRegistryTag(request.ProjectFile) is { } tagProblem)
        {
            throw new SkillsOciException(tagProblem);
        }

        var tags = new List<string> { version.Text };
        foreach (var tag in request.AdditionalTags.Select(t => t.Trim()).Where(t => t.Length > 0))
        {
            if (!Tag.IsValid(tag))
            {
                throw new SkillsOciException(ErrorCodes.SkillTagInvalid,
                    $"SkillAdditionalTags holds '{tag}', which is not a valid OCI tag (letters, digits, '_', '.', '-'; at most 128 characters, not starting with '.' or '-').",
                    request.ProjectFile);
            }

            if (!tags.Contains(tag, StringComparer.Ordinal))
            {
                tags.Add(tag);
            }
        }

        var layout = new OciImageLayout(request.LayoutDirectory);
        var packed = layout.Exists ? await layout.ResolveAsync(request.LayoutTag, cancellationToken).ConfigureAwait(false) : null;
        if (packed is null)
        {
            throw new SkillsOciException(ErrorCodes.SkillLayoutMissing,
                $"No packed skill tagged '{request.LayoutTag}' was found at '{request.LayoutDirectory}'. Run 'dotnet pack /t:PushSkill' (which packs first), or 'dotnet pack' before 'dotnet msbuild -t:PushSkill -p:Configuration=Release' (dotnet pack packs the Release configuration; dotnet msbuild defaults to Debug).",
                request.ProjectFile);
        }

        var warnings = await MovedTagsAsync(repository, tags, packed.Digest, request.ProjectFile, cancellationToken).ConfigureAwait(false);
        var pushed = await new ImageLayoutPusher(client).PushAsync(layout, request.LayoutTag, repository, tags, progress, cancellationToken).ConfigureAwait(false);
        if (request.SigningKey is null || request.SignatureFormats == SignatureFormats.None)
        {
            return new SkillPublishResult(pushed, null) { Warnings = warnings };
        }

        // The statement's subject names the skill; the manifest says which skill this is.
        var manifest = OciManifest.Parse(await layout.ReadBlobAsync(pushed.Manifest, client.Options.Limits.MaxManifestBytes, cancellationToken).ConfigureAwait(false));
        var skillName = manifest.GetAnnotation(AnnotationKeys.SkillName) ?? repository.Repository.Split('/')[^1];
        var signatures = await new SkillSigner(request.SigningKey).SignAsync(client, repository, pushed.Manifest, skillName, request.SignatureFormats, cancellationToken).ConfigureAwait(false);
        progress?.Report($"signed {pushed.Manifest.Digest} as {signatures.Signer}");
        return new SkillPublishResult(pushed, signatures) { Warnings = warnings };
    }

    /// <summary>
    /// A tag that already names another manifest is moved by the push: consumers whose lock pins the old
    /// digest keep it, but a new restore gets the new one, so the publisher is told (which tags, both digests).
    /// </summary>
    private async Task<IReadOnlyList<Diagnostic>> MovedTagsAsync(ImageReference repository, IReadOnlyList<string> tags, Digest packed, string projectFile, CancellationToken cancellationToken)
    {
        var warnings = new List<Diagnostic>();
        foreach (var tag in tags)
        {
            Descriptor existing;
            try
            {
                existing = await client.ResolveAsync(repository.WithTag(tag), cancellationToken).ConfigureAwait(false);
            }
            catch (RegistryException ex) when (ex.Kind is RegistryErrorKind.NotFound or RegistryErrorKind.Unauthorized or RegistryErrorKind.Denied)
            {
                // Not there yet, or not readable with pull credentials (CI may hold push credentials only): nothing to warn about.
                continue;
            }

            if (existing.Digest != packed)
            {
                warnings.Add(Diagnostic.Warning(ErrorCodes.TagMovedByPush,
                    $"The tag '{tag}' of {repository.RepositoryName} named {existing.Digest}; this push moves it to {packed}. Projects whose lock pins the old digest keep it; new restores get the new one. Publish a new Version instead of pushing one again.",
                    projectFile));
            }
        }

        return warnings;
    }

    private static ImageReference ParseRepository(string? value, string projectFile)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new SkillsOciException(ErrorCodes.SkillRepositoryMissing,
                "SkillRepository is not set. Set it in the project to the repository to publish to, for example <SkillRepository>ghcr.io/acme/skills/my-skill</SkillRepository>.",
                projectFile);
        }

        if (!ImageReference.TryParse(value.Trim(), out var reference, out var reason))
        {
            throw new SkillsOciException(ErrorCodes.SkillRepositoryInvalid, $"SkillRepository '{value}' is not a valid OCI repository: {reason}.", projectFile);
        }

        if (reference!.Tag is not null || reference.Digest is not null)
        {
            throw new SkillsOciException(ErrorCodes.SkillRepositoryInvalid,
                $"SkillRepository '{value}' names a tag or digest; give the repository only. The tag is the project's Version, plus SkillAdditionalTags.",
                projectFile);
        }

        return reference;
    }
}
