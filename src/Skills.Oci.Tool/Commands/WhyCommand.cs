using System.CommandLine;
using Skills.Oci.Build.Restore;
using Skills.Oci.Tool.Cli;

namespace Skills.Oci.Tool.Commands;

/// <summary>
/// <c>skills-oci why &lt;name&gt;</c>: every path from the projects to a skill, through collections and the
/// skills that require it, read from the lock (no MSBuild, no network); <see cref="SkillDependencyPaths"/> does the work.
/// </summary>
internal sealed class WhyCommand() : ToolCommand("why", "Show why a skill is installed: every path from a project through collections and requiring skills to it, from skills.lock.json.")
{
    private readonly Argument<string> _name = new("name") { Description = "The skill (or collection) name, as in .agents/skills/<name>." };

    private readonly RootOptions _root = new();

    protected override void Define(Command command)
    {
        command.Arguments.Add(_name);
        _root.AddTo(command);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parse, ToolOutput output, CancellationToken cancellationToken)
    {
        var (root, customLock) = _root.Resolve(parse, Directory.GetCurrentDirectory());
        var lockPath = customLock ?? Path.Combine(root, LockFile.FileName);
        var lockFile = await LockFile.ReadAsync(lockPath, cancellationToken).ConfigureAwait(false) ?? LockFile.Empty;
        var name = parse.GetValue(_name)!;
        var paths = SkillDependencyPaths.Find(lockFile, name, lockPath);
        if (output.Format == OutputFormat.Json)
        {
            output.Json(new
            {
                Name = name,
                Paths = paths.Select(p => new { p.Project, Steps = p.Steps.Select(s => new { Kind = s.Kind.ToString().ToLowerInvariant(), s.Name, s.Version }) }),
            });
        }
        else
        {
            foreach (var path in paths)
            {
                output.Data(path.ToString());
            }
        }

        return ExitCodes.Success;
    }
}
