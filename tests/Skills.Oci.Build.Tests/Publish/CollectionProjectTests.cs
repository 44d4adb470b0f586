using System.Text.Json;
using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Tests.Consume;
using Skills.Oci.Build.Tests.Oci.Registry;

namespace Skills.Oci.Build.Tests.Publish;

/// <summary>
/// Collection projects end to end: the SDK from the local feed, <c>dotnet pack /t:PushSkill</c> against the
/// real distribution registry (which validates index children), members by reference and by
/// ProjectReference, and <c>skills-oci collection push</c> doing the same without a project.
/// </summary>
[Collection(RegistryCollectionDefinition.Name)]
public sealed class CollectionProjectTests(RegistryFixture fixture)
{
    private const string Epoch = "1775117469"; // 2026-04-02T08:11:09Z

    [Fact]
    public async Task Pack_PushSkill_pushes_the_referenced_skill_project_then_an_index_pinning_it_and_a_member_by_version_under_every_tag()
    {
        using var skills = new RegistrySkillPublisher(fixture.Registry, "coll-proj");
        var review = await skills.PublishAsync("review", "2.1.0");
        using var workspace = await TestProjectWorkspace.CreateAsync();
        new SkillFixture("pdf").WriteProject(workspace.Root.Combine("pdf"), $"<SkillRepository>{skills.Repo("pdf")}</SkillRepository>");
        workspace.Write("dev-tools/dev-tools.csproj", $"""
            <Project Sdk="Skills.Oci.Sdk">
              <PropertyGroup>
                <SkillCollection>true</SkillCollection>
                <Version>1.0.0</Version>
                <SkillRepository>{skills.Repo("dev-tools")}</SkillRepository>
                <SkillAdditionalTags>latest</SkillAdditionalTags>
                <Description>Our team's tools.</Description>
              </PropertyGroup>
              <ItemGroup>
                <SkillCollectionMember Include="{skills.Repo("review")}" Version="2.0.0" />
                <ProjectReference Include="../pdf/pdf.csproj" />
              </ItemGroup>
            </Project>
            """);
        var cli = workspace.CreateCli("dev-tools", new Dictionary<string, string?> { ["SOURCE_DATE_EPOCH"] = Epoch });

        var pushed = await cli.RunAsync("pack", "/t:PushSkill", "-v:n");

        Assert.True(pushed.Succeeded, pushed.ToString());
        Assert.Empty(pushed.WarningCodes());
        // At normal verbosity the copy is said, and the summary line names the members.
        Assert.Contains("refuses an index whose skills live in other repositories", pushed.Output, StringComparison.Ordinal);
        Assert.Contains($"Pushed collection dev-tools {skills.Repo("dev-tools")}:1.0.0@sha256:", pushed.Output, StringComparison.Ordinal);
        using var client = TestClients.Isolated();
        var pdf = await client.ResolveAsync(ImageReference.Parse(skills.Repo("pdf") + ":1.0.0"));
        var raw = await Skopeo.InspectRawAsync(fixture.Registry.HostPort, "coll-proj/dev-tools:1.0.0");
        var digest = Digest.ComputeSha256(raw);
        Assert.Equal(digest, (await client.ResolveAsync(ImageReference.Parse(skills.Repo("dev-tools") + ":latest"))).Digest);

        var index = JsonDocument.Parse(raw).RootElement;
        Assert.Equal(MediaTypes.SkillCollection, index.GetProperty("artifactType").GetString());
        Assert.Equal("Our team's tools.", index.GetProperty("annotations").GetProperty(AnnotationKeys.Description).GetString());
        var entries = index.GetProperty("manifests").EnumerateArray()
            .ToDictionary(e => e.GetProperty("annotations").GetProperty(AnnotationKeys.SkillName).GetString()!, e => e);
        Assert.Equal(["pdf", "review"], entries.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(pdf.Digest.ToString(), entries["pdf"].GetProperty("digest").GetString());
        Assert.Equal(pdf.Size, entries["pdf"].GetProperty("size").GetInt64());
        Assert.Equal($"{skills.Repo("pdf")}:1.0.0", entries["pdf"].GetProperty("annotations").GetProperty(AnnotationKeys.SkillRef).GetString());
        // Version 2.0.0 is a minimum, as on a SkillReference: the lowest tag at or above it.
        Assert.Equal(review.ToString(), entries["review"].GetProperty("digest").GetString());
        Assert.Equal($"{skills.Repo("review")}:2.1.0", entries["review"].GetProperty("annotations").GetProperty(AnnotationKeys.RefName).GetString());

        // Again: the same bytes, nothing to copy.
        var again = await cli.RunAsync("pack", "/t:PushSkill", "-v:n");
        Assert.True(again.Succeeded, again.ToString());
        Assert.DoesNotContain("refuses an index", again.Output, StringComparison.Ordinal);
        Assert.Equal(digest, (await client.ResolveAsync(ImageReference.Parse(skills.Repo("dev-tools") + ":1.0.0"))).Digest);
    }

    [Fact]
    public async Task A_project_without_SKILL_md_listing_members_is_a_collection_and_build_reports_a_bad_member_at_its_line_offline()
    {
        using var workspace = await TestProjectWorkspace.CreateAsync();
        var project = workspace.Write("tools/tools.csproj", """
            <Project Sdk="Skills.Oci.Sdk">
              <PropertyGroup>
                <Version>1.0.0</Version>
                <SkillRepository>127.0.0.1:1/nowhere/tools</SkillRepository>
              </PropertyGroup>
              <ItemGroup>
                <SkillCollectionMember Include="127.0.0.1:1/nowhere/pdf" Version="1.0.0" />
                <SkillCollectionMember Include="127.0.0.1:1/nowhere/lint" Version="[1.0" />
              </ItemGroup>
            </Project>
            """);

        var built = await workspace.CreateCli("tools").RunAsync("pack");

        Assert.False(built.Succeeded);
        // Validated as a collection (no SKILL.md error), without a registry, the error at the member's line.
        Assert.Equal([ErrorCodes.CollectionMemberInvalid], built.ErrorCodes().Distinct());
        Assert.Contains($"{project}(8): error {ErrorCodes.CollectionMemberInvalid}", built.Output, StringComparison.Ordinal);
        Assert.Contains("127.0.0.1:1/nowhere/lint", built.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Collection_push_on_the_command_line_pushes_the_index_a_project_would()
    {
        using var skills = new RegistrySkillPublisher(fixture.Registry, "coll-cli");
        var pdf = await skills.PublishAsync("pdf", "1.0.0");
        await skills.PublishAsync("lint", "1.0.0");
        var lint = await skills.PublishAsync("lint", "1.4.0");
        var tool = await SkillsOciTool.GetAsync();
        using var folder = new TempFolder("coll-cli");

        var pushed = await tool.CreateCli(folder.Path, environment: new Dictionary<string, string?> { ["SOURCE_DATE_EPOCH"] = Epoch })
            .RunAsync("collection", "push", skills.Repo("dev-tools") + ":1.0.0", "--skill", skills.Repo("pdf") + ":1.0.0", "--skill", skills.Repo("lint") + "@1.*", "--tag", "latest");

        Assert.True(pushed.Succeeded, pushed.ToString());
        Assert.Contains($"Pushed collection dev-tools {skills.Repo("dev-tools")}:1.0.0@sha256:", pushed.AllOutput, StringComparison.Ordinal);
        var raw = await Skopeo.InspectRawAsync(fixture.Registry.HostPort, "coll-cli/dev-tools:latest");
        var entries = JsonDocument.Parse(raw).RootElement.GetProperty("manifests").EnumerateArray()
            .ToDictionary(e => e.GetProperty("annotations").GetProperty(AnnotationKeys.SkillName).GetString()!, e => e.GetProperty("digest").GetString());
        Assert.Equal(pdf.ToString(), entries["pdf"]);
        Assert.Equal(lint.ToString(), entries["lint"]);
        Assert.Contains(Digest.ComputeSha256(raw).ToString(), pushed.Output, StringComparison.Ordinal);

        var notASkill = await tool.CreateCli(folder.Path).RunAsync("collection", "push", skills.Repo("bad") + ":1.0.0", "--skill", skills.Repo("dev-tools") + ":1.0.0");
        Assert.False(notASkill.Succeeded);
        Assert.Contains(ErrorCodes.CollectionMemberNotASkill, notASkill.AllOutput, StringComparison.Ordinal);
    }
}
