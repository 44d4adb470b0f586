using System.Text.Json;
using System.Xml.Linq;

namespace Skills.Oci.Build.Tests.Renovate;

/// <summary>
/// renovate/skills-oci.json: its custom managers run with Renovate's regex-manager semantics over real
/// project files (the README's, the test assets, the templates) and generated ones, and what they must
/// not touch. <see cref="RenovateRunTests"/> runs Renovate itself.
/// </summary>
public sealed class RenovatePresetTests
{
    private static readonly RenovatePreset Preset = RenovatePreset.Load();

    [Fact]
    public void Every_pattern_uses_only_constructs_RE2_JavaScript_and_dotnet_read_alike_and_templates_only_use_groups()
    {
        var patterns = Preset.Patterns().ToList();

        Assert.NotEmpty(patterns);
        Assert.All(patterns, pattern => Assert.Empty(PortablePattern.FindProblems(pattern)));
        // The checker itself finds what it must.
        Assert.NotEmpty(PortablePattern.FindProblems(@"(?<=x)a\d."));
        Assert.NotEmpty(PortablePattern.FindProblems(@"(?<q>[""'])a\k<q>"));
        var templates = Preset.Templates().ToList();
        Assert.NotEmpty(templates);
        Assert.All(templates, t => Assert.DoesNotContain("{{", RenovatePreset.Placeholder().Replace(t, string.Empty), StringComparison.Ordinal));
        Assert.All(Preset.Managers, m => Assert.Equal("docker", m.GetProperty("datasourceTemplate").GetString()));
    }

    [Fact]
    public void The_README_consumer_example_yields_its_plain_version_and_leaves_ranges_tags_and_digests_alone()
    {
        var readme = File.ReadAllText(RepositoryRoot.File("README.md"));
        var start = readme.IndexOf("```xml\n<Project Sdk=\"Microsoft.NET.Sdk\">", StringComparison.Ordinal);
        var example = readme[(start + 7)..readme.IndexOf("```", start + 7, StringComparison.Ordinal)];

        var dependency = Assert.Single(Preset.Extract("App/App.csproj", example));

        Assert.Equal("docker.io/salaboy/my-skill", dependency.DepName);
        Assert.Equal("salaboy/my-skill", dependency.PackageName);
        Assert.Equal("https://docker.io", dependency.RegistryUrl);
        Assert.Equal("1.0.0", dependency.CurrentValue);
        Assert.Equal(("docker", "semver", "skill"), (dependency.Datasource, dependency.Versioning, dependency.DepType));
    }

    [Fact]
    public void Either_attribute_order_either_quote_and_multi_line_elements_are_found_in_project_files()
    {
        const string project = """
            <Project Sdk="Microsoft.NET.Sdk">
              <Sdk Name="Skills.Oci.Sdk" />
              <ItemGroup>
                <SkillReference Include="ghcr.io/acme/skills/pdf" Version="1.2.0" />
                <SkillReference Version='2.0.0' Include='ghcr.io/acme/skills/review' />
                <SkillReference
                    Include="localhost:5000/team/lint"
                    Override="true"
                    Version="[0.3.1]" />
                <SkillReference Include = "registry.example.com:8443/a/b" VersionOverride="3.1.0-rc.1" />
              </ItemGroup>
              <ItemGroup><SkillReference Include="salaboy/docs" Version="4.0.0" /><SkillReference Include="pdf" Version="1.0.0"/></ItemGroup>
            </Project>
            """;

        var found = Preset.Extract("src/App/App.csproj", project).Select(d => (d.DepName, d.PackageName, d.RegistryUrl, d.CurrentValue)).ToList();

        Assert.Equal(
            [
                ("ghcr.io/acme/skills/pdf", "acme/skills/pdf", "https://ghcr.io", "1.2.0"),
                ("localhost:5000/team/lint", "team/lint", "https://localhost:5000", "0.3.1"),
                ("registry.example.com:8443/a/b", "a/b", "https://registry.example.com:8443", "3.1.0-rc.1"),
                ("ghcr.io/acme/skills/review", "acme/skills/review", "https://ghcr.io", "2.0.0"),
                ("salaboy/docs", "salaboy/docs", "https://index.docker.io", "4.0.0"),
                ("pdf", "pdf", "https://index.docker.io", "1.0.0"),
            ],
            found);
    }

