using System.CommandLine;
using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Registry;
using Skills.Oci.Build.Restore;
using Skills.Oci.Tool.Cli;

namespace Skills.Oci.Tool.Commands;

/// <summary>
/// <c>skills-oci list [--outdated]</c>: the skills of the repository's lock (no MSBuild, no network), and
/// with <c>--outdated</c> the newest tags from the registry, only for skills that are behind. The
/// ListSkills target is its MSBuild twin: the same engine call (<see cref="SkillListing.ListAsync"/>) and
/// the same table and JSON (<see cref="SkillList"/>).
/// </summary>
internal sealed class ListCommand() : ToolCommand(
    "list",
    "List the skills pinned in skills.lock.json: requested version, resolved tag and digest, signer, projects; collection members under their collection. --outdated asks the registries for newer tags.")
{
    private readonly Option<bool> _outdated = new("--outdated")
    {
        Description = "Look up the newest matching and newest available tag of each skill, and list only the skills that are behind.",
    };

    private readonly RootOptions _root = new();

    protected override void Define(Command command)
    {
        command.Options.Add(_outdated);
        _root.AddTo(command);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parse, ToolOutput output, CancellationToken cancellationToken)
    {
        var (root, customLock) = _root.Resolve(parse, Directory.GetCurrentDirectory());
        var request = new SkillListRequest(customLock ?? Path.Combine(root, LockFile.FileName), parse.GetValue(_outdated));
        var diagnostics = new List<Diagnostic>();
        var mirrors = request.Outdated ? await RegistryMirrors.LoadAsync(root, RegistryMirrors.None, null, cancellationToken).ConfigureAwait(false) : RegistryMirrors.None;
        SkillList list;
        using (var source = new LazyRegistrySource(new RegistryClientOptions(), mirrors))
        {
            list = await SkillListing.ListAsync(request, source.Get, diagnostics, cancellationToken).ConfigureAwait(false);
        }

        output.Diagnostics(diagnostics);
        if (output.Format == OutputFormat.Json)
        {
            output.Data(list.ToJson());
        }
        else if (list.Skills.Count == 0 && list.Collections.Count == 0)
        {
            output.Info(list.EmptyMessage);
        }
        else
        {
            foreach (var line in list.ToTable())
            {
                output.Data(line);
            }
        }

        return ExitCodes.Success;
    }
}
