using System.CommandLine;

namespace Skills.Oci.Tool.Commands;

/// <summary><c>skills-oci update [name...]</c>: the UpdateSkills target over the repository's projects.</summary>
internal sealed class UpdateCommand() : ConsumeTargetCommand(
    "update",
    "Re-resolve skills against every project's request and update skills.lock.json (as 'dotnet msbuild -t:UpdateSkills'); names limit it to those skills.",
    "UpdateSkills")
{
    private readonly Argument<string[]> _names = new("name")
    {
        Description = "Skill names, repositories or SkillReference includes to update (SkillsToUpdate); none: every skill.",
        Arity = ArgumentArity.ZeroOrMore,
    };

    protected override void Define(Command command)
    {
        base.Define(command);
        command.Arguments.Add(_names);
    }

    protected override IReadOnlyDictionary<string, string> Properties(ParseResult parse) =>
        parse.GetValue(_names) is { Length: > 0 } names
            ? new Dictionary<string, string>(StringComparer.Ordinal) { ["SkillsToUpdate"] = string.Join(";", names) }
            : base.Properties(parse);
}
