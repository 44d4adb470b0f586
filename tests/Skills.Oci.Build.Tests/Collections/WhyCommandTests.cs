using System.Text;
using System.Text.Json;
using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Restore;
using Skills.Oci.Build.Tests.Tool;

namespace Skills.Oci.Build.Tests.Collections;

/// <summary><c>skills-oci why</c> in process: text and JSON from a lock on disk, and the coded error for an unknown name.</summary>
public sealed class WhyCommandTests : IDisposable
{
    private readonly TempFolder _root = new("why-command");

    public WhyCommandTests()
    {
        LockEntry Entry(string name, string? collection, params string[] requiredBy) => new()
        {
            Name = name,
            Path = LockEntry.PrimaryPath(name),
            Source = new RegistryLockSource("ghcr.io", "acme/" + name, "1.0.0", Digest.ComputeSha256(Encoding.UTF8.GetBytes(name))),
            InstalledAt = "2026-04-02T08:11:09Z",
            Requests = [new LockRequest("App/App.csproj", "1.0.0")],
            Collection = collection,
            RequiredBy = requiredBy,
        };
        var lockFile = new LockFile
        {
            Skills = [Entry("grilling", null, "lint"), Entry("lint", "dev-tools")],
            Collections =
            [
                new CollectionLockEntry
                {
                    Name = "dev-tools",
                    Source = new RegistryLockSource("ghcr.io", "acme/dev-tools", "2.0.0", Digest.ComputeSha256("dev-tools"u8)),
                    Requests = [new LockRequest("App/App.csproj", "2.0.0")],
                    Members = ["lint"],
                },
            ],
        };
        File.WriteAllBytes(Path.Combine(_root.Path, LockFile.FileName), lockFile.Serialize());
    }

    public void Dispose() => _root.Dispose();

    [Fact]
    public async Task Why_prints_each_path_as_text_and_as_json()
    {
        using var text = new ToolConsoleCapture();
        using var json = new ToolConsoleCapture();

        Assert.Equal(0, await text.RunAsync("why", "grilling", "--root", _root.Path));
        Assert.Equal(0, await json.RunAsync("why", "grilling", "--root", _root.Path, "--format", "json"));

        Assert.Equal("App/App.csproj > collection dev-tools 2.0.0 > lint 1.0.0 > grilling 1.0.0", text.Output.Trim());
        using var document = JsonDocument.Parse(json.Output);
        var path = Assert.Single(document.RootElement.GetProperty("paths").EnumerateArray());
        Assert.Equal("App/App.csproj", path.GetProperty("project").GetString());
        Assert.Equal(["collection:dev-tools:2.0.0", "skill:lint:1.0.0", "skill:grilling:1.0.0"],
            path.GetProperty("steps").EnumerateArray().Select(s => $"{s.GetProperty("kind").GetString()}:{s.GetProperty("name").GetString()}:{s.GetProperty("version").GetString()}"));
    }

    [Fact]
    public async Task Why_an_unknown_name_exits_1_with_the_coded_error_listing_the_known_names()
    {
        using var console = new ToolConsoleCapture();

        Assert.Equal(1, await console.RunAsync("why", "grillng", "--root", _root.Path));

        Assert.Contains($"error {ErrorCodes.WhyUnknownSkill}: The lock pins no skill or collection named 'grillng'. It knows: dev-tools, grilling, lint.", console.Error, StringComparison.Ordinal);
        Assert.Empty(console.Output);
    }
}
