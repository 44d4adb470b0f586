using System.CommandLine;
using Skills.Oci.Build.Hosting;
using Skills.Oci.Build.Restore;
using Skills.Oci.Tool.Cli;

namespace Skills.Oci.Tool.Commands;

/// <summary><c>skills-oci remove &lt;name&gt;</c>: undoes <c>add</c>, in the project or in skills.json, and restores so the skill is pruned.</summary>
public sealed class RemoveCommand() : ToolCommand("remove", "Remove a skill: its SkillReference from the project, or its entry from skills.json where there is no project; then restore, which prunes its folder, links and lock entry.")
{
    private readonly Argument<string> _name = new("name") { Description = "The skill's name (as in skills.lock.json), or its repository." };

    private readonly Option<string> _project = new("--project") { Description = "The project file, or a folder holding one. Default: the single project in the current folder; none means skills.json." };

    protected override void Define(Command command)
    {
        command.Arguments.Add(_name);
        command.Options.Add(_project);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parse, ToolOutput output, CancellationToken cancellationToken)
    {
        var name = parse.GetValue(_name)!.Trim();
        if (!SkillEditOutput.TryFindProject(parse.GetValue(_project), output, out var project))
        {
            return ExitCodes.UsageError;
        }

        if (project is not null)
        {
            var outcome = await ProjectSkillReferences.RemoveAsync(project, name, MSBuildOutput.ProjectRestore(output), cancellationToken).ConfigureAwait(false);
            if (outcome.Reverted)
            {
                output.Info($"Restoring the skills of {Path.GetFileName(project)} failed; the project file was left as it was.");
                return ExitCodes.Failure;
            }

            output.Change($"Removed {outcome.Removed} SkillReference item{(outcome.Removed == 1 ? string.Empty : "s")} for '{name}' from {Path.GetFileName(project)}");
            return ExitCodes.Success;
        }

        var result = await SkillsManifestRestore.RemoveAsync(SkillEditOutput.ManifestPath(), name, AddCommand.RestoreOptions(), cancellationToken).ConfigureAwait(false);
        if (!SkillEditOutput.Report(result, output))
        {
            return ExitCodes.Failure;
        }

        output.Change($"Removed {name} from {SkillsManifest.FileName}");
        return ExitCodes.Success;
    }
}
