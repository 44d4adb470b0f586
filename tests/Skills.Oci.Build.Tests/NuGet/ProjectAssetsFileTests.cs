using System.Text;
using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Hosting;
using Skills.Oci.Build.NuGet;
using Skills.Oci.Build.Oci;

namespace Skills.Oci.Build.Tests.NuGet;

public sealed class ProjectAssetsFileTests
{
    private static string Assets(string packageFolder, string libraries, string targets) => $$"""
        {
          "version": 3,
          "targets": { {{targets}} },
          "libraries": { {{libraries}} },
          "packageFolders": { "{{packageFolder.Replace("\\", "\\\\", StringComparison.Ordinal)}}": {} }
        }
        """;

    [Fact]
    public void Packages_of_every_target_graph_are_read_once_with_their_path_and_projects_are_skipped()
    {
        var json = Assets("/packages",
            """
            "Contoso.A/1.0.0": { "type": "package", "path": "contoso.a/1.0.0" },
            "Contoso.B/2.0.0-beta.1": { "type": "package", "path": "contoso.b/2.0.0-beta.1" },
            "Lib/1.0.0": { "type": "project", "path": "../Lib/Lib.csproj" }
            """,
            """
            "net8.0": { "Contoso.A/1.0.0": { "type": "package" }, "Lib/1.0.0": { "type": "project" } },
            "net10.0": { "Contoso.A/1.0.0": { "type": "package" }, "Contoso.B/2.0.0-beta.1": { "type": "package" } }
            """);

        var assets = ProjectAssetsFile.Parse(Encoding.UTF8.GetBytes(json), "project.assets.json");

        Assert.Equal(["Contoso.A 1.0.0", "Contoso.B 2.0.0-beta.1"], assets.Packages.Select(p => p.Identity.ToString()));
        Assert.Equal(["contoso.a/1.0.0", "contoso.b/2.0.0-beta.1"], assets.Packages.Select(p => p.Path));
        Assert.Equal(["/packages"], assets.PackageFolders);
    }

    [Theory]
    [InlineData("../../etc")]
    [InlineData("/etc")]
    [InlineData("contoso.a/../../x")]
    public void A_package_path_that_leaves_the_packages_folder_is_refused(string path)
    {
        var json = Assets("/packages", $$"""
            "Contoso.A/1.0.0": { "type": "package", "path": "{{path}}" }
            """, """
            "net10.0": { "Contoso.A/1.0.0": { "type": "package" } }
            """);

        var error = Assert.Throws<SkillsOciException>(() => ProjectAssetsFile.Parse(Encoding.UTF8.GetBytes(json), "project.assets.json"));

        Assert.Equal(ErrorCodes.PackageAssetsInvalid, error.Diagnostic.Code);
    }

    [Fact]
    public void An_assets_file_that_is_not_json_is_a_coded_error()
    {
        var error = Assert.Throws<SkillsOciException>(() => ProjectAssetsFile.Parse("{ not json"u8.ToArray(), "project.assets.json"));

        Assert.Equal(ErrorCodes.PackageAssetsInvalid, error.Diagnostic.Code);
    }

    [Fact]
    public async Task The_collector_finds_skills_in_the_packages_folder_and_refuses_an_oversized_or_linked_one_with_its_code()
    {
        using var folder = new TempFolder("assets");
        folder.Write("packages/contoso.a/1.0.0/skills/good/SKILL.md", "---\nname: good\ndescription: Good.\n---\nbody\n");
        folder.Write("packages/contoso.a/1.0.0/skills/big/SKILL.md", "---\nname: big\ndescription: Big.\n---\nbody\n");
        folder.Write("packages/contoso.a/1.0.0/skills/big/data.bin", new string('x', 64 * 1024));
        folder.Write("packages/contoso.a/1.0.0/skills/not-a-skill/readme.md", "no SKILL.md here\n");
        folder.Write("packages/contoso.b/1.0.0/skills/linked/SKILL.md", "---\nname: linked\ndescription: Linked.\n---\nbody\n");
        File.CreateSymbolicLink(Path.Combine(folder.Path, "packages/contoso.b/1.0.0/skills/linked/secret"), "/etc/hostname");
        var assetsPath = folder.Write("project.assets.json", Assets(Path.Combine(folder.Path, "packages"), """
            "Contoso.A/1.0.0": { "type": "package", "path": "contoso.a/1.0.0" },
            "Contoso.B/1.0.0": { "type": "package", "path": "contoso.b/1.0.0" }
            """, """
            "net10.0": { "Contoso.A/1.0.0": { "type": "package" }, "Contoso.B/1.0.0": { "type": "package" } }
            """));
        var limits = OciLimits.Default with { MaxUncompressedBytes = 32 * 1024 };

        var collected = await PackageSkillCollector.CollectAsync(assetsPath, enabled: true, [], limits, CancellationToken.None);

        Assert.Equal(["good"], collected.Skills.Select(s => s.Name));
        Assert.Contains(collected.Diagnostics, d => d.Code == ErrorCodes.SkillFileIsLink);
        Assert.Contains(collected.Diagnostics, d => d.Message.Contains("'big'", StringComparison.Ordinal));
        Assert.All(collected.Diagnostics, d => Assert.Equal(DiagnosticSeverity.Error, d.Severity));

        var excluded = await PackageSkillCollector.CollectAsync(assetsPath, enabled: true, ["CONTOSO.*"], limits, CancellationToken.None);
        Assert.Empty(excluded.Skills);
        Assert.Empty(excluded.Diagnostics);
    }
}
