using System.Text;
using System.Text.Json;
using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Restore;
using Skills.Oci.Build.Tests.Consume;
using Skills.Oci.Build.Tests.Sigstore;
using Skills.Oci.Build.Tests.Tool;

namespace Skills.Oci.Build.Tests.SupplyChain;

/// <summary>The CycloneDX 1.6 bill of materials of a lock: valid against the schema, one component per skill with hash, purl and signer.</summary>
public sealed class LockSbomTests
{
    private static readonly Digest PdfManifest = Digest.ComputeSha256("pdf manifest"u8);
    private static readonly Digest PdfContent = Digest.ComputeSha256("pdf content"u8);
    private static readonly Digest FontsManifest = Digest.ComputeSha256("fonts manifest"u8);
    private static readonly Digest PackageContent = Digest.ComputeSha256("package content"u8);

    internal static LockFile SampleLock() => new()
    {
        GeneratedAt = "2026-12-02T10:00:00Z",
        Skills =
        [
            new LockEntry
            {
                Name = "fonts",
                Path = ".agents/skills/fonts",
                Source = new RegistryLockSource("127.0.0.1:5000", "acme/skills/fonts", "2.0.0", FontsManifest),
                InstalledAt = "2026-12-02T10:00:00Z",
                RequiredBy = ["pdf"],
                Requests = [new LockRequest("pdf", Version: "2.*")],
            },
            new LockEntry
            {
                Name = "lint",
                Path = ".agents/skills/lint",
                Source = new NuGetLockSource("Acme.Lint", "1.2.3", "skills/lint"),
                InstalledAt = "2026-12-02T10:00:00Z",
                ContentDigest = PackageContent,
                Requests = [new LockRequest("src/App/App.csproj", Version: "1.2.3")],
            },
            new LockEntry
            {
                Name = "pdf",
                Path = ".agents/skills/pdf",
                Source = new RegistryLockSource("ghcr.io", "acme/skills/pdf", "1.0.0", PdfManifest),
                InstalledAt = "2026-12-02T10:00:00Z",
                VerifiedBy = "key:sha256:" + new string('a', 64),
                ContentDigest = PdfContent,
                Scan = new Skills.Oci.Build.Security.ScanRecord("skills-oci-scan/1", [new("SKOCI5120", 2), new("SKOCI5140", 1)], [new("SKOCI5140", "our own formatter hook")]),
                Requests = [new LockRequest("src/App/App.csproj", Version: "1.0.0")],
            },
        ],
    };

