using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Packaging;
using Skills.Oci.Build.Registry;
using Skills.Oci.Build.Sigstore.Keys;
using Skills.Oci.Build.Trust;

namespace Skills.Oci.Build.Tasks;

/// <summary>
/// Pushes a packed skill layout to <c>$(SkillRepository)</c>. Credentials come from the environment,
/// Docker's config and helpers inside the client, never from task parameters, so none reaches a log.
/// </summary>
public sealed class PushSkill : SkillsOciTask
{
    [Required]
    public string LayoutDirectory { get; set; } = string.Empty;

    /// <summary>The tag of the manifest inside the layout (the Version it was packed with).</summary>
    [Required]
    public string LayoutTag { get; set; } = string.Empty;

    public string? SkillRepository { get; set; }

    [Required]
    public string Version { get; set; } = string.Empty;

    public string[] AdditionalTags { get; set; } = [];

    public string ProjectFile { get; set; } = string.Empty;

    /// <summary>Problems without a better location point at the project, not at the SDK's targets file in the NuGet cache.</summary>
    protected override string? DefaultDiagnosticFile => string.IsNullOrEmpty(ProjectFile) ? base.DefaultDiagnosticFile : ProjectFile;

    /// <summary>A PEM private key (PKCS#8, or a cosign encrypted key) that signs the pushed manifest.</summary>
    public string? SigningKey { get; set; }

    /// <summary><c>bundle</c>, <c>legacy</c>, <c>both</c> (default) or <c>none</c>.</summary>
    public string? SignatureFormats { get; set; }

    /// <summary><c>$(SkillProvenance)</c>: attach a signed SLSA v1 provenance statement as a referrer.</summary>
    public bool Provenance { get; set; }

    /// <summary><c>$(SkillSourceRepository)</c>, else SourceLink's RepositoryUrl: the provenance's source.</summary>
    public string? SourceRepository { get; set; }

    /// <summary><c>$(SkillSourceRevision)</c>, else SourceLink's SourceRevisionId.</summary>
    public string? SourceRevision { get; set; }

    /// <summary><c>$(SkillProvenanceBuilderId)</c>; empty for this SDK's package URL.</summary>
    public string? BuilderId { get; set; }

    /// <summary><c>$(SkillSbom)</c>: attach a CycloneDX document of the skill's files as a referrer.</summary>
    public bool Sbom { get; set; }

    /// <summary>The pushed reference (<c>registry/repository:version@digest</c>) with metadata Repository, Digest, Tags.</summary>
    [Output]
    public ITaskItem? PushedSkill { get; private set; }

    /// <summary>The password of an encrypted signing key; read from the environment, never a task parameter, so it reaches no log or binlog.</summary>
    public const string SigningPasswordVariable = SigstoreDiagnostics.SigningPasswordVariable;

    protected override async System.Threading.Tasks.Task ExecuteCoreAsync(CancellationToken cancellationToken)
    {
        // Everything that can fail locally fails before the first request.
        var formats = SkillSigner.ParseFormats(SignatureFormats);
        using var key = string.IsNullOrWhiteSpace(SigningKey) ? null : await SigstoreDiagnostics.LoadSigningKeyFileAsync(SigningKey, "SkillSigningKey", ProjectFile, cancellationToken).ConfigureAwait(false);
        using var client = new RegistryClient();
        var progress = new Progress<string>(message => Log.LogMessage(MessageImportance.Normal, message));
        var published = await new SkillPublisher(client).PublishAsync(
            new SkillPublishRequest(LayoutDirectory, LayoutTag, SkillRepository, Version, AdditionalTags, ProjectFile)
            {
                SigningKey = key,
                SignatureFormats = formats,
                Provenance = Provenance ? new SkillProvenanceInput
                {
                    SourceRepository = string.IsNullOrWhiteSpace(SourceRepository) ? null : SourceRepository.Trim(),
                    SourceRevision = string.IsNullOrWhiteSpace(SourceRevision) ? null : SourceRevision.Trim(),
                    BuilderId = string.IsNullOrWhiteSpace(BuilderId) ? SkillProvenanceInput.DefaultBuilderId(Hooks.ToolManifest.RunningVersion()) : BuilderId.Trim(),
                    ProjectPath = string.IsNullOrEmpty(ProjectFile) ? null : Path.GetFileName(ProjectFile),
                } : null,
                Sbom = Sbom,
            },
            progress,
            cancellationToken).ConfigureAwait(false);
        LogDiagnostics(published.Warnings);
        var signatures = published.Signatures;
        var result = published.Push;

        var item = new TaskItem(result.Reference.ToString());
        item.SetMetadata("Repository", result.Reference.RepositoryName);
        item.SetMetadata("Digest", result.Manifest.Digest.ToString());
        item.SetMetadata("Tags", string.Join(";", result.Tags));
        item.SetMetadata("BlobsUploaded", result.BlobsUploaded.ToString(System.Globalization.CultureInfo.InvariantCulture));
        item.SetMetadata("SignedBy", signatures?.Signer ?? string.Empty);
        item.SetMetadata("Provenance", published.Provenance?.Digest.ToString() ?? string.Empty);
        item.SetMetadata("Sbom", published.Sbom?.Digest.ToString() ?? string.Empty);
        PushedSkill = item;

        // The result of an explicit command, shown at default verbosity like NuGet's push.
        Log.LogMessage(MessageImportance.High, published.Summary);
    }
}
