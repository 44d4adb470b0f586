using Microsoft.Build.Framework;
using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.FileSystem;
using Skills.Oci.Build.Registry;
using Skills.Oci.Build.Restore;

namespace Skills.Oci.Build.Tasks;

/// <summary>
/// <c>dotnet msbuild -t:ListSkills [-p:SkillsOutdated=true] [-p:SkillsListFormat=json]</c>: the MSBuild twin
/// of <c>skills-oci list</c>, in <c>dotnet list package --outdated</c>'s spirit. The same engine call
/// (<see cref="SkillListing.ListAsync"/>) and the same table or JSON (<see cref="SkillList"/>): the table
/// as high-importance messages (shown at minimal verbosity), the JSON as one message, or written to
/// <see cref="OutputPath"/> when it is set, for scripts that want the document alone.
/// </summary>
public sealed class ListSkills : SkillsOciTask
{
    [Required]
    public string ProjectPath { get; set; } = string.Empty;

    public string? SkillsRoot { get; set; }

    public string? LockFile { get; set; }

    /// <summary><c>$(SkillsOutdated)</c>: ask the registries for newer tags and list only what is behind.</summary>
    public bool Outdated { get; set; }

    /// <summary><c>$(SkillsListFormat)</c>: <c>table</c> (the default) or <c>json</c>.</summary>
    public string? Format { get; set; }

    /// <summary><c>$(SkillsListOutputPath)</c>, relative to the project folder: the JSON (or table) goes to this file instead of the log.</summary>
    public string? OutputPath { get; set; }

    /// <summary><c>@(SkillRegistryMirror)</c>, as for restore: the outdated lookups go through the mirrors.</summary>
    public ITaskItem[] Mirrors { get; set; } = [];

    protected override string? DefaultDiagnosticFile => string.IsNullOrWhiteSpace(ProjectPath) ? base.DefaultDiagnosticFile : ProjectPath;

    protected override async System.Threading.Tasks.Task ExecuteCoreAsync(CancellationToken cancellationToken)
    {
        var projectPath = Path.GetFullPath(ProjectPath);
        var projectFolder = Path.GetDirectoryName(projectPath)!;
        var format = string.IsNullOrWhiteSpace(Format) ? "table" : Format.Trim().ToLowerInvariant();
        if (format is not ("table" or "json"))
        {
            throw new SkillsOciException(ErrorCodes.ListFormatInvalid, $"SkillsListFormat is '{Format}'; it must be 'table' or 'json'.", projectPath);
        }

        var request = new SkillRestoreRequest
        {
            SkillsRoot = SkillsRootLocator.Locate(projectFolder, SkillsRoot),
            ProjectPath = projectPath,
            LockFilePath = string.IsNullOrWhiteSpace(LockFile) ? null : LockFile,
        };
        var mirrors = Outdated ? await RegistryMirrors.LoadAsync(request.Root, RestoreSkills.ToMirrors(Mirrors), null, cancellationToken).ConfigureAwait(false) : RegistryMirrors.None;
        var diagnostics = new List<Diagnostic>();
        SkillList list;
        using (var source = new LazyRegistrySource(new RegistryClientOptions(), mirrors))
        {
            list = await SkillListing.ListAsync(new SkillListRequest(request.EffectiveLockFilePath, Outdated), source.Get, diagnostics, cancellationToken).ConfigureAwait(false);
        }

        LogDiagnostics(diagnostics);
        IReadOnlyList<string> lines = format == "json" ? [list.ToJson()]
            : list.Skills.Count == 0 && list.Collections.Count == 0 ? [list.EmptyMessage]
            : list.ToTable();
        if (!string.IsNullOrWhiteSpace(OutputPath))
        {
            var path = Path.GetFullPath(OutputPath, projectFolder);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await AtomicFile.WriteAllTextAsync(path, string.Join("\n", lines) + "\n", cancellationToken).ConfigureAwait(false);
            Log.LogMessage(MessageImportance.Normal, "{0}: the skill list is in {1}.", Path.GetFileName(projectPath), path);
            return;
        }

        foreach (var line in lines)
        {
            Log.LogMessage(MessageImportance.High, "{0}", line);
        }
    }
}
