using System.CommandLine;
using Skills.Oci.Build.Restore;

namespace Skills.Oci.Tool.Commands;

/// <summary>
/// <c>--root</c> and <c>--lock</c> of the commands that work on one skills root (sync, clean, list): the root is
/// found from the working folder as restore finds it (<see cref="SkillsRootLocator"/>) unless given.
/// </summary>
internal sealed class RootOptions
{
    public Option<string?> Root { get; } = new("--root")
    {
        Description = "The skills root (where .agents/skills, the lock and .gitignore live). Default: the repository root found from the current folder (the nearest folder with .git), else the current folder.",
    };

    public Option<string?> Lock { get; } = new("--lock")
    {
        Description = "The lock file. Default: skills.lock.json at the skills root.",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Root);
        command.Options.Add(Lock);
    }

    /// <summary>The root and the lock (null for the default), relative paths taken from <paramref name="workingDirectory"/>.</summary>
    public (string Root, string? Lock) Resolve(ParseResult parse, string workingDirectory)
    {
        var root = SkillsRootLocator.Locate(workingDirectory, parse.GetValue(Root));
        var lockPath = parse.GetValue(Lock) is { Length: > 0 } path ? Path.GetFullPath(path, workingDirectory) : null;
        return (root, lockPath);
    }
}
