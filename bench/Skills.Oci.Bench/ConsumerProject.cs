using System.Security;
using System.Text;

namespace Skills.Oci.Bench;

/// <summary>
/// A consumer repository as a user has it: a git root (so <c>SkillsRoot</c> is that folder), a
/// nuget.config naming only the bench feed, a global.json pinning <c>Skills.Oci.Sdk</c> to the bench
/// version, and one project with <c>&lt;Sdk Name="Skills.Oci.Sdk" /&gt;</c> and its
/// <c>SkillReference</c> items. With no references it is the peer: the same project without the SDK.
/// </summary>
public sealed class ConsumerProject
{
    private ConsumerProject(string root)
    {
        Root = root;
    }

    public string Root { get; }

    public string ProjectFile => Path.Combine(Root, "App.csproj");

    public string LockFile => Path.Combine(Root, "skills.lock.json");

    /// <param name="sdk">The SDK the project adds: Skills.Oci.Sdk where there are references, none for the baseline; <see cref="BenchFeed.EmptySdkName"/> for the resolver's peer.</param>
    public static async Task<ConsumerProject> CreateAsync(string root, BenchFeed feed, IReadOnlyList<string> skillReferences, Commands commands, CancellationToken cancellationToken, string? sdk = null)
    {
        await WriteRepositoryFilesAsync(root, feed, commands, cancellationToken);
        var project = new StringBuilder();
        project.AppendLine("<Project Sdk=\"Microsoft.NET.Sdk\">");
        sdk ??= skillReferences.Count > 0 ? "Skills.Oci.Sdk" : null;
        if (sdk is not null)
        {
            project.AppendLine($"  <Sdk Name=\"{sdk}\" />");
        }

        project.AppendLine("  <PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup>");
        project.AppendLine("  <ItemGroup>");
        foreach (var reference in skillReferences)
        {
            project.AppendLine($"    <SkillReference Include=\"{SecurityElement.Escape(reference)}\" Version=\"{SyntheticSkills.Version}\" />");
        }

        project.AppendLine("  </ItemGroup>");
        project.AppendLine("</Project>");
        var consumer = new ConsumerProject(root);
        await File.WriteAllTextAsync(consumer.ProjectFile, project.ToString(), cancellationToken);
        return consumer;
    }

    /// <summary>The repository around a project: the git root, the feed-only nuget.config and the global.json naming the SDK version.</summary>
    public static async Task WriteRepositoryFilesAsync(string root, BenchFeed feed, Commands commands, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(root);
        await commands.RunAsync("git", ["init", "-q", root], root, cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(root, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="skills-oci-bench" value="{SecurityElement.Escape(feed.Folder)}" />
              </packageSources>
            </configuration>
            """, cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(root, "global.json"), $$"""
            { "msbuild-sdks": { "Skills.Oci.Sdk": "{{feed.Version}}", "{{BenchFeed.EmptySdkName}}": "{{BenchFeed.EmptySdkVersion}}" } }
            """, cancellationToken);
    }

    public Task<CommandResult> RestoreAsync(Commands commands, CancellationToken cancellationToken, params string[] properties) =>
        commands.RunAsync("dotnet", ["restore", ProjectFile, "-nodeReuse:false", "-v:q", "-nologo", .. properties], Root, cancellationToken);

    /// <summary>
    /// Back to a fresh clone with its committed lock: no restored skills, links or NuGet output. The
    /// lock stays, so a cold restore installs each skill by its locked digest.
    /// </summary>
    public void ResetToClone()
    {
        foreach (var folder in new[] { ".agents", ".claude", "obj", "bin" })
        {
            var path = Path.Combine(Root, folder);
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
    }
}
