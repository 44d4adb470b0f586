using System.Text;
using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Packaging;
using Skills.Oci.Build.Restore;

namespace Skills.Oci.Build.Tests.Tool.Edit;

/// <summary>skills.json as the reference tools write it, mapped onto the engine's SkillReference requests.</summary>
public sealed class SkillsManifestTests
{
    private static SkillsManifest Parse(string json) => SkillsManifest.Parse(Encoding.UTF8.GetBytes(json), "/repo/skills.json");

    [Fact]
    public void Upsert_and_remove_keep_unknown_fields_and_order_and_write_two_space_json_with_a_final_newline()
    {
        var manifest = Parse("""
            {"skills":[{"name":"pdf","source":"ghcr.io/acme/skills/pdf","version":"1.0.0","additionalBasePaths":[".codex/skills"]},{"name":"review","source":"ghcr.io/acme/skills/review"}],"x-tool":true}
            """);

        manifest.Upsert(new SkillsManifestEntry("pdf", ImageReference.Parse("ghcr.io/acme/skills/pdf"), "1.1.0"));
        manifest.Upsert(new SkillsManifestEntry("lint", ImageReference.Parse("ghcr.io/acme/skills/lint"), "2.0.0"));
        Assert.True(manifest.Remove("review"));
        Assert.False(manifest.Remove("nope"));

        Assert.Equal("""
            {
              "skills": [
                {
                  "name": "pdf",
                  "source": "ghcr.io/acme/skills/pdf",
                  "version": "1.1.0",
                  "additionalBasePaths": [
                    ".codex/skills"
                  ]
                },
                {
                  "name": "lint",
                  "source": "ghcr.io/acme/skills/lint",
                  "version": "2.0.0"
                }
              ],
              "x-tool": true
            }

            """.ReplaceLineEndings("\n"), Encoding.UTF8.GetString(manifest.Serialize()));
    }

    [Fact]
    public void Entries_map_to_the_engine_with_skills_json_as_the_project()
    {
        var manifest = Parse("""{"skills":[{"name":"a","source":"ghcr.io/x/a","version":"1.0.0"},{"name":"b","source":"ghcr.io/x/b","version":"[1.0,2.0)"},{"name":"c","source":"ghcr.io/x/c","version":null},{"name":"d","source":"ghcr.io/x/d","version":"latest"}]}""");

        var request = manifest.ToRestoreRequest();

        Assert.Equal("skills.json", request.ProjectKey);
        Assert.Equal(
            [new SkillReferenceItem("ghcr.io/x/a:1.0.0"), new SkillReferenceItem("ghcr.io/x/b", "[1.0,2.0)"), new SkillReferenceItem("ghcr.io/x/c", "*"), new SkillReferenceItem("ghcr.io/x/d:latest")],
            request.References);
        Assert.Equal(4, request.ParseReferences().Count);
    }

    [Theory]
    [InlineData("{\"skills\": [", 1)]
    [InlineData("[]", 0)]
    [InlineData("{\"skills\":[{\"name\":\"a\"}]}", 0)]
    [InlineData("{\"skills\":[{\"name\":\"a\",\"source\":\"ghcr.io/x/a:1.0\"}]}", 0)]
    [InlineData("{\"skills\":[{\"name\":\"a\",\"source\":\"ghcr.io/x/a\"},{\"name\":\"a\",\"source\":\"ghcr.io/x/b\"}]}", 0)]
    [InlineData("{\"skills\":[{\"name\":\"a\",\"source\":\"ghcr.io/x/a\",\"version\":3}]}", 0)]
    public void A_malformed_file_is_a_coded_error_naming_it(string json, int line)
    {
        var error = Assert.Throws<SkillsOciException>(() => Parse(json));

        Assert.Equal(ErrorCodes.SkillsManifestInvalid, error.Diagnostic.Code);
        Assert.Equal("/repo/skills.json", error.Diagnostic.File);
        Assert.Equal(line, error.Diagnostic.Line);
    }

    [Fact]
    public async Task A_missing_file_reads_as_no_skills()
    {
        using var folder = new TempFolder("manifest");

        var manifest = await SkillsManifest.ReadAsync(folder.Combine("skills.json"), CancellationToken.None);

        Assert.Empty(manifest.Entries);
        Assert.Equal("{\n  \"skills\": []\n}\n", Encoding.UTF8.GetString(manifest.Serialize()));
    }

    [Fact]
    public void The_folder_push_packs_the_files_a_skill_project_packs_by_default()
    {
        var targets = File.ReadAllText(RepositoryRoot.File(Path.Combine("src", "Skills.Oci.Sdk", "Sdk", "Skills.Oci.SkillProject.targets")));
        var start = targets.IndexOf("<SkillFileDefaultExcludes Condition=\"'$(SkillFileDefaultExcludes)' == ''\">", StringComparison.Ordinal);
        var value = targets[(targets.IndexOf('>', start) + 1)..targets.IndexOf("</SkillFileDefaultExcludes>", start, StringComparison.Ordinal)];
        var sdk = value.Split(';').Where(p => p != "$(MSBuildProjectFile)").ToList();

        // BaseOutputPath and BaseIntermediateOutputPath add bin/ and obj/ again, which the list already holds.
        Assert.Equal(sdk, SkillFolderFiles.DefaultExcludes);
        Assert.True(SkillFolderFiles.IsExcluded("sub/.DS_Store"));
        Assert.True(SkillFolderFiles.IsExcluded("global.json"));
        Assert.False(SkillFolderFiles.IsExcluded("docs/global.json"));
        Assert.False(SkillFolderFiles.IsExcluded("docs/bin/tool.sh"));
    }
}
