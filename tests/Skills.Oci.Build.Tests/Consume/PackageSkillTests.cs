using Skills.Oci.Build.Restore;

namespace Skills.Oci.Build.Tests.Consume;

/// <summary>Skills that come with NuGet packages, restored by a real <c>dotnet restore</c> from packages the test writes.</summary>
public sealed class PackageSkillTests
{
    private const string App = "src/App/App.csproj";

    [Fact]
    public async Task Project_restore_installs_a_direct_package_skill_copied_and_locked_with_its_nuget_source()
    {
        using var feed = new TestNuGetPackages();
        feed.Add(TestPackage.WithSkill("Contoso.Json", "1.0.0", "contoso-json", ("reference/api.md", "api v1\n")));
        using var repo = await Consumer(feed);
        repo.WriteProject(App, [], PackageReference("Contoso.Json", "1.0.0"));

        var result = await repo.Cli("src/App").RunAsync("restore");

        Assert.True(result.Succeeded, result.ToString());
        Assert.Equal("api v1\n", File.ReadAllText(repo.SkillFile("contoso-json", "reference/api.md")));
        Assert.Null(new DirectoryInfo(Path.GetDirectoryName(repo.SkillFile("contoso-json"))!).LinkTarget);
        Assert.Equal("../../.agents/skills/contoso-json", new FileInfo(repo.ClaudeLink("contoso-json")).LinkTarget);
        var entry = Assert.Single(ReadLock(repo).Skills);
        Assert.Equal(new NuGetLockSource("Contoso.Json", "1.0.0", "skills/contoso-json"), entry.Source);
        Assert.Equal([new LockRequest("src/App/App.csproj", "1.0.0")], entry.Requests);
        Assert.Equal((await SkillTree.FromFolderAsync(Path.GetDirectoryName(repo.SkillFile("contoso-json"))!, CancellationToken.None)).Digest, entry.ContentDigest);
        Assert.Contains("\"type\": \"nuget\"", repo.ReadLock(), StringComparison.Ordinal);
        Assert.Contains(".agents/skills/contoso-json", File.ReadAllText(repo.File(".gitignore")), StringComparison.Ordinal);
    }

    internal static async Task<ConsumerWorkspace> Consumer(TestNuGetPackages feed)
    {
        var repo = await ConsumerWorkspace.CreateAsync();
        feed.Register(repo.Workspace);
        return repo;
    }

    internal static string PackageReference(string id, string version, string extra = "") =>
        $"""
          <ItemGroup>
            <PackageReference Include="{id}" Version="{version}"{extra} />
          </ItemGroup>

        """;

    internal static LockFile ReadLock(ConsumerWorkspace repo) => LockFile.Parse(File.ReadAllBytes(repo.LockPath), repo.LockPath);
}
