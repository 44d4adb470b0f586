using Skills.Oci.Build.Restore;

namespace Skills.Oci.Build.Tests.Restore;

/// <summary>The managed .gitignore block: exact, sorted, idempotent, and the user's lines untouched.</summary>
public sealed class GitIgnoreBlockTests
{
    private static readonly string[] Paths = [".claude/skills/pdf", ".agents/skills/pdf/"];

    [Fact]
    public void Block_is_appended_sorted_after_the_users_lines()
    {
        var text = GitIgnoreBlock.Apply("bin/\nobj/", Paths);

        Assert.Equal($"bin/\nobj/\n\n{GitIgnoreBlock.BeginMarker}\n.agents/skills/pdf/\n.claude/skills/pdf\n{GitIgnoreBlock.EndMarker}\n", text);
        Assert.Equal(text, GitIgnoreBlock.Apply(text, Paths));
    }

    [Fact]
    public void Block_is_replaced_in_place_and_removed_when_empty()
    {
        var text = $"a\n{GitIgnoreBlock.BeginMarker}\n.agents/skills/old/\n{GitIgnoreBlock.EndMarker}\nb\n";

        Assert.Equal($"a\n{GitIgnoreBlock.BeginMarker}\n.agents/skills/pdf/\n.claude/skills/pdf\n{GitIgnoreBlock.EndMarker}\nb\n", GitIgnoreBlock.Apply(text, Paths));
        Assert.Equal("a\nb\n", GitIgnoreBlock.Apply(text, []));
        Assert.Equal("bin/\n", GitIgnoreBlock.Apply(GitIgnoreBlock.Apply("bin/\n", Paths), []));
    }

    [Fact]
    public void Crlf_files_stay_crlf()
    {
        Assert.Equal($"bin/\r\n\r\n{GitIgnoreBlock.BeginMarker}\r\n.agents/skills/pdf/\r\n{GitIgnoreBlock.EndMarker}\r\n", GitIgnoreBlock.Apply("bin/\r\n", [".agents/skills/pdf/"]));
    }
}
