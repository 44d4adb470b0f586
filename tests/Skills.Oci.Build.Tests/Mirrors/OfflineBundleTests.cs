using System.Text.Json;
using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Restore;
using Skills.Oci.Build.Sigstore.Keys;
using Skills.Oci.Build.Tests.Consume;
using Skills.Oci.Build.Tests.Tool;

namespace Skills.Oci.Build.Tests.Mirrors;

/// <summary>
/// Offline bundles: ExportSkills and <c>skills-oci export</c> write the locked skills and their
/// signatures into one OCI image layout; an air-gapped repository restores from it with the registry
/// stopped, verified against the lock and the trust policies. Each test runs its own registry.
/// </summary>
public sealed class OfflineBundleTests
{
    [Fact]
    public async Task An_exported_bundle_restores_with_the_registry_stopped_and_a_signed_skill_verifies_from_the_bundled_signatures()
    {
        await using var registry = await RegistryProcess.StartAsync();
        using var publisher = new RegistrySkillPublisher(registry, "bundle-trust");
        await publisher.PublishAsync("pdf", "1.0.0", ("notes.md", "signed\n"));
        await publisher.PublishAsync("docs", "2.0.0", ("notes.md", "plain\n"));
        using var key = SigningKey.Generate(KeyAlgorithm.EcdsaP256);
        await TrustTests.SignAsync(registry, publisher, "pdf", "1.0.0", key);
        var policy = TrustTests.KeyPolicy(publisher.Repo("pdf"), "skills.pub");
        (string, string?)[] references = [(publisher.Repo("pdf"), "1.0.0"), (publisher.Repo("docs"), "2.0.0")];

        using var outside = await ConsumerWorkspace.CreateAsync();
        TrustTests.WriteKey(outside, "skills.pub", key);
        outside.WriteProject("App.csproj", references, policy);
        var restore = await outside.Cli().RunAsync("restore");
        Assert.True(restore.Succeeded, restore.ToString());
        var export = await outside.Cli().RunAsync("msbuild", "-t:ExportSkills", "-p:SkillsExportPath=skills-bundle");
        Assert.True(export.Succeeded, export.ToString());
        Assert.Contains("Exported 2 skills (1 with signatures)", export.Output, StringComparison.Ordinal);
        var bundle = outside.File("skills-bundle");
        Assert.Contains($"{publisher.Repo("pdf")}:1.0.0", RefNames(bundle));
        Assert.Contains($"{publisher.Repo("docs")}@{LockedDigest(outside, "docs")}", RefNames(bundle));
        await registry.StopAsync();

        // An air-gapped job: the same repository (lock, project, key) and the bundle, a cold cache, no registry.
        using var airGapped = await AirGappedCopyAsync(outside, references, policy, key);
        var offline = await airGapped.Cli().RunAsync("restore", $"-p:SkillsSource={bundle}", "-p:SkillsLockedMode=true", "-v:detailed");

        Assert.True(offline.Succeeded, offline.ToString());
        Assert.Equal("signed\n", File.ReadAllText(airGapped.SkillFile("pdf", "notes.md")));
        Assert.Equal("plain\n", File.ReadAllText(airGapped.SkillFile("docs", "notes.md")));
        Assert.Contains($"signed by key:{key.PublicKey.Fingerprint}", offline.Output, StringComparison.Ordinal);
        Assert.Equal(outside.ReadLock(), airGapped.ReadLock());

        // skills-oci import does the same in locked mode.
        using var imported = await AirGappedCopyAsync(outside, references, policy, key);
        var tool = await SkillsOciTool.GetAsync();
        var import = await InstallCommandTests.ToolCli(tool, imported).RunAsync("import", bundle);

        Assert.True(import.Succeeded, import.ToString());
        Assert.Equal("signed\n", File.ReadAllText(imported.SkillFile("pdf", "notes.md")));
        Assert.Equal(outside.ReadLock(), imported.ReadLock());
    }

