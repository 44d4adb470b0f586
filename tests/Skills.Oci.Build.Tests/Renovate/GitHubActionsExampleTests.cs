using System.Text.Json;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Skills.Oci.Build.Tests.Renovate;

/// <summary>
/// docs/ci.md: its workflows are valid YAML with the locked restore and the lock-keyed cache, its JSON
/// parses, and every MSBuild property, target and Skills.Oci environment variable it names exists in
/// the SDK's files (or, for credentials, in the engine that reads them).
/// </summary>
public sealed partial class GitHubActionsExampleTests
{
    private static readonly string Document = File.ReadAllText(RepositoryRoot.File("docs/ci.md")).ReplaceLineEndings("\n");

    [Fact]
    public void The_build_workflow_restores_locked_with_the_cache_keyed_by_the_lock_and_registry_secrets()
    {
        var workflows = Blocks("yaml").Select(Parse).ToList();
        Assert.Equal(2, workflows.Count);
        Assert.All(workflows, w => Assert.True(w.Children.ContainsKey("on") && w.Children.ContainsKey("jobs")));

        var steps = Steps(workflows[0], "build");
        var cache = Assert.Single(steps, s => Scalar(s, "uses")?.StartsWith("actions/cache@", StringComparison.Ordinal) == true);
        var with = (YamlMappingNode)cache["with"];
        Assert.Contains("hashFiles('**/skills.lock.json')", Scalar(with, "key"), StringComparison.Ordinal);
        // The folder cached is the folder the restore uses as SKILLS_OCI_CACHE.
        var cacheFolder = Scalar(with, "path");
        Assert.Contains(steps, s => Scalar(s, "run") == $"echo \"SKILLS_OCI_CACHE={cacheFolder}\" >> \"$GITHUB_ENV\"");
        var restore = Assert.Single(steps, s => Scalar(s, "run")?.StartsWith("dotnet restore", StringComparison.Ordinal) == true);
        Assert.Contains("-p:SkillsLockedMode=true", Scalar(restore, "run"), StringComparison.Ordinal);
        Assert.Equal("${{ secrets.GITHUB_TOKEN }}", Scalar((YamlMappingNode)restore["env"], "SKILLS_OCI_PULL_REGISTRY_PASSWORD"));
        // The cache is restored before the restore runs.
        Assert.True(steps.IndexOf(cache) < steps.IndexOf(restore));

        var push = Assert.Single(Steps(workflows[1], "push"), s => Scalar(s, "run")?.Contains("/t:PushSkill", StringComparison.Ordinal) == true);
        Assert.Equal("${{ secrets.GITHUB_TOKEN }}", Scalar((YamlMappingNode)push["env"], "SKILLS_OCI_PUSH_REGISTRY_PASSWORD"));
    }

    [Fact]
    public void Its_Renovate_configurations_are_valid_JSON_and_extend_the_preset()
    {
        var blocks = Blocks("json").ToList();

        Assert.Equal(2, blocks.Count);
        using var repository = JsonDocument.Parse(blocks[0]);
        Assert.Contains(repository.RootElement.GetProperty("extends").EnumerateArray(), e => e.GetString()!.EndsWith(":skills-oci", StringComparison.Ordinal));
        using var admin = JsonDocument.Parse(blocks[1]);
        // What the admin allows covers the commands the preset runs.
        var allowed = admin.RootElement.GetProperty("allowedCommands").EnumerateArray().Select(e => new Regex(e.GetString()!)).ToList();
        var commands = RenovatePreset.Load().Root.GetProperty("packageRules")[0].GetProperty("postUpgradeTasks").GetProperty("commands")
            .EnumerateArray().Select(e => RenovatePreset.Placeholder().Replace(e.GetString()!, "ghcr.io/acme/skills/pdf")).ToList();
        Assert.All(commands, command => Assert.Contains(allowed, pattern => pattern.IsMatch(command)));
    }

    [Fact]
    public void Every_property_target_and_environment_variable_it_names_exists()
    {
        var sdk = string.Concat(Directory.EnumerateFiles(RepositoryRoot.File("src/Skills.Oci.Sdk/Sdk")).Select(File.ReadAllText));
        var engine = string.Concat(Directory.EnumerateFiles(RepositoryRoot.File("src/Skills.Oci.Build"), "*.cs", SearchOption.AllDirectories).Select(File.ReadAllText));

        var properties = PropertyArgument().Matches(Document).Select(m => m.Groups["name"].Value).Distinct().ToList();
        var targets = TargetArgument().Matches(Document).Select(m => m.Groups["name"].Value).Distinct().ToList();
        var variables = EnvironmentVariable().Matches(Document).Select(m => m.Value).Distinct()
            .Where(name => name != "SKILLS_OCI_RENOVATE").ToList(); // the opt-in switch of RenovateFactAttribute

        Assert.Equal(["SkillsLockedMode", "RestoreLockedMode"], properties);
        Assert.Equal(["VerifySkills", "PushSkill", "UpdateSkills"], targets);
        Assert.True(variables.Count >= 6, string.Join(", ", variables));
        Assert.All(properties, name => Assert.Contains($"$({name})", sdk, StringComparison.Ordinal));
        Assert.All(targets, name => Assert.Contains($"<Target Name=\"{name}\"", sdk, StringComparison.Ordinal));
        Assert.All(variables, name => Assert.True(sdk.Contains(name, StringComparison.Ordinal) || engine.Contains($"\"{name}\"", StringComparison.Ordinal), name));
    }

    private static IEnumerable<string> Blocks(string language)
    {
        foreach (Match match in FencedBlock().Matches(Document))
        {
            if (match.Groups["language"].Value == language)
            {
                yield return match.Groups["body"].Value;
            }
        }
    }

    private static YamlMappingNode Parse(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return (YamlMappingNode)Assert.Single(stream.Documents).RootNode;
    }

    private static List<YamlMappingNode> Steps(YamlMappingNode workflow, string job) =>
        ((YamlSequenceNode)((YamlMappingNode)((YamlMappingNode)workflow["jobs"])[job])["steps"]).Children.Cast<YamlMappingNode>().ToList();

    private static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? ((YamlScalarNode)value).Value : null;

    [GeneratedRegex(@"```(?<language>[a-z]*)\n(?<body>.*?)```", RegexOptions.Singleline)]
    private static partial Regex FencedBlock();

    [GeneratedRegex(@"-p:(?<name>[A-Za-z]+)=")]
    private static partial Regex PropertyArgument();

    [GeneratedRegex(@"[-/]t:(?<name>[A-Za-z]+)")]
    private static partial Regex TargetArgument();

    [GeneratedRegex(@"SKILLS_OCI_[A-Z_]+[A-Z]")]
    private static partial Regex EnvironmentVariable();
}