    [Fact]
    public void Central_SkillVersion_items_in_Directory_Packages_props_are_found_and_the_versionless_SkillReference_is_not()
    {
        const string packages = """
            <Project>
              <PropertyGroup><ManagePackageVersionsCentrally>true</ManagePackageVersionsCentrally></PropertyGroup>
              <ItemGroup>
                <PackageVersion Include="xunit" Version="2.9.3" />
                <SkillVersion Include="ghcr.io/acme/skills/pdf" Version="1.2.0" />
                <SkillVersion Version="0.9.0"
                              Include="ghcr.io/acme/skills/lint" />
              </ItemGroup>
            </Project>
            """;
        const string project = """
            <Project Sdk="Microsoft.NET.Sdk">
              <ItemGroup>
                <SkillReference Include="ghcr.io/acme/skills/pdf" />
                <PackageReference Include="xunit" />
              </ItemGroup>
            </Project>
            """;

        Assert.Equal(
            [("ghcr.io/acme/skills/pdf", "1.2.0"), ("ghcr.io/acme/skills/lint", "0.9.0")],
            Preset.Extract("Directory.Packages.props", packages).Select(d => (d.DepName, d.CurrentValue)));
        Assert.Empty(Preset.Extract("src/App/App.csproj", project));
    }

    [Theory]
    [InlineData("""<PackageReference Include="ghcr.io/acme/skills/pdf" Version="1.2.0" />""")]
    [InlineData("""<PackageVersion Include="Newtonsoft.Json" Version="13.0.3" />""")]
    [InlineData("""<SkillReference Include="ghcr.io/acme/skills/pdf" />""")]
    [InlineData("""<SkillReference Include="ghcr.io/acme/skills/pdf:1.2.0" />""")]
    [InlineData("""<SkillReference Include="ghcr.io/acme/skills/pdf:latest" Version="1.2.0" />""")]
    [InlineData("""<SkillReference Include="ghcr.io/acme/skills/pdf@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef" />""")]
    [InlineData("""<SkillReference Include="ghcr.io/acme/skills/pdf" Version="1.*" />""")]
    [InlineData("""<SkillReference Include="ghcr.io/acme/skills/pdf" Version="[1.0,2.0)" />""")]
    [InlineData("""<SkillReference Include="ghcr.io/acme/skills/pdf" Version="latest" />""")]
    [InlineData("""<SkillReference Include="$(SkillsDemoRegistry)/skills/hello-skill" Version="1.0.0" />""")]
    [InlineData("""<SkillReferences Include="ghcr.io/acme/skills/pdf" Version="1.2.0" />""")]
    [InlineData("""<!-- <SkillReference Include="ghcr.io/acme/skills/pdf" Version="1.2.0" /> -->""")]
    [InlineData("""<SkillReference Include="ghcr.io/acme/skills/pdf" MyVersion="1.2.0" />""")]
    public void What_is_not_a_pinned_SemVer_skill_version_is_not_extracted(string element)
    {
        var project = $"<Project>\n  <ItemGroup>\n    {element}\n  </ItemGroup>\n</Project>\n";

        Assert.Empty(Preset.Extract("App.csproj", project));
    }

    [Theory]
    [InlineData("README.md")]
    [InlineData("src/App/Program.cs")]
    [InlineData("skills.json")]
    [InlineData("App.csproj.user.txt")]
    public void Files_other_than_project_props_and_targets_files_are_not_read(string path)
    {
        Assert.Empty(Preset.Extract(path, """<SkillReference Include="ghcr.io/acme/skills/pdf" Version="1.2.0" />"""));
        Assert.NotEmpty(Preset.Extract("build/Skills.targets", """<SkillReference Include="ghcr.io/acme/skills/pdf" Version="1.2.0" />"""));
    }

