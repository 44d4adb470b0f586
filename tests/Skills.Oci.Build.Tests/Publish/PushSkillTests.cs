using System.Text;
using System.Text.Json;
using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Registry;
using Skills.Oci.Build.Tests.Oci.Registry;
using Skills.Oci.Build.Tests.Packaging;

namespace Skills.Oci.Build.Tests.Publish;

/// <summary>
/// <c>dotnet pack /t:PushSkill</c> end to end: the SDK resolved by the real NuGet SDK resolver from a
/// local feed of this repository's packages, a real registry, and the bytes read back.
/// </summary>
[Collection(RegistryCollectionDefinition.Name)]
public sealed class PushSkillTests(RegistryFixture fixture)
{
    private const string Epoch = "1775117469"; // 2026-04-02T08:11:09Z

    private static async Task<TestProjectWorkspace> SkillWorkspaceAsync(string name, string properties)
    {
        var workspace = await TestProjectWorkspace.CreateAsync();
        new SkillFixture(name) { Body = $"# {name}\n\nUse pdftotext." }
            .WithFrontmatter($"name: {name}", "description: Extract text and tables from PDF files.", "license: Apache-2.0", "allowed-tools: Bash(pdftotext:*) Read")
            .WithFile("scripts/extract.sh", "#!/bin/sh\npdftotext \"$1\" -\n", (UnixFileMode)0b111_101_101)
            .WithFile("references/guide.md", "# Guide\n")
            .WriteProject(workspace.Root.Combine(name), properties);
        return workspace;
    }