    [Fact]
    public void Each_skill_is_a_component_with_its_hash_package_url_and_signer_and_the_same_lock_gives_the_same_bytes()
    {
        var lockFile = SampleLock();
        var bytes = lockFile.Serialize();

        var first = LockSbom.Serialize(lockFile, bytes, "repo", "1.0.0");
        using var document = JsonDocument.Parse(first);
        var root = document.RootElement;

        Assert.Equal("CycloneDX", root.GetProperty("bomFormat").GetString());
        Assert.Equal("1.6", root.GetProperty("specVersion").GetString());
        Assert.Equal("2026-12-02T10:00:00Z", root.GetProperty("metadata").GetProperty("timestamp").GetString());
        var components = root.GetProperty("components").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!);
        Assert.Equal(["fonts", "lint", "pdf"], components.Keys.Order(StringComparer.Ordinal));
        var pdf = components["pdf"];
        Assert.Equal("1.0.0", pdf.GetProperty("version").GetString());
        Assert.Equal(PdfManifest.Encoded, pdf.GetProperty("hashes")[0].GetProperty("content").GetString());
        Assert.Equal($"pkg:oci/pdf@sha256%3A{PdfManifest.Encoded}?repository_url=ghcr.io/acme/skills/pdf&tag=1.0.0", pdf.GetProperty("purl").GetString());
        var properties = pdf.GetProperty("properties").EnumerateArray().ToDictionary(p => p.GetProperty("name").GetString()!, p => p.GetProperty("value").GetString());
        Assert.Equal("key:sha256:" + new string('a', 64), properties["skills-oci:signer"]);
        Assert.Equal(PdfContent.ToString(), properties["skills-oci:contentDigest"]);
        Assert.Equal("skills-oci-scan/1", properties["skills-oci:scanner"]);
        Assert.Equal("2", properties["skills-oci:finding:SKOCI5120"]);
        Assert.Equal("1", properties["skills-oci:finding:SKOCI5140"]);
        Assert.Equal("our own formatter hook", properties["skills-oci:allowed:SKOCI5140"]);
        Assert.DoesNotContain(components["fonts"].GetProperty("properties").EnumerateArray(), p => p.GetProperty("name").GetString()!.StartsWith("skills-oci:finding:", StringComparison.Ordinal));
        Assert.Equal("pkg:nuget/Acme.Lint@1.2.3", components["lint"].GetProperty("purl").GetString());
        Assert.Equal(PackageContent.Encoded, components["lint"].GetProperty("hashes")[0].GetProperty("content").GetString());
        var pdfDependencies = root.GetProperty("dependencies").EnumerateArray().Single(d => d.GetProperty("ref").GetString() == "skill:pdf");
        Assert.Equal(["skill:fonts"], pdfDependencies.GetProperty("dependsOn").EnumerateArray().Select(d => d.GetString()));
        Assert.Equal(first, LockSbom.Serialize(lockFile, bytes, "repo", "1.0.0"));
    }

    [NodeFact]
    public async Task The_CycloneDX_library_validates_the_document_against_the_1_6_schema_and_reads_every_purl()
    {
        using var temp = new TempFolder("sbom");
        var lockFile = SampleLock();
        var path = temp.Write("skills.cdx.json", LockSbom.Serialize(lockFile, lockFile.Serialize(), "repo", "1.0.0"));

        var result = await CycloneDxValidator.ValidateAsync(path);

        Assert.True(result.GetProperty("valid").GetBoolean(), result.ToString());
        var purls = result.GetProperty("purls").EnumerateArray().ToList();
        Assert.Equal(3, purls.Count);
        var pdf = purls.Single(p => p.GetProperty("name").GetString() == "pdf");
        Assert.Equal("oci", pdf.GetProperty("type").GetString());
        Assert.Equal(PdfManifest.ToString(), pdf.GetProperty("version").GetString());
        Assert.Equal("ghcr.io/acme/skills/pdf", pdf.GetProperty("qualifiers").GetProperty("repository_url").GetString());
        var fonts = purls.Single(p => p.GetProperty("name").GetString() == "fonts");
        Assert.Equal("127.0.0.1:5000/acme/skills/fonts", fonts.GetProperty("qualifiers").GetProperty("repository_url").GetString());
    }

    [NodeFact]
    public async Task A_document_the_validator_must_refuse_is_refused()
    {
        using var temp = new TempFolder("sbom");
        var lockFile = SampleLock();
        var text = Encoding.UTF8.GetString(LockSbom.Serialize(lockFile, lockFile.Serialize(), "repo", "1.0.0")).Replace("\"SHA-256\"", "\"SHA-999\"", StringComparison.Ordinal);
        var path = temp.Write("bad.cdx.json", Encoding.UTF8.GetBytes(text));

        var result = await CycloneDxValidator.ValidateAsync(path);

        Assert.False(result.GetProperty("valid").GetBoolean(), result.ToString());
    }

    [Fact]
    public async Task Without_a_lock_it_is_SKOCI5220()
    {
        using var temp = new TempFolder("sbom");

        var ex = await Assert.ThrowsAsync<SkillsOciException>(() => LockSbom.WriteAsync(new LockSbomRequest { LockFilePath = Path.Combine(temp.Path, "skills.lock.json"), OutputPath = Path.Combine(temp.Path, "x.json"), ToolVersion = "1.0.0" }, CancellationToken.None));

        Assert.Equal(ErrorCodes.SbomNothingLocked, ex.Code);
    }
}

/// <summary>ExportSkillsSbom through real MSBuild and <c>skills-oci sbom</c> describe what a real restore locked.</summary>
[Collection(RegistryCollectionDefinition.Name)]
public sealed class LockSbomExportTests(RegistryFixture fixture)
{
    [NodeFact]
    public async Task ExportSkillsSbom_and_skills_oci_sbom_write_a_valid_document_of_the_restored_lock()
    {
        using var publisher = new RegistrySkillPublisher(fixture.Registry, "sbom-export");
        var digest = await publisher.PublishAsync("pdf", "1.0.0");
        using var repo = await ConsumerWorkspace.CreateAsync();
        repo.WriteProject("src/App/App.csproj", (publisher.Repo("pdf"), "1.0.0"));
        var cli = repo.Cli("src/App");
        var restore = await cli.RunAsync("restore");
        Assert.True(restore.Succeeded, restore.ToString());

        var export = await cli.RunAsync("msbuild", "-t:ExportSkillsSbom", "-p:SkillsSbomPath=out/bom.json");

        Assert.True(export.Succeeded, export.ToString());
        var written = repo.File("src/App/out/bom.json");
        var result = await CycloneDxValidator.ValidateAsync(written);
        Assert.True(result.GetProperty("valid").GetBoolean(), result.ToString());
        var purl = Assert.Single(result.GetProperty("purls").EnumerateArray());
        Assert.Equal(digest.ToString(), purl.GetProperty("version").GetString());
        Assert.Equal(publisher.Repo("pdf"), purl.GetProperty("qualifiers").GetProperty("repository_url").GetString());

        using var console = new ToolConsoleCapture();
        var exit = await console.RunAsync("sbom", "--root", repo.Root, "--output", repo.File("tool.cdx.json"));

        Assert.Equal(0, exit);
        // The same document but for the writing tool's version (the task runs from the packed SDK, the command in this process).
        using var fromTask = JsonDocument.Parse(File.ReadAllBytes(written));
        using var fromTool = JsonDocument.Parse(File.ReadAllBytes(repo.File("tool.cdx.json")));
        Assert.Equal(fromTask.RootElement.GetProperty("components").GetRawText(), fromTool.RootElement.GetProperty("components").GetRawText());
        Assert.Equal(fromTask.RootElement.GetProperty("serialNumber").GetString(), fromTool.RootElement.GetProperty("serialNumber").GetString());
    }
}
