using Microsoft.Build.Framework;
using Skills.Oci.Build.Hooks;
using Skills.Oci.Build.Restore;

namespace Skills.Oci.Build.Tasks;

/// <summary>
/// <c>dotnet msbuild -t:RegisterSkillHooks [-p:SkillsHookAgents=claude;cursor]</c>: the same as
/// <c>skills-oci register</c>, writing the agents' session-start hooks under the skills root.
/// </summary>
public sealed class RegisterSkillHooks : SkillsOciTask
{
    [Required]
    public string ProjectPath { get; set; } = string.Empty;

    public string? SkillsRoot { get; set; }

    public string? LockFile { get; set; }

    /// <summary><c>$(SkillsHookAgents)</c>: agent names or <c>all</c>; empty selects the agents the root links or has folders for.</summary>
    public string[] Agents { get; set; } = [];

    /// <summary><c>$(SkillsAgentDirectories)</c>: an agent whose folder holds one of them is selected by default.</summary>
    public string[] AgentDirectories { get; set; } = [];

    /// <summary>Remove our hooks instead.</summary>
    public bool Remove { get; set; }

    protected override string? DefaultDiagnosticFile => string.IsNullOrWhiteSpace(ProjectPath) ? base.DefaultDiagnosticFile : ProjectPath;

    protected override async System.Threading.Tasks.Task ExecuteCoreAsync(CancellationToken cancellationToken)
    {
        var projectPath = Path.GetFullPath(ProjectPath);
        var request = new HookRegistrationRequest
        {
            SkillsRoot = SkillsRootLocator.Locate(Path.GetDirectoryName(projectPath)!, SkillsRoot),
            Agents = Agents,
            AgentDirectories = AgentDirectories.Where(d => !string.Equals(d.Trim(), "none", StringComparison.OrdinalIgnoreCase)).ToList(),
            LockFilePath = string.IsNullOrWhiteSpace(LockFile) ? null : LockFile,
            Remove = Remove,
            DiagnosticFile = projectPath,
        };

        var result = await HookRegistrar.RunAsync(request, cancellationToken).ConfigureAwait(false);
        LogDiagnostics(result.Diagnostics);
        foreach (var file in result.Files)
        {
            var importance = file.Changed ? MessageImportance.High : file.Agent is not null ? MessageImportance.Normal : MessageImportance.Low;
            Log.LogMessage(importance, "{0}", file.Describe());
        }
    }
}
