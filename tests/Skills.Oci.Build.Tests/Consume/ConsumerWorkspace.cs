using System.Text;

namespace Skills.Oci.Build.Tests.Consume;

/// <summary>
/// A <see cref="TestProjectWorkspace"/> set up as a consumer repository: a <c>.git</c> folder at its
/// root (so it is the skills root), a private skills cache, and helpers to write consumer projects
/// and check what restore left on disk.
/// </summary>
internal sealed class ConsumerWorkspace : IDisposable
{
    /// <summary>Folders of the harness, not of the consumer: never part of "nothing changed" snapshots.</summary>
    private static readonly HashSet<string> HarnessFolders = new(StringComparer.Ordinal) { ".git", ".nuget-packages", ".docker", ".skills-cache", "obj", "bin" };

    private ConsumerWorkspace(TestProjectWorkspace workspace, bool gitRepository)
    {
        Workspace = workspace;
        CachePath = workspace.Root.Combine(".skills-cache");
        if (gitRepository)
        {
            workspace.Write(".git/HEAD", "ref: refs/heads/main\n");
        }
    }

    public TestProjectWorkspace Workspace { get; }

    public string Root => Workspace.Path;

    public string CachePath { get; set; }

    public string LockPath => File("skills.lock.json");

    public static async Task<ConsumerWorkspace> CreateAsync(bool gitRepository = true) =>
        new(await TestProjectWorkspace.CreateAsync(), gitRepository);

    public string File(string relative) => Path.Combine(Root, relative);

    public string SkillFile(string name, string relative = "SKILL.md") => File($".agents/skills/{name}/{relative}");

    public string ClaudeLink(string name) => File($".claude/skills/{name}");

    /// <summary>Writes a net10.0 consumer with <c>&lt;Sdk Name="Skills.Oci.Sdk" /&gt;</c> and the given SkillReference items.</summary>
    public string WriteProject(string relative, params (string Include, string? Version)[] references) =>
        WriteProject(relative, references, extra: string.Empty);

    public string WriteProject(string relative, (string Include, string? Version)[] references, string extra, string sdk = "<Sdk Name=\"Skills.Oci.Sdk\" />")
    {
        var items = string.Concat(references.Select(r =>
            $"""{Environment.NewLine}    <SkillReference Include="{r.Include}"{(r.Version is null ? string.Empty : $" Version=\"{r.Version}\"")} />"""));
        return Workspace.Write(relative, $"""
            <Project Sdk="Microsoft.NET.Sdk">
              {sdk}
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <EnableDefaultCompileItems>false</EnableDefaultCompileItems>
              </PropertyGroup>
              <ItemGroup>{items}
              </ItemGroup>
            {extra}</Project>
            """);
    }

    /// <summary>A CLI in <paramref name="relativeDirectory"/> using this workspace's packages, Docker config and skills cache.</summary>
    public DotnetCli Cli(string? relativeDirectory = null, IDictionary<string, string?>? environment = null)
    {
        var variables = new Dictionary<string, string?>(environment ?? new Dictionary<string, string?>(), StringComparer.Ordinal)
        {
            ["SKILLS_OCI_CACHE"] = CachePath,
        };
        return Workspace.CreateCli(relativeDirectory, variables);
    }

    /// <summary>Every consumer-visible path with its content hash (or link target) and write time, for "nothing rewritten" checks.</summary>
    public IReadOnlyDictionary<string, string> Snapshot() => FolderSnapshot.Take(Root, HarnessFolders);

    public string ReadLock() => System.IO.File.ReadAllText(LockPath, Encoding.UTF8);

    public void Dispose() => Workspace.Dispose();
}
