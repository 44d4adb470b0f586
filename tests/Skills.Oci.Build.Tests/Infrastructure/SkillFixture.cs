using System.Formats.Tar;

namespace Skills.Oci.Build.Tests.Infrastructure;

/// <summary>
/// A well-formed skill as the tests author it: a name, the SKILL.md frontmatter and body, and more
/// files. The same skill can be written as a folder (what packing reads) or as a gzip tar (what a
/// registry serves), so a test of either side starts from one description of the skill.
/// </summary>
public sealed class SkillFixture
{
    private readonly List<(string Path, string Content, UnixFileMode? Mode)> _files = [];
    private string[] _frontmatter;

    public SkillFixture(string name, string description = "x")
    {
        Name = name;
        _frontmatter = [$"name: {name}", $"description: {description}"];
        Body = $"# {name}\n";
    }

    public string Name { get; }

    /// <summary>The Markdown after the frontmatter.</summary>
    public string Body { get; set; }

    /// <summary>The whole SKILL.md: the frontmatter lines between <c>---</c> delimiters, then <see cref="Body"/> (LF endings).</summary>
    public string SkillMarkdown => "---\n" + string.Join("\n", _frontmatter) + "\n---\n" + Body;

    /// <summary>Replaces the frontmatter (by default <c>name</c> and <c>description</c>) with these YAML lines.</summary>
    public SkillFixture WithFrontmatter(params string[] lines)
    {
        _frontmatter = lines;
        return this;
    }

    /// <summary>Adds a file beside SKILL.md; <paramref name="path"/> is relative to the skill folder, with '/'.</summary>
    public SkillFixture WithFile(string path, string content, UnixFileMode? mode = null)
    {
        _files.Add((path, content, mode));
        return this;
    }

    public SkillFixture WithFiles(params (string Path, string Content)[] files)
    {
        foreach (var (path, content) in files)
        {
            WithFile(path, content);
        }

        return this;
    }

    /// <summary>Writes SKILL.md and the files into <paramref name="folder"/> (created if needed); returns the folder.</summary>
    public string WriteFolder(string folder)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "SKILL.md"), SkillMarkdown);
        foreach (var (path, content, mode) in _files)
        {
            var file = Path.Combine(folder, path.Replace('/', Path.DirectorySeparatorChar));
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            File.WriteAllText(file, content);
            if (mode is { } unixMode && !OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(file, unixMode);
            }
        }

        return folder;
    }

    /// <summary>
    /// Writes the skill as a skill project: <c>NAME.csproj</c> on <c>Skills.Oci.Sdk</c> (resolved by
    /// NuGet, version 1.0.0 plus <paramref name="properties"/>, MSBuild XML) beside SKILL.md and the files.
    /// </summary>
    public string WriteProject(string folder, string properties = "")
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, Name + ".csproj"), $"""
            <Project Sdk="Skills.Oci.Sdk">
              <PropertyGroup>
                <Version>1.0.0</Version>
            {properties}
              </PropertyGroup>
            </Project>
            """);
        return WriteFolder(folder);
    }

    /// <summary>The skill as a tar of <c>NAME/</c>, <c>NAME/SKILL.md</c> and the files, open for more (or hostile) entries.</summary>
    public TarBuilder ToTar(TarEntryFormat format = TarEntryFormat.Ustar)
    {
        var tar = new TarBuilder(format).Directory(Name + "/").File($"{Name}/SKILL.md", SkillMarkdown);
        foreach (var (path, content, mode) in _files)
        {
            if (mode is { } unixMode)
            {
                tar.File($"{Name}/{path}", content, unixMode);
            }
            else
            {
                tar.File($"{Name}/{path}", content);
            }
        }

        return tar;
    }

    public byte[] ToTarGz() => ToTar().ToGzip();
}