    [Fact]
    public async Task A_tampered_bundle_fails_the_restore_with_a_digest_mismatch_and_installs_nothing_and_a_missing_skill_is_SKOCI8043()
    {
        await using var registry = await RegistryProcess.StartAsync();
        using var publisher = new RegistrySkillPublisher(registry, "bundle-tamper");
        await publisher.PublishAsync("pdf", "1.0.0", ("notes.md", "genuine\n"));
        (string, string?)[] references = [(publisher.Repo("pdf"), "1.0.0")];
        using var outside = await ConsumerWorkspace.CreateAsync();
        outside.WriteProject("App.csproj", references);
        Assert.True((await outside.Cli().RunAsync("restore")).Succeeded);
        var tool = await SkillsOciTool.GetAsync();
        var bundle = outside.File("bundle");
        var export = await InstallCommandTests.ToolCli(tool, outside).RunAsync("export", bundle);
        Assert.True(export.Succeeded, export.ToString());
        await registry.StopAsync();

        var layer = LayerBlob(bundle, $"{publisher.Repo("pdf")}:1.0.0");
        var bytes = File.ReadAllBytes(layer);
        bytes[bytes.Length / 2] ^= 0xFF;
        File.WriteAllBytes(layer, bytes);
        using var tampered = await AirGappedCopyAsync(outside, references, string.Empty, key: null);
        var refused = await tampered.Cli().RunAsync("restore", $"-p:SkillsSource={bundle}", "-p:SkillsLockedMode=true");

        Assert.False(refused.Succeeded, refused.ToString());
        Assert.Equal([ErrorCodes.DigestMismatch], refused.ErrorCodes().Distinct());
        Assert.False(Directory.Exists(tampered.File(".agents/skills/pdf")));
        Assert.Equal(outside.ReadLock(), tampered.ReadLock());

        // A bundle that lacks a locked skill names it.
        File.Delete(layer);
        File.WriteAllText(Path.Combine(bundle, "index.json"), """{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}""");
        var missing = await tampered.Cli().RunAsync("restore", $"-p:SkillsSource={bundle}", "-p:SkillsLockedMode=true");

        Assert.False(missing.Succeeded, missing.ToString());
        Assert.Equal([ErrorCodes.BundleMissingSkill], missing.ErrorCodes().Distinct());
    }

    [Fact]
    public async Task Export_without_a_folder_is_SKOCI8045_without_a_lock_SKOCI8044_and_a_source_that_is_no_bundle_SKOCI8042()
    {
        using var workspace = await ConsumerWorkspace.CreateAsync();
        // No registry answers there: each of these must fail on its setting before any network use.
        workspace.WriteProject("App.csproj", [("127.0.0.1:9/skills/pdf", "1.0.0")]);

        var noFolder = await workspace.Cli().RunAsync("msbuild", "-t:ExportSkills");
        var noLock = await workspace.Cli().RunAsync("msbuild", "-t:ExportSkills", $"-p:SkillsExportPath={workspace.File("bundle")}");
        Directory.CreateDirectory(workspace.File("not-a-bundle"));
        var noBundle = await workspace.Cli().RunAsync("restore", $"-p:SkillsSource={workspace.File("not-a-bundle")}");

        Assert.Equal([ErrorCodes.ExportPathMissing], noFolder.ErrorCodes().Distinct());
        Assert.Equal([ErrorCodes.ExportNothingLocked], noLock.ErrorCodes().Distinct());
        Assert.False(Directory.Exists(workspace.File("bundle")));
        Assert.Equal([ErrorCodes.BundleNotFound], noBundle.ErrorCodes().Distinct());
        Assert.Contains("not-a-bundle", noBundle.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(workspace.LockPath));
    }

    private static async Task<ConsumerWorkspace> AirGappedCopyAsync(ConsumerWorkspace outside, (string, string?)[] references, string extra, SigningKey? key)
    {
        var copy = await ConsumerWorkspace.CreateAsync();
        if (key is not null)
        {
            TrustTests.WriteKey(copy, "skills.pub", key);
        }

        copy.WriteProject("App.csproj", references, extra);
        File.WriteAllText(copy.LockPath, outside.ReadLock());
        return copy;
    }

    private static Digest LockedDigest(ConsumerWorkspace repo, string name) =>
        LockFile.Parse(File.ReadAllBytes(repo.LockPath), repo.LockPath).Find(name)!.RegistrySource.Digest;

    private static List<string> RefNames(string bundle)
    {
        using var index = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(bundle, "index.json")));
        return index.RootElement.GetProperty("manifests").EnumerateArray()
            .Select(m => m.TryGetProperty("annotations", out var a) && a.TryGetProperty(AnnotationKeys.RefName, out var n) ? n.GetString()! : string.Empty)
            .ToList();
    }

    /// <summary>The layer blob of the manifest listed under <paramref name="refName"/>.</summary>
    private static string LayerBlob(string bundle, string refName)
    {
        using var index = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(bundle, "index.json")));
        var manifestDigest = Digest.Parse(index.RootElement.GetProperty("manifests").EnumerateArray()
            .First(m => m.TryGetProperty("annotations", out var a) && a.TryGetProperty(AnnotationKeys.RefName, out var n) && n.GetString() == refName)
            .GetProperty("digest").GetString()!);
        var layout = new OciImageLayout(bundle);
        var manifest = OciManifest.Parse(File.ReadAllBytes(layout.BlobPath(manifestDigest)));
        return layout.BlobPath(manifest.Layers![0].Digest);
    }
}
