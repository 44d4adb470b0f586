using System.Text;
using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Restore;

namespace Skills.Oci.Build.Tests.Restore;

public sealed class NuGetLockSourceTests
{
    private static readonly Digest Content = Digest.Parse("sha256:" + new string('a', 64));

    private static LockFile Lock(params LockEntry[] entries) => new() { GeneratedAt = "2026-01-01T00:00:00Z", Skills = entries };

    private static LockEntry PackageEntry(string name, string package, string version) => new()
    {
        Name = name,
        Path = LockEntry.PrimaryPath(name),
        Source = new NuGetLockSource(package, version, $"skills/{name}"),
        InstalledAt = "2026-01-01T00:00:00Z",
        Requests = [new LockRequest("src/App/App.csproj", version)],
        ContentDigest = Content,
    };

    [Fact]
    public void A_package_entry_round_trips_sorted_with_registry_entries_and_registry_sources_are_written_as_before()
    {
        var registry = new LockEntry
        {
            Name = "b-registry",
            Path = LockEntry.PrimaryPath("b-registry"),
            Source = new RegistryLockSource("ghcr.io", "acme/b-registry", "1.0.0", Content),
            InstalledAt = "2026-01-01T00:00:00Z",
            Requests = [new LockRequest("src/App/App.csproj", "1.0.0") { Override = true }],
        };
        var original = Lock(PackageEntry("c-json", "Contoso.Json", "2.0.0"), registry, PackageEntry("a-xml", "Fabrikam.Xml", "1.0.0-beta.1"));

        var bytes = original.Serialize();
        var text = Encoding.UTF8.GetString(bytes);
        var parsed = LockFile.Parse(bytes, "skills.lock.json");

        Assert.Equal(["a-xml", "b-registry", "c-json"], parsed.Skills.Select(s => s.Name));
        Assert.True(parsed.SameContentAs(original));
        Assert.Equal(new NuGetLockSource("Contoso.Json", "2.0.0", "skills/c-json"), parsed.Find("c-json")!.Source);
        Assert.True(parsed.Find("b-registry")!.Requests[0].Override);
        Assert.Contains("\"type\": \"nuget\"", text, StringComparison.Ordinal);
        Assert.Contains("\"ref\": \"ghcr.io/acme/b-registry:1.0.0@", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\"type\": \"registry\"", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"package\": \"Contoso.Json\", \"version\": \"1.0.0\", \"path\": \"skills/other\"")]
    [InlineData("\"package\": \"Contoso.Json\", \"version\": \"1.0.0\", \"path\": \"../../x\"")]
    [InlineData("\"package\": \"Contoso.Json\", \"version\": \"not-a-version\", \"path\": \"skills/json\"")]
    [InlineData("\"package\": \"../evil\", \"version\": \"1.0.0\", \"path\": \"skills/json\"")]
    [InlineData("\"version\": \"1.0.0\", \"path\": \"skills/json\"")]
    public void A_package_source_that_does_not_name_its_own_skill_folder_or_a_valid_package_is_refused(string fields)
    {
        var json = $$"""
            { "lockfileVersion": 1, "skills": [ { "name": "json", "path": ".agents/skills/json",
              "source": { "type": "nuget", {{fields}} }, "projects": ["App.csproj"], "requests": [ { "project": "App.csproj", "version": "1.0.0" } ] } ] }
            """;

        var error = Assert.Throws<SkillsOciException>(() => LockFile.Parse(Encoding.UTF8.GetBytes(json), "skills.lock.json"));

        Assert.Equal(ErrorCodes.InvalidLockFile, error.Diagnostic.Code);
    }

    [Fact]
    public void An_unknown_source_type_is_refused_rather_than_read_as_a_registry()
    {
        var json = """
            { "lockfileVersion": 1, "skills": [ { "name": "json", "path": ".agents/skills/json", "source": { "type": "npm", "registry": "r", "repository": "x", "digest": "sha256:0" } } ] }
            """;

        Assert.Equal(ErrorCodes.InvalidLockFile, Assert.Throws<SkillsOciException>(() => LockFile.Parse(Encoding.UTF8.GetBytes(json), "l")).Diagnostic.Code);
    }
}