    [Fact]
    public void The_test_assets_and_the_templates_commented_examples_yield_nothing()
    {
        var root = RepositoryRoot.Path;
        var files = new[] { "testassets", "src/Skills.Oci.Templates/content" }
            .SelectMany(folder => Directory.EnumerateFiles(Path.Combine(root, folder), "*", SearchOption.AllDirectories))
            .Select(file => Path.GetRelativePath(root, file).Replace('\\', '/'))
            .Where(file => file.EndsWith("proj", StringComparison.Ordinal) || file.EndsWith(".props", StringComparison.Ordinal) || file.EndsWith(".targets", StringComparison.Ordinal))
            .ToList();

        // HelloApp's Include is built from a property; the templates' SkillReference and member are comments.
        Assert.Contains("testassets/demo/HelloApp/HelloApp.csproj", files);
        Assert.Contains("src/Skills.Oci.Templates/content/skills-config/Directory.Build.props", files);
        Assert.All(files, file => Assert.Empty(Preset.Extract(file, File.ReadAllText(Path.Combine(root, file)))));
    }

    [Fact]
    public void An_update_replaces_only_that_elements_version_and_keeps_the_file_well_formed()
    {
        const string project = """
            <Project>
              <ItemGroup>
                <SkillReference Include="ghcr.io/acme/skills/pdf" Version="1.2.0" />
                <PackageReference Include="Contoso.Pdf" Version="1.2.0" />
                <SkillReference
                  Version="[1.2.0]"
                  Include='ghcr.io/acme/skills/review' />
              </ItemGroup>
            </Project>
            """;
        var dependencies = Preset.Extract("App.csproj", project);
        Assert.Equal(2, dependencies.Count);

        var updated = RenovatePreset.Apply(project, dependencies.Single(d => d.DepName.EndsWith("review", StringComparison.Ordinal)), "1.3.0");
        updated = RenovatePreset.Apply(updated, dependencies.Single(d => d.DepName.EndsWith("pdf", StringComparison.Ordinal)), "2.0.0");

        var items = XDocument.Parse(updated).Descendants().Where(e => e.Attribute("Include") is not null)
            .Select(e => (e.Name.LocalName, e.Attribute("Include")!.Value, e.Attribute("Version")!.Value));
        Assert.Equal(
            [("SkillReference", "ghcr.io/acme/skills/pdf", "2.0.0"), ("PackageReference", "Contoso.Pdf", "1.2.0"), ("SkillReference", "ghcr.io/acme/skills/review", "[1.3.0]")],
            items);
        // Renovate finds the updated dependency again at its new version.
        Assert.Equal(["2.0.0", "1.3.0"], Preset.Extract("App.csproj", updated).Select(d => d.CurrentValue));
    }

    [Fact]
    public void Upgrades_of_skills_run_skills_oci_update_for_that_skill_and_keep_the_lock()
    {
        var rule = Assert.Single(Preset.Root.GetProperty("packageRules").EnumerateArray());
        Assert.Equal(["skill"], rule.GetProperty("matchDepTypes").EnumerateArray().Select(e => e.GetString()));
        var tasks = rule.GetProperty("postUpgradeTasks");
        Assert.Contains("dotnet skills-oci update {{{depName}}}", tasks.GetProperty("commands").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["**/skills.lock.json"], tasks.GetProperty("fileFilters").EnumerateArray().Select(e => e.GetString()));
        Assert.All(Preset.Managers, m => Assert.Equal("skill", m.GetProperty("depTypeTemplate").GetString()));
        Assert.Equal(JsonValueKind.Array, Preset.Root.GetProperty("customManagers").ValueKind);
    }
}
