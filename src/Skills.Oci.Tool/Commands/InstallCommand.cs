using System.CommandLine;
using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Hosting;
using Skills.Oci.Build.Restore;
using Skills.Oci.Tool.Cli;

namespace Skills.Oci.Tool.Commands;

/// <summary>
/// <c>skills-oci install</c> (alias <c>restore</c>): every SkillReference of the repository's projects,
/// through the RestoreSkills target, as <c>dotnet restore</c> installs them but without a NuGet restore;
/// then the repository's skills.json, if it has one.
/// </summary>
internal sealed class InstallCommand() : ConsumeTargetCommand(
    "install",
    "Install the skills the repository declares (its projects' SkillReference items, as 'dotnet restore' does, without a NuGet restore) into .agents/skills, pinned in skills.lock.json.",
    "RestoreSkills")
{
    private readonly Option<bool> _locked = new("--locked")
    {
        Description = "Fail (SKOCI3023) instead of changing skills.lock.json, as 'dotnet restore --locked-mode' does.",
    };

    public override IReadOnlyList<string> Aliases => ["restore"];

    protected override void Define(Command command)
    {
        base.Define(command);
        command.Options.Add(_locked);
    }

    protected override IReadOnlyDictionary<string, string> Properties(ParseResult parse) =>
        parse.GetValue(_locked)
            ? new Dictionary<string, string>(StringComparer.Ordinal) { ["SkillsLockedMode"] = "true" }
            : base.Properties(parse);

    protected override Task<int> AfterProjectsAsync(RepositoryProjects projects, ParseResult parse, ToolOutput output, CancellationToken cancellationToken) =>
        projects.ManifestPath is { } manifest ? InstallManifestAsync(manifest, parse.GetValue(_locked), output, cancellationToken) : Task.FromResult(ExitCodes.Success);

    /// <summary>
    /// The reference tools' skills.json, installed by the same engine with skills.json as its "project":
    /// same lock, root union, pruning and transaction as the projects' references.
    /// </summary>
    private static async Task<int> InstallManifestAsync(string manifestPath, bool locked, ToolOutput output, CancellationToken cancellationToken)
    {
        var options = AddCommand.RestoreOptions() with { LockedMode = locked };
        var result = await SkillsManifestRestore.RestoreAsync(manifestPath, options, cancellationToken).ConfigureAwait(false);
        return SkillEditOutput.Report(result, output) ? ExitCodes.Success : ExitCodes.Failure;
    }
}
