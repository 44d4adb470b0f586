using Microsoft.Build.Framework;

namespace Skills.Oci.Build.Tasks;

/// <summary>
/// Run by the entry project after NuGet's Restore: waits for the skill restores that ran meanwhile and
/// logs each as its own task would have (<see cref="BackgroundSkillRestores"/>). Fails when one failed.
/// </summary>
public sealed class CompleteSkillRestores : SkillsOciTask
{
    /// <summary><c>$(MSBuildRestoreSessionId)</c>.</summary>
    [Required]
    public string RestoreSessionId { get; set; } = string.Empty;

    protected override async System.Threading.Tasks.Task ExecuteCoreAsync(CancellationToken cancellationToken)
    {
        if (BackgroundSkillRestores.Find(BuildEngine, RestoreSessionId) is { } session)
        {
            await session.CompleteAsync(Log, cancellationToken).ConfigureAwait(false);
        }
    }
}
