using System.CommandLine;
using System.Text.Json;
using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Registry;
using Skills.Oci.Build.Restore;
using Skills.Oci.Tool.Cli;

namespace Skills.Oci.Tool.Commands;

/// <summary>
/// <c>skills-oci list [--outdated]</c>: the skills of the repository's lock (no MSBuild, no network), and
/// with <c>--outdated</c> the newest tags from the registry, only for skills that are behind.
/// </summary>
internal sealed class ListCommand() : ToolCommand(
    "list",
    "List the skills pinned in skills.lock.json: requested version, resolved tag and digest, signer, projects. --outdated asks the registries for newer tags.")
{
    /// <summary>The JSON document keeps every key, null included, so scripts can rely on its shape.</summary>
    private static readonly JsonSerializerOptions JsonShape = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

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
        var lockPath = customLock ?? Path.Combine(root, LockFile.FileName);
        var skills = await SkillListing.ReadAsync(lockPath, cancellationToken).ConfigureAwait(false);
        var outdated = parse.GetValue(_outdated);
        if (outdated && skills.Count > 0)
        {
            var diagnostics = new List<Diagnostic>();
            var mirrors = await RegistryMirrors.LoadAsync(root, RegistryMirrors.None, null, cancellationToken).ConfigureAwait(false);
            using (var source = new LazyRegistrySource(new RegistryClientOptions(), mirrors))
            {
                skills = await SkillListing.CheckOutdatedAsync(skills, lockPath, source.Get(), diagnostics, cancellationToken).ConfigureAwait(false);
            }

            output.Diagnostics(diagnostics);
            skills = skills.Where(s => s.Outdated != false).ToList();
        }

        if (output.Format == OutputFormat.Json)
        {
            output.Json(new { lockFile = lockPath, skills }, JsonShape);
        }
        else if (skills.Count == 0)
        {
            output.Info(!File.Exists(lockPath) ? $"No {LockFile.FileName} at {Path.GetDirectoryName(lockPath)}: no skills are installed."
                : outdated ? "Every skill is up to date." : $"{LockFile.FileName} pins no skills.");
        }
        else
        {
            foreach (var line in SkillTable.Render(skills, outdated))
            {
                output.Data(line);
            }
        }

        return ExitCodes.Success;
    }
}
