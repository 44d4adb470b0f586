using Skills.Oci.Build.Restore;

namespace Skills.Oci.Build.Tests.Restore;

public sealed class SkillTreeTests : IDisposable
{
    private readonly TempFolder _temp = new("skoci-tree");

    public void Dispose() => _temp.Dispose();

    private string Skill(string name)
    {
        return new SkillFixture("x", "y")
            .WithFile("scripts/run.sh", "#!/bin/sh\necho hi\n", (UnixFileMode)0b111_101_101)
            .WithFile("references/a.md", "A\n")
            .WriteFolder(_temp.Combine(name));
    }

    [Fact]
    public async Task Equal_content_gives_equal_digests_whatever_the_times()
    {
        var a = await SkillTree.FromFolderAsync(Skill("a"), CancellationToken.None);
        var b = await SkillTree.FromFolderAsync(Skill("b"), CancellationToken.None);
        File.SetLastWriteTimeUtc(_temp.Combine("b/SKILL.md"), new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        var c = await SkillTree.FromFolderAsync(_temp.Combine("b"), CancellationToken.None);

        Assert.Equal(a.Digest, b.Digest);
        Assert.Equal(b.Digest, c.Digest);
        Assert.Empty(b.CompareTo(a));
        Assert.Equal(["SKILL.md", "references", "references/a.md", "scripts", "scripts/run.sh"], a.Entries.Select(e => e.Path));
    }

    [Fact]
    public async Task Every_kind_of_drift_is_named_per_file()
    {
        var installed = await SkillTree.FromFolderAsync(Skill("drift"), CancellationToken.None);
        _temp.Write("drift/SKILL.md", "---\nname: x\ndescription: edited\n---\n");
        File.Delete(_temp.Combine("drift/references/a.md"));
        _temp.Write("drift/notes.txt", "mine\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(_temp.Combine("drift/scripts/run.sh"), (UnixFileMode)0b110_100_100);
        }

        var now = await SkillTree.FromFolderAsync(_temp.Combine("drift"), CancellationToken.None);
        var changes = now.CompareTo(installed).Select(d => d.ToString()).ToList();

        Assert.NotEqual(installed.Digest, now.Digest);
        Assert.Contains("modified: SKILL.md", changes);
        Assert.Contains("removed: references/a.md", changes);
        Assert.Contains("added: notes.txt", changes);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Contains("modechanged: scripts/run.sh", changes);
        }
    }

    [Fact]
    public async Task A_link_is_drift_and_is_not_followed()
    {
        var installed = await SkillTree.FromFolderAsync(Skill("link"), CancellationToken.None);
        File.Delete(_temp.Combine("link/references/a.md"));
        File.CreateSymbolicLink(_temp.Combine("link/references/a.md"), "/etc/hostname");

        var now = await SkillTree.FromFolderAsync(_temp.Combine("link"), CancellationToken.None);

        Assert.Equal(["modified: references/a.md"], now.CompareTo(installed).Select(d => d.ToString()));
    }
}
