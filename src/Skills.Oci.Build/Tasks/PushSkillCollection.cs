using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using Skills.Oci.Build.Packaging;
using Skills.Oci.Build.Registry;

namespace Skills.Oci.Build.Tasks;

/// <summary>
/// Pushes a collection project's OCI index to <c>$(SkillRepository)</c> (<c>dotnet pack /t:PushSkill</c>):
/// a thin adapter over <see cref="SkillCollectionPublisher"/>. Credentials come from the environment and
/// Docker's config inside the client, never from task parameters.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "An MSBuild task is named verb + what it acts on, here a skill collection.")]
public sealed class PushSkillCollection : SkillCollectionTask
{
    /// <summary>The pushed reference (<c>registry/repository:version@digest</c>) with metadata Repository, Digest, Tags, Skills, MembersCopied.</summary>
    [Output]
    public ITaskItem? PushedCollection { get; private set; }

    protected override async System.Threading.Tasks.Task ExecuteCoreAsync(CancellationToken cancellationToken)
    {
        using var client = new RegistryClient();
        var progress = new Progress<string>(message => Log.LogMessage(MessageImportance.Normal, message));
        var result = await new SkillCollectionPublisher(client).PublishAsync(CreateRequest(), progress, cancellationToken).ConfigureAwait(false);
        LogDiagnostics(result.Warnings);

        var item = new TaskItem(result.Reference.ToString());
        item.SetMetadata("Repository", result.Reference.RepositoryName);
        item.SetMetadata("Digest", result.Index.Digest.ToString());
        item.SetMetadata("Tags", string.Join(";", result.Tags));
        item.SetMetadata("Skills", string.Join(";", result.Members.Select(m => m.Entry.Name)));
        item.SetMetadata("MembersCopied", result.MembersCopied.ToString(System.Globalization.CultureInfo.InvariantCulture));
        PushedCollection = item;

        // The result of an explicit command, shown at default verbosity like PushSkill's.
        Log.LogMessage(MessageImportance.High, result.Summary);
    }
}
