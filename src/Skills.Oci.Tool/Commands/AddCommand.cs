using System.CommandLine;
using Skills.Oci.Build.Hosting;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Registry;
using Skills.Oci.Build.Restore;
using Skills.Oci.Tool.Cli;

namespace Skills.Oci.Tool.Commands;

/// <summary>
/// <c>skills-oci add &lt;reference&gt;[:tag]</c>: a SkillReference in the project (then the project's own
/// skill restore), or, in a folder without a project, an entry in skills.json (then an install).
/// </summary>
public sealed class AddCommand() : ToolCommand("add", "Add a skill: a SkillReference in the project (found as 'dotnet add package' finds it), or an entry in skills.json where there is no project; then restore.")
{
    private readonly Argument<string> _reference = new("reference") { Description = "registry/repository, optionally :tag." };

    private readonly Option<string> _version = new("--version") { Description = "The version to record (a project's Version: a minimum, range or tag; skills.json: the tag). Default: the tag given, else the newest stable version." };

    private readonly Option<string> _project = new("--project") { Description = "The project file, or a folder holding one. Default: the single project in the current folder; none means skills.json." };

    protected override void Define(Command command)
    {
        command.Arguments.Add(_reference);
        command.Options.Add(_version);
        command.Options.Add(_project);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parse, ToolOutput output, CancellationToken cancellationToken)
    {
        var reference = ImageReference.Parse(parse.GetValue(_reference)!.Trim());
        if (!SkillEditOutput.TryFindProject(parse.GetValue(_project), output, out var project))
        {
            return ExitCodes.UsageError;
        }

        string version;
        using (var client = new RegistryClient())
        {
            version = await SkillVersionChoice.ChooseAsync(reference, parse.GetValue(_version), ct => client.ListTagsAsync(reference, ct), cancellationToken).ConfigureAwait(false);
        }

        if (project is not null)
        {
            var outcome = await ProjectSkillReferences.AddAsync(project, reference, version, MSBuildOutput.ProjectRestore(output), cancellationToken).ConfigureAwait(false);
            if (outcome.Reverted)
            {
                output.Info($"Restoring the skills of {Path.GetFileName(project)} failed; the project file was left as it was.");
                return ExitCodes.Failure;
            }

            if (outcome.CentralVersionsFile is { } central)
            {
                // Central skill versions: the version lives in Directory.Packages.props, the project names the repository.
                output.Change($"{Describe(outcome.Edit)} <SkillVersion Include=\"{reference.RepositoryName}\" Version=\"{version}\" /> in {central} and <SkillReference Include=\"{reference.RepositoryName}\" /> in {Path.GetFileName(project)}");
                return Answer(output, reference.RepositoryName, version, central, name: null);
            }

            output.Change($"{Describe(outcome.Edit)} <SkillReference Include=\"{reference.RepositoryName}\" Version=\"{version}\" /> in {Path.GetFileName(project)}");
            return Answer(output, reference.RepositoryName, version, project, name: null);
        }

        var (result, entry) = await SkillsManifestRestore.AddAsync(SkillEditOutput.ManifestPath(), reference, version, RestoreOptions(), cancellationToken).ConfigureAwait(false);
        if (!SkillEditOutput.Report(result, output) || entry is null)
        {
            return ExitCodes.Failure;
        }

        output.Change($"Added {entry.Name} ({entry.Source} {version}) to {SkillsManifest.FileName}");
        return Answer(output, entry.Source.RepositoryName, version, SkillEditOutput.ManifestPath(), entry.Name);
    }

    /// <summary>skills.json installs with restore's defaults (.claude/skills links, the managed .gitignore block).</summary>
    internal static SkillRestoreOptions RestoreOptions() => new();

    private static string Describe(ProjectEdit edit) => edit switch
    {
        ProjectEdit.Added => "Added",
        ProjectEdit.Updated => "Updated",
        _ => "Kept",
    };

    private static int Answer(ToolOutput output, string source, string version, string file, string? name)
    {
        if (output.Format == OutputFormat.Json)
        {
            output.Json(new { Name = name, Source = source, Version = version, File = file });
        }

        return ExitCodes.Success;
    }
}
