using System.Text.Json;
using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Sigstore.Keys;
using Skills.Oci.Build.Sigstore.TrustedRoots;
using Skills.Oci.Build.Sigstore.Verification;
using Skills.Oci.Build.Tests.Oci.Registry;
using Skills.Oci.Build.Trust;
using Skills.Oci.Build.Trust.Signatures;

namespace Skills.Oci.Build.Tests.Tool.Edit;

/// <summary><c>skills-oci push</c>, the installed tool against a real registry: the bytes <c>dotnet pack</c> makes of the same folder.</summary>
[Collection(RegistryCollectionDefinition.Name)]
public sealed class PushCommandTests(RegistryFixture fixture)
{
    private const string Epoch = "1775117469";

    private static SkillFixture Skill(string name) =>
        new SkillFixture(name, "Extract text from PDF files.") { Body = $"# {name}\n\nUse pdftotext.\n" }
            .WithFile("scripts/extract.sh", "#!/bin/sh\npdftotext \"$1\" -\n", (UnixFileMode)0b111_101_101)
            .WithFile("references/guide.md", "# Guide\n")
            .WithFile(".github/notes.md", "hidden folders are content\n")
            .WithFile("references/.DS_Store", "excluded\n")
            .WithFile("trace.binlog", "excluded\n");

