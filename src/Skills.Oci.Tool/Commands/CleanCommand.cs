using System.CommandLine;
using Skills.Oci.Build.Restore;
using Skills.Oci.Tool.Cli;

namespace Skills.Oci.Tool.Commands;

/// <summary><c>skills-oci clean</c>: removes the skills Skills.Oci materialized in the root, keeps the lock and a user's own skills.</summary>
internal sealed class CleanCommand() : ToolCommand("clean", "Remove the skill folders, agent links and state Skills.Oci created in the skills root. Your own skills and skills.lock.json stay: 'skills-oci sync' puts everything back.")
{
    private readonly RootOptions _root = new();

    protected override void Define(Command command) => _root.AddTo(command);

    protected override async Task<int> ExecuteAsync(ParseResult parse, ToolOutput output, CancellationToken cancellationToken)
    {
        var (root, lockPath) = _root.Resolve(parse, Directory.GetCurrentDirectory());
        var result = await LockClean.CleanAsync(root, lockPath, TimeSpan.FromMinutes(5), cancellationToken).ConfigureAwait(false);
        foreach (var path in result.Removed)
        {
            output.Change($"removed {path}");
        }

        output.Info(result.Removed.Count == 0
            ? $"Nothing to clean in '{root}'."
            : $"Cleaned {result.Skills} skill{(result.Skills == 1 ? string.Empty : "s")} from '{root}'; {LockFile.FileName} is kept.");
        return ExitCodes.Success;
    }
}
