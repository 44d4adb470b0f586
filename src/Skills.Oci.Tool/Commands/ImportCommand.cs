using System.CommandLine;

namespace Skills.Oci.Tool.Commands;

/// <summary>
/// <c>skills-oci import FOLDER</c>: install in locked mode from an offline bundle, the RestoreSkills
/// target with <c>SkillsSource=FOLDER</c> and <c>SkillsLockedMode=true</c> over the repository's projects.
/// </summary>
internal sealed class ImportCommand() : ConsumeTargetCommand(
    "import",
    "Install the skills pinned in skills.lock.json from an offline bundle written by 'skills-oci export' (no network; locked mode, so every skill is verified against the lock's digests and trust policies against the bundled signatures).",
    "RestoreSkills")
{
    private readonly Argument<string> _folder = new("folder") { Description = "The bundle folder (an OCI image layout written by export)." };

    protected override void Define(Command command)
    {
        base.Define(command);
        command.Arguments.Add(_folder);
    }

    protected override IReadOnlyDictionary<string, string> Properties(ParseResult parse) =>
        new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["SkillsSource"] = Path.GetFullPath(parse.GetValue(_folder)!, Directory.GetCurrentDirectory()),
            ["SkillsLockedMode"] = "true",
        };
}
