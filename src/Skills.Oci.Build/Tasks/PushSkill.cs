using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Packaging;

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

    /// <summary>The pushed reference (<c>registry/repository:version@digest</c>) with metadata Repository, Digest, Tags.</summary>
    [Output]
    public ITaskItem? PushedSkill { get; private set; }

    protected override async System.Threading.Tasks.Task ExecuteCoreAsync(CancellationToken cancellationToken)
    {
        using var client = new RegistryClient();
        var progress = new Progress<string>(message => Log.LogMessage(MessageImportance.Normal, message));
        var result = await new SkillPublisher(client).PublishAsync(
            new SkillPublishRequest(LayoutDirectory, LayoutTag, SkillRepository, Version, AdditionalTags, ProjectFile),
            progress,
            cancellationToken).ConfigureAwait(false);

        var item = new TaskItem(result.Reference.ToString());
        item.SetMetadata("Repository", result.Reference.RepositoryName);
        item.SetMetadata("Digest", result.Manifest.Digest.ToString());
        item.SetMetadata("Tags", string.Join(";", result.Tags));
        item.SetMetadata("BlobsUploaded", result.BlobsUploaded.ToString(System.Globalization.CultureInfo.InvariantCulture));
        PushedSkill = item;

        // The result of an explicit command, shown at default verbosity like NuGet's push.
        Log.LogMessage(MessageImportance.High,
            $"Pushed {result.Reference} (tags: {string.Join(", ", result.Tags)}; {result.BlobsUploaded} blob(s) uploaded, {result.BlobsSkipped} already present)");
    }
}
