using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.FileSystem;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Registry;
using Skills.Oci.Build.Trust;

namespace Skills.Oci.Build.Packaging;

/// <summary>What <c>skills-oci push</c> publishes: a skill folder without a project file, where to, and how to sign it.</summary>
public sealed record SkillFolderPushRequest
{
    /// <summary>The skill folder (holds SKILL.md, no project file).</summary>
    public required string Folder { get; init; }

    /// <summary><c>registry/repository:version</c>: the tag is the skill's version, as a project's Version.</summary>
    public required string Reference { get; init; }

    /// <summary>More tags for the same manifest, as <c>SkillAdditionalTags</c>.</summary>
    public IReadOnlyList<string> AdditionalTags { get; init; } = [];

    /// <summary>A PEM private key to sign with, as <c>SkillSigningKey</c> (its password in SKILLS_OCI_SIGNING_PASSWORD).</summary>
    public string? SigningKeyPath { get; init; }

    /// <summary>As <c>SkillSignatureFormats</c>: bundle, legacy, both (default) or none.</summary>
    public string? SignatureFormats { get; init; }

    /// <summary><c>SOURCE_DATE_EPOCH</c>, which fixes <c>created</c> and so the manifest digest, as for <c>dotnet pack</c>.</summary>
    public string? SourceDateEpoch { get; init; }
}

/// <summary>What a folder push did: the publish (null when packing failed) and every pack diagnostic.</summary>
public sealed record SkillFolderPushOutcome(SkillPublishResult? Published, IReadOnlyList<Diagnostic> Diagnostics);

/// <summary>
/// Pushes a skill folder that has no project file: validates and packs it exactly as <c>dotnet pack</c>
/// packs the same folder as a skill project (the SDK's default files, <see cref="SkillFolderFiles"/>,
/// through <see cref="SkillPackager"/>, so the manifest and layer digests are the same), into a private
/// image layout, then publishes that layout with <see cref="SkillPublisher"/> as PushSkill does.
/// </summary>
public sealed class SkillFolderPublisher(RegistryClient client)
{
    public async Task<SkillFolderPushOutcome> PushAsync(SkillFolderPushRequest request, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var folder = Path.TrimEndingDirectorySeparator(Path.GetFullPath(request.Folder));
        CheckFolder(folder);
        var (repository, version) = PublishTarget.SplitReference(request.Reference, $"The folder: '{folder}'.");
        var formats = SkillSigner.ParseFormats(request.SignatureFormats);
        using var key = string.IsNullOrWhiteSpace(request.SigningKeyPath)
            ? null
            : await SigstoreDiagnostics.LoadSigningKeyFileAsync(Path.GetFullPath(request.SigningKeyPath), "--sign-key", null, cancellationToken).ConfigureAwait(false);

        var work = Path.Combine(Path.GetTempPath(), "skills-oci-push-" + TempName.NewId());
        try
        {
            var layoutDirectory = Path.Combine(work, SkillPackager.LayoutDirectoryName(Path.GetFileName(folder), version));
            var outcome = await new SkillPackager().PackAsync(new SkillPackRequest
            {
                ProjectDirectory = folder,
                Version = version,
                Files = SkillFolderFiles.Enumerate(folder),
                LayoutDirectory = layoutDirectory,
                ProjectFile = Path.Combine(folder, Format.SkillMarkdown.FileName),
                SourceDateEpoch = request.SourceDateEpoch,
                // What SourceLink gives dotnet pack of the same folder; RepositoryUrl only when a
                // project opts in (PublishRepositoryUrl), which a folder cannot.
                SourceRevisionId = GitRevision.HeadCommit(folder),
            }, cancellationToken).ConfigureAwait(false);
            if (outcome.Result is not { } packed)
            {
                return new SkillFolderPushOutcome(null, outcome.Diagnostics);
            }

            progress?.Report($"{packed.Name} {packed.Tag}: packed {packed.EntryCount} archive entries as {packed.Manifest.Digest}");
            var published = await new SkillPublisher(client).PublishAsync(
                new SkillPublishRequest(packed.LayoutDirectory, packed.Tag, repository, version, request.AdditionalTags, folder)
                {
                    SigningKey = key,
                    SignatureFormats = formats,
                },
                progress,
                cancellationToken).ConfigureAwait(false);
            return new SkillFolderPushOutcome(published, outcome.Diagnostics);
        }
        finally
        {
            if (Directory.Exists(work))
            {
                DirectoryTree.Delete(work);
            }
        }
    }

    private static void CheckFolder(string folder)
    {
        if (!Directory.Exists(folder))
        {
            throw new SkillsOciException(ErrorCodes.PushFolderInvalid, $"The skill folder '{folder}' does not exist. Pass the folder that holds SKILL.md with --path.");
        }

        var project = Directory.EnumerateFiles(folder, "*.*proj").FirstOrDefault();
        if (project is not null)
        {
            throw new SkillsOciException(ErrorCodes.PushFolderInvalid,
                $"The folder '{folder}' holds the project file '{Path.GetFileName(project)}'. A skill project is pushed by its project: run 'dotnet pack -t:PushSkill' there (it reads Version, SkillRepository and SkillAdditionalTags from the project).",
                project);
        }
    }
}
