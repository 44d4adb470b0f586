using System.Text.Json;
using Skills.Oci.Build.Restore;
using Skills.Oci.Build.Tests.Consume;

namespace Skills.Oci.Build.Tests.Tool;

/// <summary><c>skills-oci list [--outdated] [--format json]</c>, run as the installed tool against the real registry.</summary>
[Collection(RegistryCollectionDefinition.Name)]
public sealed class ListCommandTests(RegistryFixture fixture)
{
    [Fact]
    public async Task List_shows_the_lock_and_outdated_shows_only_the_skills_behind_after_newer_tags_are_pushed_in_text_and_json()
    {
        using var publisher = new RegistrySkillPublisher(fixture.Registry, "tool-list");
        await publisher.PublishAsync("floating", "1.0.0");
        await publisher.PublishAsync("exact", "1.0.0");
        await publisher.PublishAsync("current", "1.0.0");
        await publisher.PublishAsync("alias", "latest");
        using var repo = await ConsumerWorkspace.CreateAsync();
        repo.WriteProject("App/App.csproj",
            (publisher.Repo("floating"), "1.*"), (publisher.Repo("exact"), "[1.0.0]"), (publisher.Repo("current"), "1.0.0"), (publisher.Repo("alias") + ":latest", null));
        var cli = InstallCommandTests.ToolCli(await SkillsOciTool.GetAsync(), repo, "App");
        Assert.True((await cli.RunAsync("install")).Succeeded);
        var lockFile = LockFile.Parse(File.ReadAllBytes(repo.LockPath), repo.LockPath);

        var text = await cli.RunAsync("list");
        var json = await cli.RunAsync("list", "--format", "json");

        Assert.True(text.Succeeded, text.ToString());
        var lines = text.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.StartsWith("Name", lines[0], StringComparison.Ordinal);
        Assert.Equal(["alias", "current", "exact", "floating"], lines.Skip(1).Select(l => l.Split(' ')[0]));
        var exactRow = lines.Single(l => l.StartsWith("exact ", StringComparison.Ordinal));
        Assert.Contains("[1.0.0]", exactRow, StringComparison.Ordinal);
        Assert.Contains(lockFile.Find("exact")!.RegistrySource.Digest.ToString()[..19], exactRow, StringComparison.Ordinal);
        Assert.EndsWith("App/App.csproj", exactRow, StringComparison.Ordinal);
        Assert.Contains(":latest", lines.Single(l => l.StartsWith("alias ", StringComparison.Ordinal)), StringComparison.Ordinal);

        Assert.True(json.Succeeded, json.ToString());
        using (var document = JsonDocument.Parse(json.Output))
        {
            Assert.Equal(repo.LockPath, document.RootElement.GetProperty("lockFile").GetString());
            var skills = document.RootElement.GetProperty("skills").EnumerateArray().ToList();
            Assert.Equal(["alias", "current", "exact", "floating"], skills.Select(s => s.GetProperty("name").GetString()));
            var exact = skills.Single(s => s.GetProperty("name").GetString() == "exact");
            Assert.Equal(publisher.Repo("exact"), exact.GetProperty("repository").GetString());
            Assert.Equal("[1.0.0]", exact.GetProperty("requests")[0].GetProperty("version").GetString());
            Assert.Equal("App/App.csproj", exact.GetProperty("requests")[0].GetProperty("project").GetString());
            Assert.Equal("1.0.0", exact.GetProperty("resolvedTag").GetString());
            Assert.Equal(lockFile.Find("exact")!.RegistrySource.Digest.ToString(), exact.GetProperty("digest").GetString());
            Assert.Equal(JsonValueKind.Null, exact.GetProperty("verifiedBy").ValueKind);
            Assert.Equal(["App/App.csproj"], exact.GetProperty("projects").EnumerateArray().Select(p => p.GetString()));
            Assert.Equal(JsonValueKind.Null, exact.GetProperty("outdated").ValueKind);
        }

        // A project's own SkillsLockFile: --lock lists that lock.
        var custom = repo.File("locks/custom.lock.json");
        Directory.CreateDirectory(Path.GetDirectoryName(custom)!);
        File.Copy(repo.LockPath, custom);
        var listedCustom = await cli.RunAsync("list", "--lock", custom, "--format", "json");
        Assert.True(listedCustom.Succeeded, listedCustom.ToString());
        using (var document = JsonDocument.Parse(listedCustom.Output))
        {
            Assert.Equal(custom, document.RootElement.GetProperty("lockFile").GetString());
            Assert.Equal(4, document.RootElement.GetProperty("skills").GetArrayLength());
        }

        // Nothing newer yet: --outdated lists nothing.
        var none = await cli.RunAsync("list", "--outdated", "--format", "json");
        Assert.True(none.Succeeded, none.ToString());
        using (var document = JsonDocument.Parse(none.Output))
        {
            Assert.Empty(document.RootElement.GetProperty("skills").EnumerateArray());
        }

        await publisher.PublishAsync("floating", "1.2.0");
        await publisher.PublishAsync("exact", "2.0.0");
        await publisher.PublishAsync("alias", "latest", ("changed.md", "pushed again\n"));

        var outdatedText = await cli.RunAsync("list", "--outdated");
        var outdatedJson = await cli.RunAsync("list", "--outdated", "--format", "json");

        Assert.True(outdatedText.Succeeded, outdatedText.ToString());
        var rows = outdatedText.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Contains("Newest matching", rows[0], StringComparison.Ordinal);
        Assert.Equal(["alias", "exact", "floating"], rows.Skip(1).Select(l => l.Split(' ')[0]));
        Assert.Matches(@"^floating\s+1\.\*\s+1\.0\.0\s+sha256:\w{12}\s+1\.2\.0\s+1\.2\.0\s", rows.Single(l => l.StartsWith("floating ", StringComparison.Ordinal)));
        Assert.Matches(@"^exact\s+\[1\.0\.0\]\s+1\.0\.0\s+sha256:\w{12}\s+1\.0\.0\s+2\.0\.0\s", rows.Single(l => l.StartsWith("exact ", StringComparison.Ordinal)));

        Assert.True(outdatedJson.Succeeded, outdatedJson.ToString());
        using (var document = JsonDocument.Parse(outdatedJson.Output))
        {
            var skills = document.RootElement.GetProperty("skills").EnumerateArray()
                .ToDictionary(s => s.GetProperty("name").GetString()!, s => (Matching: s.GetProperty("newestMatchingTag").GetString(), Newest: s.GetProperty("newestAvailableTag").GetString(), Outdated: s.GetProperty("outdated").GetBoolean()));
            Assert.Equal(["alias", "exact", "floating"], skills.Keys.Order(StringComparer.Ordinal));
            Assert.Equal(("1.2.0", "1.2.0", true), skills["floating"]);
            Assert.Equal(("1.0.0", "2.0.0", true), skills["exact"]);
            // The alias tag was pushed again: an update would take its new digest.
            Assert.Equal(("latest", null, true), skills["alias"]);
        }

        // list reads; it never changes the lock.
        Assert.Equal(lockFile.Find("floating")!.RegistrySource.Tag, LockFile.Parse(File.ReadAllBytes(repo.LockPath), repo.LockPath).Find("floating")!.RegistrySource.Tag);
    }

    [Fact]
    public async Task List_without_a_lock_prints_that_nothing_is_installed_and_json_gives_an_empty_list()
    {
        using var repo = await ConsumerWorkspace.CreateAsync();
        var cli = InstallCommandTests.ToolCli(await SkillsOciTool.GetAsync(), repo);

        var text = await cli.RunAsync("list");
        var json = await cli.RunAsync("list", "--outdated", "--format", "json");

        Assert.True(text.Succeeded, text.ToString());
        Assert.Contains("no skills are installed", text.Output, StringComparison.Ordinal);
        Assert.True(json.Succeeded, json.ToString());
        using var document = JsonDocument.Parse(json.Output);
        Assert.Empty(document.RootElement.GetProperty("skills").EnumerateArray());
    }
}
