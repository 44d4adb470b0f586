using System.CommandLine;

namespace Skills.Oci.Tool.Commands;

/// <summary>
/// The <c>reference</c> argument and <c>--tag</c> of the commands that push (<c>push</c>, <c>collection push</c>):
/// one shape, so both take <c>registry/repository:version</c> and more tags the same way, as
/// <c>SkillRepository</c>, <c>Version</c> and <c>SkillAdditionalTags</c> are to PushSkill.
/// </summary>
internal sealed class PushTargetOptions(string pushed)
{
    public Argument<string> Reference { get; } = new("reference") { Description = $"registry/repository:version; the tag is the {pushed}'s SemVer version." };

    public Option<string[]> Tags { get; } = new("--tag") { Description = $"Another tag for the same {pushed} (repeatable), as SkillAdditionalTags.", AllowMultipleArgumentsPerToken = false };

    public void AddTo(Command command)
    {
        command.Arguments.Add(Reference);
        command.Options.Add(Tags);
    }

    public string GetReference(ParseResult parse) => parse.GetValue(Reference)!;

    public IReadOnlyList<string> GetTags(ParseResult parse) => parse.GetValue(Tags) ?? [];
}
