using System.Text.Json;
using System.Xml.Linq;
using Skills.Oci.Build.Format;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Tests.Consume;
using Skills.Oci.Build.Tests.Oci.Registry;

namespace Skills.Oci.Build.Tests.Templates;

/// <summary>
/// Skills.Oci.Templates end to end: the package from the local feed installed with <c>dotnet new install</c>,
/// each template created in a temp folder, and what it creates packed and pushed to a real registry
/// (skill, skill-collection) or restored (a consumer configured by skills-config). One registry per test.
/// </summary>
public sealed class TemplateTests
{
    [Fact]
    public async Task Skill_template_creates_a_skill_project_that_pushes_and_skills_config_makes_a_repository_that_restores_it()
    {
        await using var registry = await RegistryProcess.StartAsync();
        var templates = await InstalledTemplates.GetAsync();
        using var authoring = await TestProjectWorkspace.CreateAsync();

        var created = await templates.NewAsync(authoring.Path, "skill", "-n", "pdf-tools", "--registry", $"{registry.HostPort}/tpl");

        Assert.True(created.Succeeded, created.ToString());
        var project = XDocument.Load(authoring.Root.Combine("pdf-tools", "pdf-tools.csproj"));
        // The SDK version written is the templates package's own.
        Assert.Equal($"Skills.Oci.Sdk/{templates.Feed.Version}", project.Root!.Attribute("Sdk")!.Value);
        Assert.Equal($"{registry.HostPort}/tpl/pdf-tools", project.Descendants("SkillRepository").Single().Value);
        Assert.StartsWith("---\nname: pdf-tools\ndescription: ", File.ReadAllText(authoring.Root.Combine("pdf-tools", "SKILL.md")).ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.True(File.Exists(authoring.Root.Combine("pdf-tools", "scripts", "example.sh")));
        Assert.True(File.Exists(authoring.Root.Combine("pdf-tools", "references", "REFERENCE.md")));
        Assert.Contains("dotnet pack /t:PushSkill", File.ReadAllText(authoring.Root.Combine("pdf-tools", "README.md")), StringComparison.Ordinal);

        // Unedited, it builds (SKILL.md and Version valid), packs and pushes with no warning.
        var pushed = await authoring.CreateCli("pdf-tools").RunAsync("pack", "/t:PushSkill");

        Assert.True(pushed.Succeeded, pushed.ToString());
        Assert.Empty(pushed.WarningCodes());
        using var client = TestClients.Isolated();
        var latest = await client.ResolveAsync(ImageReference.Parse($"{registry.HostPort}/tpl/pdf-tools:latest"));
        Assert.Equal(latest.Digest, (await client.ResolveAsync(ImageReference.Parse($"{registry.HostPort}/tpl/pdf-tools:1.0.0"))).Digest);

        // A repository without the SDK: skills-config writes global.json and the Directory.Build imports.
        using var consumer = await ConsumerWorkspace.CreateAsync();
        foreach (var file in new[] { "global.json", "Directory.Build.props", "Directory.Build.targets" })
        {
            File.Delete(consumer.File(file));
        }

        var configured = await templates.NewAsync(consumer.Root, "skills-config", "--skill", $"{registry.HostPort}/tpl/pdf-tools", "--skill-version", "1.0.0");

        Assert.True(configured.Succeeded, configured.ToString());
        using (var globalJson = JsonDocument.Parse(File.ReadAllText(consumer.File("global.json"))))
        {
            Assert.Equal(templates.Feed.Version, globalJson.RootElement.GetProperty("msbuild-sdks").GetProperty("Skills.Oci.Sdk").GetString());
        }

        // A plain project, no Skills.Oci in it: the Directory.Build files bring the SDK and the reference.
        consumer.Workspace.Write("App/App.csproj", """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup>
            </Project>
            """);
        var restored = await consumer.Cli("App").RunAsync("restore");

        Assert.True(restored.Succeeded, restored.ToString());
        Assert.True(File.Exists(consumer.SkillFile("pdf-tools", "scripts/example.sh")), restored.ToString());
        Assert.True(File.Exists(consumer.SkillFile("pdf-tools", "references/REFERENCE.md")));
        // The project's README is for the skill's authors: left out of the skill.
        Assert.False(File.Exists(consumer.SkillFile("pdf-tools", "README.md")));
        Assert.Contains(latest.Digest.ToString(), consumer.ReadLock(), StringComparison.Ordinal);

        // A skill project in that repository keeps Skills.Oci.Sdk as its own SDK: the imports skip it.
        var inRepository = await templates.NewAsync(consumer.Root, "skill", "-n", "house-style");
        Assert.True(inRepository.Succeeded, inRepository.ToString());
        var packed = await consumer.Cli("house-style").RunAsync("pack");
        Assert.True(packed.Succeeded, packed.ToString());
        Assert.Empty(packed.WarningCodes());
        Assert.True(Directory.Exists(consumer.File("house-style/bin/Release/house-style.1.0.0.oci")), packed.ToString());
    }

    [Fact]
    public async Task Skill_collection_template_creates_a_collection_project_that_pushes_an_index_pinning_its_member()
    {
        await using var registry = await RegistryProcess.StartAsync();
        using var skills = new RegistrySkillPublisher(registry, "tplc");
        var lint = await skills.PublishAsync("lint", "1.0.0");
        var templates = await InstalledTemplates.GetAsync();
        using var workspace = await TestProjectWorkspace.CreateAsync();

        var created = await templates.NewAsync(workspace.Path, "skill-collection", "-n", "dev-tools", "--registry", $"{registry.HostPort}/tplc", "--member", skills.Repo("lint") + ":1.0.0");

        Assert.True(created.Succeeded, created.ToString());
        var project = XDocument.Load(workspace.Root.Combine("dev-tools", "dev-tools.csproj"));
        Assert.Equal($"Skills.Oci.Sdk/{templates.Feed.Version}", project.Root!.Attribute("Sdk")!.Value);
        Assert.Equal(skills.Repo("lint") + ":1.0.0", project.Descendants("SkillCollectionMember").Single().Attribute("Include")!.Value);

        var pushed = await workspace.CreateCli("dev-tools").RunAsync("pack", "/t:PushSkill");

        Assert.True(pushed.Succeeded, pushed.ToString());
        Assert.Contains($"Pushed collection dev-tools {skills.Repo("dev-tools")}:1.0.0@sha256:", pushed.Output, StringComparison.Ordinal);
        var raw = await Skopeo.InspectRawAsync(registry.HostPort, "tplc/dev-tools:latest");
        var members = JsonDocument.Parse(raw).RootElement.GetProperty("manifests").EnumerateArray().Select(m => m.GetProperty("digest").GetString()).ToList();
        Assert.Equal([lint.ToString()], members);
    }

    [Fact]
    public async Task Without_a_member_or_a_skill_the_templates_write_commented_examples_only()
    {
        var templates = await InstalledTemplates.GetAsync();
        using var folder = new TempFolder("tpl-examples");

        var collection = await templates.NewAsync(folder.Path, "skill-collection", "-n", "team-skills");
        var config = await templates.NewAsync(folder.CreateFolder("repo"), "skills-config");

        Assert.True(collection.Succeeded, collection.ToString());
        Assert.True(config.Succeeded, config.ToString());
        var collectionProject = File.ReadAllText(folder.Combine("team-skills", "team-skills.csproj"));
        Assert.Empty(XDocument.Parse(collectionProject).Descendants("SkillCollectionMember"));
        Assert.Contains("<!-- <SkillCollectionMember Include=\"ghcr.io/your-org/skills/pdf-tools\" Version=\"1.0.0\" /> -->", collectionProject, StringComparison.Ordinal);
        var props = File.ReadAllText(folder.Combine("repo", "Directory.Build.props"));
        Assert.Empty(XDocument.Parse(props).Descendants("SkillReference"));
        Assert.Contains("<!-- <SkillReference Include=\"ghcr.io/your-org/skills/pdf-tools\" Version=\"1.0.0\" /> -->", props, StringComparison.Ordinal);
        Assert.Single(XDocument.Load(folder.Combine("repo", "Directory.Build.targets")).Descendants("Import"));
        Assert.DoesNotContain("#if", props + collectionProject, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("PDF Tools", "pdf-tools")]
    [InlineData("My_Skill.v2", "my-skill-v2")]
    [InlineData("--review--", "review")]
    [InlineData("___", "my-skill")]
    [InlineData("Éditeur Résumé", "éditeur-résumé")]
    // 63 letters, then a hyphen at the 64th: cut to 64, the trailing hyphen dropped.
    [InlineData("abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabc-tail", "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabc")]
    public async Task A_name_outside_the_Agent_Skills_rule_is_normalized_into_a_valid_one(string requested, string expected)
    {
        var templates = await InstalledTemplates.GetAsync();
        using var folder = new TempFolder("tpl-names");

        var created = await templates.NewAsync(folder.Path, "skill", "-n", requested, "-o", "skill");

        Assert.True(created.Succeeded, created.ToString());
        Assert.Empty(SkillName.FindProblems(expected, SkillNameInput.Stored));
        Assert.Contains($"\nname: {expected}\n", File.ReadAllText(folder.Combine("skill", "SKILL.md")).ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.True(File.Exists(folder.Combine("skill", expected + ".csproj")));
    }
}
