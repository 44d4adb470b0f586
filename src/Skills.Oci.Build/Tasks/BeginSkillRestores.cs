using Microsoft.Build.Framework;

namespace Skills.Oci.Build.Tasks;

/// <summary>
/// Run by the entry project of <c>dotnet restore</c> before NuGet walks the projects: opens the session
/// in which each project's restore hook fetches its skills while NuGet restores
/// (<see cref="BackgroundSkillRestores"/>).
/// </summary>
public sealed class BeginSkillRestores : SkillsOciTask
{
    /// <summary><c>$(MSBuildRestoreSessionId)</c>.</summary>
    [Required]
    public string RestoreSessionId { get; set; } = string.Empty;

    protected override System.Threading.Tasks.Task ExecuteCoreAsync(CancellationToken cancellationToken)
    {
        if (BuildEngine is IBuildEngine4 engine && RestoreSessionId.Length > 0)
        {
            BackgroundSkillRestores.Begin(engine, RestoreSessionId);
        }

        return System.Threading.Tasks.Task.CompletedTask;
    }
}