    [Fact]
    public async Task Pushing_changed_content_under_an_existing_version_warns_that_the_tag_moves()
    {
        var repository = ImageReference.Parse($"{fixture.Registry.HostPort}/publish/moved");
        using var workspace = await SkillWorkspaceAsync("moved", $"""
                <SkillRepository>{repository.RepositoryName}</SkillRepository>
            """);
        var cli = workspace.CreateCli("moved");
        var first = await cli.RunAsync("pack", "/t:PushSkill");
        Assert.True(first.Succeeded, first.ToString());
        using var client = TestClients.Isolated();
        var old = (await client.ResolveAsync(repository.WithTag("1.0.0"))).Digest;
        workspace.Write("moved/references/guide.md", "# Guide, revised\n");

        var second = await cli.RunAsync("pack", "/t:PushSkill");

        Assert.True(second.Succeeded, second.ToString());
        var moved = (await client.ResolveAsync(repository.WithTag("1.0.0"))).Digest;
        Assert.NotEqual(old, moved);
        Assert.Equal([ErrorCodes.TagMovedByPush], second.WarningCodes());
        var line = second.Output.Split('\n').Single(l => l.Contains(ErrorCodes.TagMovedByPush, StringComparison.Ordinal));
        Assert.Contains(old.ToString(), line, StringComparison.Ordinal);
        Assert.Contains(moved.ToString(), line, StringComparison.Ordinal);
        Assert.Contains("moved.csproj", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pack_then_push_publishes_the_spec_artifact_under_every_tag_and_a_second_push_uploads_nothing()
    {
        var repository = ImageReference.Parse($"{fixture.Registry.HostPort}/publish/pdf");
        using var workspace = await SkillWorkspaceAsync("pdf", $"""
                <SkillRepository>{repository.RepositoryName}</SkillRepository>
                <SkillAdditionalTags>latest;1;1.0</SkillAdditionalTags>
            """);
        var cli = workspace.CreateCli("pdf", new Dictionary<string, string?> { ["SOURCE_DATE_EPOCH"] = Epoch });

        var first = await cli.RunAsync("pack", "/t:PushSkill");

        Assert.True(first.Succeeded, first.ToString());
        Assert.Contains($"Pushed {repository.RepositoryName}:1.0.0@sha256:", first.Output, StringComparison.Ordinal);
        var layout = new OciImageLayout(Path.Combine(workspace.Path, "pdf", "bin", "Release", "pdf.1.0.0.oci"));
        var packed = (await layout.ResolveAsync("1.0.0", CancellationToken.None))!;
        var packedManifest = await layout.ReadBlobAsync(packed, 1 << 20, CancellationToken.None);

        using var client = TestClients.Isolated();
        foreach (var tag in new[] { "1.0.0", "latest", "1", "1.0" })
        {
            Assert.Equal(packed.Digest, (await client.ResolveAsync(repository.WithTag(tag))).Digest);
        }

        // What skopeo reads is exactly what was packed, in the format docs/format.md describes.
        Assert.Equal(packedManifest, await Skopeo.InspectRawAsync(fixture.Registry.HostPort, "publish/pdf:1.0.0"));
        var manifest = OciManifest.Parse(packedManifest);
        Assert.Equal(MediaTypes.SkillArtifact, manifest.ArtifactType);
        Assert.Equal(MediaTypes.SkillConfig, manifest.Config!.MediaType);
        var layer = Assert.Single(manifest.Layers!);
        Assert.Equal(MediaTypes.SkillContentLayer, layer.MediaType);
        Assert.Equal("pdf.tar.gz", layer.GetAnnotation(AnnotationKeys.Title));
        Assert.Equal("2026-04-02T08:11:09Z", manifest.GetAnnotation(AnnotationKeys.Created));
        Assert.Equal("pdf", manifest.GetAnnotation(AnnotationKeys.SkillName));
        Assert.Equal("1.0.0", manifest.GetAnnotation(AnnotationKeys.Version));
        Assert.Equal("Apache-2.0", manifest.GetAnnotation(AnnotationKeys.Licenses));
        var config = await client.FetchBlobBytesAsync(repository, manifest.Config, 1 << 20);
        Assert.Equal(
            """{"schemaVersion":"1","name":"pdf","version":"1.0.0","description":"Extract text and tables from PDF files.","license":"Apache-2.0","allowedTools":["Bash(pdftotext:*)","Read"]}""",
            Encoding.UTF8.GetString(config));

        // The archive holds exactly the source tree, rooted at pdf/.
        await using var layerStream = await client.FetchBlobAsync(repository, layer, long.MaxValue);
        var entries = SkillArchiveReader.ReadEntries(await TestClients.ReadAllAsync(layerStream));
        Assert.Equal(["pdf/", "pdf/SKILL.md", "pdf/references/", "pdf/references/guide.md", "pdf/scripts/", "pdf/scripts/extract.sh"], entries.Select(e => e.Name));
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(workspace.Path, "pdf", "SKILL.md")), entries.Single(e => e.Name == "pdf/SKILL.md").Data);

        // Again: same digests, no blob uploaded.
        fixture.Registry.ClearRequests();
        var second = await cli.RunAsync("pack", "/t:PushSkill");
        Assert.True(second.Succeeded, second.ToString());
        var requests = (await fixture.Registry.WaitForRequestsAsync()).Where(r => r.Path.StartsWith("/v2/publish/pdf/", StringComparison.Ordinal)).ToList();
        Assert.DoesNotContain(requests, r => r.Path.Contains("/blobs/uploads", StringComparison.Ordinal));
        Assert.Contains("0 blob(s) uploaded, 2 already present", second.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(ErrorCodes.TagMovedByPush, second.WarningCodes());
        Assert.Equal(packed.Digest, (await client.ResolveAsync(repository.WithTag("1.0.0"))).Digest);

        // PushSkill alone pushes the layout packed earlier and returns the pushed reference as an item.
        var again = await cli.RunAsync("msbuild", "-t:PushSkill", "-p:Configuration=Release", "-getTargetResult:PushSkill");
        Assert.True(again.Succeeded, again.ToString());
        using var json = JsonDocument.Parse(again.Output[again.Output.IndexOf('{', StringComparison.Ordinal)..]);
        var item = json.RootElement.GetProperty("TargetResults").GetProperty("PushSkill").GetProperty("Items")[0];
        Assert.Equal($"{repository.RepositoryName}:1.0.0@{packed.Digest}", item.GetProperty("Identity").GetString());
        Assert.Equal(packed.Digest.ToString(), item.GetProperty("Digest").GetString());
        Assert.Equal("1.0.0;latest;1;1.0", item.GetProperty("Tags").GetString());
    }

    [Fact]
    public async Task Push_to_a_registry_that_needs_auth_fails_without_credentials_and_works_with_them()
    {
        await using var registry = await RegistryProcess.StartAsync(new RegistryOptions { BasicAuth = BasicAuthUser.Default });
        var repository = ImageReference.Parse($"{registry.HostPort}/publish/auth-skill");
        using var workspace = await SkillWorkspaceAsync("auth-skill", $"<SkillRepository>{repository.RepositoryName}</SkillRepository>");

        var refused = await workspace.CreateCli("auth-skill").RunAsync("pack", "/t:PushSkill");

        Assert.False(refused.Succeeded);
        Assert.Contains(ErrorCodes.RegistryUnauthorized, refused.ErrorCodes());
        Assert.Contains($"The registry {registry.HostPort} refused access to publish/auth-skill", refused.Output, StringComparison.Ordinal);
        Assert.Contains("No credentials were found", refused.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", refused.Output, StringComparison.Ordinal);
        // The error points at the project, not at the SDK's targets file in the NuGet cache.
        var errorLine = refused.Output.Split('\n').First(l => l.Contains("error " + ErrorCodes.RegistryUnauthorized, StringComparison.Ordinal));
        Assert.Contains("auth-skill.csproj", errorLine.Split("error")[0], StringComparison.Ordinal);
        Assert.DoesNotContain(".targets", errorLine.Split("error")[0], StringComparison.Ordinal);
        using var client = TestClients.Isolated(new RegistryClientOptions
        {
            Environment = k => k == "SKILLS_OCI_REGISTRY_USERNAME" ? "testuser" : k == "SKILLS_OCI_REGISTRY_PASSWORD" ? "testpass" : null,
        });
        Assert.Equal(RegistryErrorKind.NotFound, (await Assert.ThrowsAsync<RegistryException>(() => client.ListTagsAsync(repository))).Kind);

        var pushed = await workspace.CreateCli("auth-skill", new Dictionary<string, string?>
        {
            ["SKILLS_OCI_PUSH_REGISTRY_USERNAME"] = BasicAuthUser.Default.Username,
            ["SKILLS_OCI_PUSH_REGISTRY_PASSWORD"] = BasicAuthUser.Default.Password,
        }).RunAsync("pack", "/t:PushSkill", "-v:diag");

        Assert.True(pushed.Succeeded, pushed.ToString());
        Assert.Equal(["1.0.0"], await client.ListTagsAsync(repository));
        Assert.DoesNotContain(BasicAuthUser.Default.Password, pushed.AllOutput.Replace("SKILLS_OCI_PUSH_REGISTRY_PASSWORD = testpass", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Versions_that_cannot_be_tags_and_a_missing_repository_are_coded_errors_before_any_request()
    {
        using var workspace = await SkillWorkspaceAsync("bad-push", "<SkillAdditionalTags>latest</SkillAdditionalTags>");
        var cli = workspace.CreateCli("bad-push");
        var projectFile = Path.Combine(workspace.Path, "bad-push", "bad-push.csproj");

        var noRepository = await cli.RunAsync("pack", "/t:PushSkill");
        var buildMetadata = await cli.RunAsync("pack", "/t:PushSkill", "-p:Version=1.2.0+build.5", $"-p:SkillRepository={fixture.Registry.HostPort}/publish/bad-push");
        var badTag = await cli.RunAsync("pack", "/t:PushSkill", "-p:SkillAdditionalTags=-nope", $"-p:SkillRepository={fixture.Registry.HostPort}/publish/bad-push");

        Assert.Equal([ErrorCodes.SkillRepositoryMissing], noRepository.ErrorCodes());
        Assert.Contains($"{projectFile} : error {ErrorCodes.SkillRepositoryMissing}", noRepository.Output, StringComparison.Ordinal);
        Assert.Equal([ErrorCodes.VersionNotATag], buildMetadata.ErrorCodes());
        Assert.Equal([ErrorCodes.SkillTagInvalid], badTag.ErrorCodes());
        using var client = TestClients.Isolated();
        Assert.Equal(RegistryErrorKind.NotFound,
            (await Assert.ThrowsAsync<RegistryException>(() => client.ListTagsAsync(ImageReference.Parse($"{fixture.Registry.HostPort}/publish/bad-push")))).Kind);
    }
}