    [Fact]
    public async Task A_folder_pushes_the_manifest_and_layer_dotnet_pack_makes_of_it_under_every_tag()
    {
        using var workspace = await TestProjectWorkspace.CreateAsync();
        var packed = ImageReference.Parse($"{fixture.Registry.HostPort}/tool-push/by-pack");
        var pushed = ImageReference.Parse($"{fixture.Registry.HostPort}/tool-push/by-tool");
        Skill("pdf-tool").WriteProject(workspace.Root.Combine("project/pdf-tool"), $"<SkillRepository>{packed.RepositoryName}</SkillRepository>");
        var folder = Skill("pdf-tool").WriteFolder(workspace.Root.Combine("folder/pdf-tool"));
        var environment = new Dictionary<string, string?> { ["SOURCE_DATE_EPOCH"] = Epoch };
        var cli = (await SkillsOciTool.GetAsync()).CreateCli(workspace, "folder", environment);

        var pack = await workspace.CreateCli("project/pdf-tool", environment).RunAsync("pack", "/t:PushSkill");
        var push = await cli.RunAsync("push", $"{pushed.RepositoryName}:1.0.0", "--path", "pdf-tool", "--tag", "latest", "--tag", "1");
        var json = await cli.RunAsync("push", $"{pushed.RepositoryName}:1.0.0", "--path", folder, "--format", "json");

        Assert.True(pack.Succeeded, pack.ToString());
        Assert.True(push.Succeeded, push.ToString());
        Assert.True(json.Succeeded, json.ToString());
        var packedManifest = await Skopeo.InspectRawAsync(fixture.Registry.HostPort, "tool-push/by-pack:1.0.0");
        Assert.Equal(packedManifest, await Skopeo.InspectRawAsync(fixture.Registry.HostPort, "tool-push/by-tool:1.0.0"));
        var layer = Assert.Single(OciManifest.Parse(packedManifest).Layers!);
        Assert.Equal("pdf-tool.tar.gz", layer.GetAnnotation(AnnotationKeys.Title));

        using var client = TestClients.Isolated();
        var digest = (await client.ResolveAsync(pushed.WithTag("1.0.0"))).Digest;
        Assert.Equal((await client.ResolveAsync(packed.WithTag("1.0.0"))).Digest, digest);
        foreach (var tag in new[] { "latest", "1" })
        {
            Assert.Equal(digest, (await client.ResolveAsync(pushed.WithTag(tag))).Digest);
        }

        // The answer: the pushed reference and digest on standard output, the summary as progress.
        Assert.Equal($"{pushed.RepositoryName}:1.0.0@{digest}", push.Output.Trim().Split('\n')[^1].Trim());
        Assert.Contains("Pushed ", push.Output, StringComparison.Ordinal);
        using var document = JsonDocument.Parse(json.Output);
        Assert.Equal(digest.ToString(), document.RootElement.GetProperty("digest").GetString());
        Assert.Equal(["1.0.0"], document.RootElement.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Contains("0 blob(s) uploaded", json.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task In_a_git_repository_push_records_the_commit_dotnet_pack_records_and_the_bytes_stay_equal()
    {
        using var workspace = await TestProjectWorkspace.CreateAsync();
        var packed = ImageReference.Parse($"{fixture.Registry.HostPort}/tool-push/git-pack");
        var pushed = ImageReference.Parse($"{fixture.Registry.HostPort}/tool-push/git-tool");
        Skill("git-skill").WriteProject(workspace.Root.Combine("project/git-skill"), $"<SkillRepository>{packed.RepositoryName}</SkillRepository>");
        Skill("git-skill").WriteFolder(workspace.Root.Combine("folder/git-skill"));
        var commit = await Git.CommitAllAsync(workspace.Path);
        var environment = new Dictionary<string, string?> { ["SOURCE_DATE_EPOCH"] = Epoch };

        var pack = await workspace.CreateCli("project/git-skill", environment).RunAsync("pack", "/t:PushSkill");
        var push = await (await SkillsOciTool.GetAsync()).CreateCli(workspace, "folder", environment).RunAsync("push", $"{pushed.RepositoryName}:1.0.0", "--path", "git-skill");

        Assert.True(pack.Succeeded, pack.ToString());
        Assert.True(push.Succeeded, push.ToString());
        var manifest = await Skopeo.InspectRawAsync(fixture.Registry.HostPort, "tool-push/git-tool:1.0.0");
        Assert.Equal(commit, OciManifest.Parse(manifest).GetAnnotation(AnnotationKeys.Revision));
        Assert.Equal(await Skopeo.InspectRawAsync(fixture.Registry.HostPort, "tool-push/git-pack:1.0.0"), manifest);
    }

    [Fact]
    public async Task A_signing_key_signs_what_was_pushed_with_its_password_only_in_the_environment()
    {
        const string password = "tool-signing-password";
        using var workspace = await TestProjectWorkspace.CreateAsync();
        using var key = SigningKey.Generate(KeyAlgorithm.EcdsaP256);
        var keyFile = workspace.Write("keys/signing.key", key.ToEncryptedPem(password));
        var repository = ImageReference.Parse($"{fixture.Registry.HostPort}/tool-push/signed");
        Skill("signed").WriteFolder(workspace.Root.Combine("signed"));
        var tool = await SkillsOciTool.GetAsync();

        var missing = await tool.CreateCli(workspace, "signed").RunAsync("push", $"{repository.RepositoryName}:1.0.0", "--sign-key", "nope.key");
        var pushed = await tool.CreateCli(workspace, "signed", new Dictionary<string, string?> { ["SKILLS_OCI_SIGNING_PASSWORD"] = password })
            .RunAsync("push", $"{repository.RepositoryName}:1.0.0", "--sign-key", keyFile);

        Assert.Equal(1, missing.ExitCode);
        Assert.Equal([ErrorCodes.KeyInvalid], missing.ErrorCodes());
        Assert.True(pushed.Succeeded, pushed.ToString());
        Assert.Contains($"signed by key:{key.PublicKey.Fingerprint}", pushed.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(password, pushed.AllOutput, StringComparison.Ordinal);
        using var client = TestClients.Isolated();
        var manifest = await client.ResolveAsync(repository.WithTag("1.0.0"));
        var found = await new SignatureStore().FindAsync(client, repository, manifest.Digest, CancellationToken.None);
        var requirement = new SkillTrustRequirement(VerificationPolicy.ForKey(key.PublicKey));
        Assert.True(new SkillTrustEvaluator(TrustedRoot.Production).Evaluate(found, manifest.Digest, requirement).IsVerified);
    }

    [Fact]
    public async Task A_reference_without_a_version_a_project_folder_and_an_invalid_skill_are_coded_errors_before_any_push()
    {
        using var workspace = await TestProjectWorkspace.CreateAsync();
        var repository = $"{fixture.Registry.HostPort}/tool-push/refused";
        new SkillFixture("refused").WriteProject(workspace.Root.Combine("project"));
        new SkillFixture("refused").WithFrontmatter("name: refused").WriteFolder(workspace.Root.Combine("invalid"));
        var tool = await SkillsOciTool.GetAsync();

        var noTag = await tool.CreateCli(workspace, "invalid").RunAsync("push", repository);
        var project = await tool.CreateCli(workspace, "project").RunAsync("push", repository + ":1.0.0");
        var invalid = await tool.CreateCli(workspace, "invalid").RunAsync("push", repository + ":1.0.0");
        var badTag = await tool.CreateCli(workspace, "project").RunAsync("push", repository + ":1.0.0", "--path", "../invalid", "--tag", "-nope");

        Assert.Equal([ErrorCodes.PushReferenceInvalid], noTag.ErrorCodes());
        Assert.Equal([ErrorCodes.PushFolderInvalid], project.ErrorCodes());
        Assert.Equal([ErrorCodes.DescriptionMissing], invalid.ErrorCodes());
        Assert.Contains(ErrorCodes.DescriptionMissing, badTag.ErrorCodes());
        Assert.All(new[] { noTag, project, invalid, badTag }, r => Assert.Equal(1, r.ExitCode));
        Assert.DoesNotContain("   at ", invalid.AllOutput, StringComparison.Ordinal);
        using var client = TestClients.Isolated();
        Assert.Equal(RegistryErrorKind.NotFound,
            (await Assert.ThrowsAsync<RegistryException>(() => client.ListTagsAsync(ImageReference.Parse(repository)))).Kind);
    }
}
