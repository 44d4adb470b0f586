using System.Text;
using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Format;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Packaging;

namespace Skills.Oci.Build.Tests.Packaging;

/// <summary>
/// SkillDependency items at pack: recorded in the manifest annotation <c>io.agentskills.skill.requires</c> and in
/// the config's <c>requires</c>, checked first (a repository, a valid Version), and no trace of them when there are none.
/// </summary>
public sealed class SkillDependencyPackTests : IDisposable
{
    private const string Epoch = "1775117469";

    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private SkillPackRequest Request(string folder, params SkillDependencyInput[] dependencies) => new()
    {
        ProjectDirectory = _temp.Combine(folder),
        Version = "1.0.0",
        Files = SkillArchiveReader.FilesUnder(_temp.Combine(folder)),
        LayoutDirectory = _temp.Combine($"out/{folder}.oci"),
        SourceDateEpoch = Epoch,
        ProjectFile = "/src/review/review.csproj",
        Dependencies = dependencies,
    };

    private static byte[] Blob(SkillPackResult result, Descriptor descriptor) =>
        File.ReadAllBytes(new OciImageLayout(result.LayoutDirectory).BlobPath(descriptor.Digest));

    [Fact]
    public async Task Dependencies_go_into_the_requires_annotation_and_the_config_in_reference_order()
    {
        new SkillFixture("review").WriteFolder(_temp.Combine("review"));

        var outcome = await new SkillPackager().PackAsync(
            Request("review", new("ghcr.io/acme/skills/lint"), new("ghcr.io/acme/skills/grilling", "1.*")), CancellationToken.None);

        var result = Assert.IsType<SkillPackResult>(outcome.Result);
        var manifest = OciManifest.Parse(Blob(result, result.Manifest));
        Assert.Equal("""[{"ref":"ghcr.io/acme/skills/grilling","version":"1.*"},{"ref":"ghcr.io/acme/skills/lint"}]""", manifest.GetAnnotation(AnnotationKeys.SkillRequires));
        Assert.Equal(
            """{"schemaVersion":"1","name":"review","version":"1.0.0","description":"x","requires":[{"ref":"ghcr.io/acme/skills/grilling","version":"1.*"},{"ref":"ghcr.io/acme/skills/lint"}]}""",
            Encoding.UTF8.GetString(Blob(result, result.Config)));
        // Readers get them back from either place.
        Assert.Equal(
            [("ghcr.io/acme/skills/grilling", "1.*"), ("ghcr.io/acme/skills/lint", null)],
            SkillRequirements.Read(manifest.Annotations, "review").Select(r => (r.Reference.ToString(), r.Version)));
        Assert.Equal(
            [("ghcr.io/acme/skills/grilling", "1.*"), ("ghcr.io/acme/skills/lint", null)],
            SkillConfig.Read(Blob(result, result.Config), "review").Requires!.Select(r => (r.Reference.ToString(), r.Version)));
    }

    [Fact]
    public async Task Without_dependencies_the_config_and_manifest_carry_no_trace_of_them()
    {
        new SkillFixture("plain").WriteFolder(_temp.Combine("plain"));

        var result = (await new SkillPackager().PackAsync(Request("plain"), CancellationToken.None)).Result!;

        Assert.Equal("""{"schemaVersion":"1","name":"plain","version":"1.0.0","description":"x"}""", Encoding.UTF8.GetString(Blob(result, result.Config)));
        Assert.Null(OciManifest.Parse(Blob(result, result.Manifest)).GetAnnotation(AnnotationKeys.SkillRequires));
        Assert.Null(SkillConfig.Read(Blob(result, result.Config), "plain").Requires);
    }

    [Fact]
    public async Task A_tag_or_digest_an_invalid_reference_or_Version_and_a_repeated_repository_are_coded_errors_and_nothing_is_written()
    {
        new SkillFixture("bad").WriteFolder(_temp.Combine("bad"));

        var outcome = await new SkillPackager().PackAsync(
            Request(
                "bad",
                new("ghcr.io/acme/skills/lint:1.0.0", null, "/deps.props", 3),
                new("not a reference", "1.0.0", "/deps.props", 4),
                new("ghcr.io/acme/skills/grilling", "[1.0", "/deps.props", 5),
                new("ghcr.io/acme/skills/pdf", "1.0.0", "/deps.props", 6),
                new("ghcr.io/acme/skills/pdf", "2.0.0", "/deps.props", 7)),
            CancellationToken.None);

        Assert.Null(outcome.Result);
        Assert.Equal(
            [
                (ErrorCodes.SkillDependencyInvalid, 3),
                (ErrorCodes.SkillDependencyInvalid, 4),
                (ErrorCodes.SkillDependencyInvalid, 5),
                (ErrorCodes.SkillDependencyDuplicate, 7),
            ],
            outcome.Diagnostics.Select(d => (d.Code, d.Line)));
        Assert.All(outcome.Diagnostics, d => Assert.Equal("/deps.props", d.File));
        Assert.False(Directory.Exists(_temp.Combine("out/bad.oci")));
    }

    [Fact]
    public async Task Dotnet_pack_records_SkillDependency_items_and_points_a_bad_one_at_the_project()
    {
        using var project = new PackagingTestProject("review", """
              <PropertyGroup><Version>1.0.0</Version></PropertyGroup>
              <ItemGroup>
                <SkillDependency Include="ghcr.io/acme/skills/grilling" Version="1.*" />
              </ItemGroup>
            """);
        new SkillFixture("review").WriteFolder(project.Directory);

        var (exitCode, output) = await project.RunAsync(new Dictionary<string, string> { ["SOURCE_DATE_EPOCH"] = Epoch }, "pack", "-o", "out");

        Assert.True(exitCode == 0, output);
        var layout = new OciImageLayout(Path.Combine(project.Directory, "out", "review.1.0.0.oci"));
        var manifest = OciManifest.Parse(await layout.ReadBlobAsync((await layout.ResolveAsync("1.0.0", CancellationToken.None))!, 1 << 20, CancellationToken.None));
        Assert.Equal("""[{"ref":"ghcr.io/acme/skills/grilling","version":"1.*"}]""", manifest.GetAnnotation(AnnotationKeys.SkillRequires));

        File.WriteAllText(project.ProjectFile, File.ReadAllText(project.ProjectFile).Replace("ghcr.io/acme/skills/grilling\"", "ghcr.io/acme/skills/grilling:1.0.0\"", StringComparison.Ordinal));
        var (failed, refused) = await project.RunAsync("pack", "-o", "out");

        Assert.NotEqual(0, failed);
        Assert.Contains($"{project.ProjectFile}(8): error {ErrorCodes.SkillDependencyInvalid}", refused, StringComparison.Ordinal);
    }
}
