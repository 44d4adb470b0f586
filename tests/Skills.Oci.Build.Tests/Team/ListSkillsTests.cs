using System.Text.Json;
using Skills.Oci.Build.Packaging;
using Skills.Oci.Build.Tests.Consume;
using Skills.Oci.Build.Tests.Oci.Registry;
using Skills.Oci.Build.Tests.Tool;

namespace Skills.Oci.Build.Tests.Team;

/// <summary>
/// <c>dotnet msbuild -t:ListSkills</c>, the MSBuild twin of <c>skills-oci list</c>: the same table and JSON
/// from the same engine call, outdated against the real registry, collection members under their collection.
/// </summary>
[Collection(TeamRegistryDefinition.Name)]
public sealed class ListSkillsTests(RegistryFixture fixture)
{
    /// <summary>The lines MSBuild printed for the task's messages, without its indentation.</summary>
    private static List<string> Lines(DotnetResult result) =>
        result.Output.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Trim().Length > 0).Select(l => l.StartsWith("  ", StringComparison.Ordinal) ? l[2..] : l).ToList();

    /// <summary>The Name cell of each row, a member's indentation kept.</summary>
    private static string[] Names(IEnumerable<string> tableLines) =>
        tableLines.Skip(1).Select(l => l[..(l.Length - l.TrimStart().Length)] + l.TrimStart().Split("  ")[0]).ToArray();

    [Fact]
    public async Task ListSkills_prints_the_table_and_the_json_of_skills_oci_list_and_outdated_asks_the_registry_for_newer_tags()
    {
        using var publisher = new RegistrySkillPublisher(fixture.Registry, "team-list");
        await publisher.PublishAsync("floating", "1.0.0");
        await publisher.PublishAsync("exact", "1.0.0");
        await publisher.PublishAsync("current", "1.0.0");
        using var repo = await ConsumerWorkspace.CreateAsync();
        repo.WriteProject("App/App.csproj", (publisher.Repo("floating"), "1.*"), (publisher.Repo("exact"), "[1.0.0]"), (publisher.Repo("current"), "1.0.0"));
        var cli = repo.Cli("App");
        Assert.True((await cli.RunAsync("restore")).Succeeded);
        var tool = InstallCommandTests.ToolCli(await SkillsOciTool.GetAsync(), repo, "App");

        var table = await cli.RunAsync("msbuild", "-t:ListSkills", "-v:m");
        var listed = await tool.RunAsync("list");
        var json = await cli.RunAsync("msbuild", "-t:ListSkills", "-p:SkillsListFormat=json", "-p:SkillsListOutputPath=../out/skills.json");
        var jsonMessage = await cli.RunAsync("msbuild", "-t:ListSkills", "-p:SkillsListFormat=json", "-v:m");
        var toolJson = await tool.RunAsync("list", "--format", "json");

        Assert.True(table.Succeeded, table.ToString());
        var rows = Lines(table);
        Assert.StartsWith("Name", rows[0], StringComparison.Ordinal);
        Assert.Equal(["current", "exact", "floating"], Names(rows));
        // The same engine renders both: the tool's table is the target's, line for line.
        Assert.True(listed.Succeeded, listed.ToString());
        Assert.Equal(listed.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')), rows);

        Assert.True(json.Succeeded, json.ToString());
        Assert.True(toolJson.Succeeded, toolJson.ToString());
        var written = File.ReadAllText(repo.File("out/skills.json"));
        Assert.Equal(toolJson.Output.Trim(), written.Trim());
        using (var document = JsonDocument.Parse(written))
        {
            Assert.Equal(repo.LockPath, document.RootElement.GetProperty("lockFile").GetString());
            Assert.Equal(["current", "exact", "floating"], document.RootElement.GetProperty("skills").EnumerateArray().Select(s => s.GetProperty("name").GetString()));
            Assert.Empty(document.RootElement.GetProperty("collections").EnumerateArray());
        }

        // Without an output path the document is one message: parsable from the build's output.
        Assert.True(jsonMessage.Succeeded, jsonMessage.ToString());
        var text = jsonMessage.Output;
        using (var document = JsonDocument.Parse(text[text.IndexOf('{', StringComparison.Ordinal)..(text.LastIndexOf('}') + 1)]))
        {
            Assert.Equal(3, document.RootElement.GetProperty("skills").GetArrayLength());
        }

        // Nothing newer: outdated lists nothing, and says so.
        var upToDate = await cli.RunAsync("msbuild", "-t:ListSkills", "-p:SkillsOutdated=true", "-v:m");
        Assert.True(upToDate.Succeeded, upToDate.ToString());
        Assert.Contains("Every skill is up to date.", upToDate.Output, StringComparison.Ordinal);

        await publisher.PublishAsync("floating", "1.2.0");
        await publisher.PublishAsync("exact", "2.0.0");
        var outdated = await cli.RunAsync("msbuild", "-t:ListSkills", "-p:SkillsOutdated=true", "-v:m");
        var outdatedJson = await cli.RunAsync("msbuild", "-t:ListSkills", "-p:SkillsOutdated=true", "-p:SkillsListFormat=json", "-p:SkillsListOutputPath=../out/outdated.json");

        Assert.True(outdated.Succeeded, outdated.ToString());
        var outdatedRows = Lines(outdated);
        Assert.Contains("Newest matching", outdatedRows[0], StringComparison.Ordinal);
        Assert.Equal(["exact", "floating"], Names(outdatedRows));
        Assert.Matches(@"^floating\s+1\.\*\s+1\.0\.0\s+sha256:\w{12}\s+1\.2\.0\s+1\.2\.0\s", outdatedRows.Single(l => l.StartsWith("floating ", StringComparison.Ordinal)));
        Assert.Matches(@"^exact\s+\[1\.0\.0\]\s+1\.0\.0\s+sha256:\w{12}\s+1\.0\.0\s+2\.0\.0\s", outdatedRows.Single(l => l.StartsWith("exact ", StringComparison.Ordinal)));
        Assert.True(outdatedJson.Succeeded, outdatedJson.ToString());
        using (var document = JsonDocument.Parse(File.ReadAllText(repo.File("out/outdated.json"))))
        {
            var floating = document.RootElement.GetProperty("skills").EnumerateArray().Single(s => s.GetProperty("name").GetString() == "floating");
            Assert.Equal("1.2.0", floating.GetProperty("newestMatchingTag").GetString());
            Assert.True(floating.GetProperty("outdated").GetBoolean());
        }

        // A format that is neither: a coded error at the project.
        var bad = await cli.RunAsync("msbuild", "-t:ListSkills", "-p:SkillsListFormat=yaml");
        Assert.Equal(["SKOCI8005"], bad.ErrorCodes());
    }

    [Fact]
    public async Task List_and_ListSkills_show_collection_members_under_their_collection_and_outdated_follows_the_collection()
    {
        using var publisher = new RegistrySkillPublisher(fixture.Registry, "team-list-coll");
        await publisher.PublishAsync("pdf", "1.0.0");
        await publisher.PublishAsync("review", "2.0.0");
        await publisher.PublishAsync("alone", "1.0.0");
        await publisher.PublishAsync("zeta", "1.0.0");
        using var client = TestClients.Isolated();
        await PushCollectionAsync(client, publisher, "1.0.0");
        using var repo = await ConsumerWorkspace.CreateAsync();
        repo.WriteProject("App/App.csproj", (publisher.Repo("alone"), "1.0.0"), (publisher.Repo("dev-tools"), "1.0.0"), (publisher.Repo("zeta"), "1.0.0"));
        var cli = repo.Cli("App");
        var restore = await cli.RunAsync("restore");
        Assert.True(restore.Succeeded, restore.ToString());
        var tool = InstallCommandTests.ToolCli(await SkillsOciTool.GetAsync(), repo, "App");

        var table = await cli.RunAsync("msbuild", "-t:ListSkills", "-v:m");
        var listed = await tool.RunAsync("list");
        var json = await tool.RunAsync("list", "--format", "json");

        Assert.True(table.Succeeded, table.ToString());
        var rows = Lines(table);
        Assert.Equal(["alone", "dev-tools (collection)", "  pdf", "  review", "zeta"], Names(rows));
        Assert.Matches(@"^dev-tools \(collection\)\s+1\.0\.0\s+1\.0\.0\s+sha256:\w{12}\s", rows[2]);
        Assert.Matches(@"^  pdf\s+-\s+1\.0\.0\s+sha256:\w{12}\s", rows[3]);
        Assert.Equal(listed.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')), rows);

        Assert.True(json.Succeeded, json.ToString());
        using (var document = JsonDocument.Parse(json.Output))
        {
            var collection = Assert.Single(document.RootElement.GetProperty("collections").EnumerateArray());
            Assert.Equal("dev-tools", collection.GetProperty("name").GetString());
            Assert.Equal(publisher.Repo("dev-tools"), collection.GetProperty("repository").GetString());
            Assert.Equal(["pdf", "review"], collection.GetProperty("members").EnumerateArray().Select(m => m.GetString()));
            var skills = document.RootElement.GetProperty("skills").EnumerateArray().ToDictionary(s => s.GetProperty("name").GetString()!, s => s.GetProperty("collection"));
            Assert.Equal("dev-tools", skills["pdf"].GetString());
            Assert.Equal(JsonValueKind.Null, skills["alone"].ValueKind);
        }

        // A newer collection: the collection is behind, and its members are listed under it.
        await PushCollectionAsync(client, publisher, "1.1.0");
        var outdated = await cli.RunAsync("msbuild", "-t:ListSkills", "-p:SkillsOutdated=true", "-v:m");

        Assert.True(outdated.Succeeded, outdated.ToString());
        var outdatedRows = Lines(outdated);
        Assert.Equal(["dev-tools (collection)", "  pdf", "  review"], Names(outdatedRows));
        Assert.Matches(@"^dev-tools \(collection\)\s+1\.0\.0\s+1\.0\.0\s+sha256:\w{12}\s+1\.1\.0\s+1\.1\.0\s", outdatedRows[1]);
    }

    private static Task<SkillCollectionPublishResult> PushCollectionAsync(Skills.Oci.Build.Registry.RegistryClient client, RegistrySkillPublisher publisher, string version) =>
        new SkillCollectionPublisher(client).PublishAsync(
            new SkillCollectionPublishRequest
            {
                Repository = publisher.Repo("dev-tools"),
                Version = version,
                SourceDateEpoch = "1775117469",
                Members = [new(publisher.Repo("pdf"), "1.0.0"), new(publisher.Repo("review"), "2.0.0")],
                ProjectFile = "/src/dev-tools/dev-tools.csproj",
            },
            new Progress<string>(),
            CancellationToken.None);
}
