using System.CommandLine;
using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Hosting;
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

    protected override Task<int> AfterProjectsAsync(RepositoryProjects projects, ToolOutput output, CancellationToken cancellationToken) =>
        projects.ManifestPath is { } manifest ? InstallManifestAsync(manifest, output, cancellationToken) : Task.FromResult(ExitCodes.Success);

    /// <summary>
    /// The one call site for the reference tools' skills.json (its installer is another change): for now a
    /// coded warning, so a repository that relies on it is not silently left without its skills.
    /// </summary>
    private static Task<int> InstallManifestAsync(string manifestPath, ToolOutput output, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        output.Diagnostic(Diagnostic.Warning(ErrorCodes.SkillsManifestNotSupported, "skills.json found: not yet supported; its skills were not installed.", manifestPath));
        return Task.FromResult(ExitCodes.Success);
    }
}
