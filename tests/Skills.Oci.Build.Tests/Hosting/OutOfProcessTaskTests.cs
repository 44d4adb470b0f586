using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Skills.Oci.Build.Tests.Consume;

namespace Skills.Oci.Build.Tests.Hosting;

/// <summary>
/// The path .NET Framework MSBuild older than 18 (Visual Studio 2022) takes: each task runs in a
/// dotnet process through the net472 task and the tool's hidden msbuild-task command. Forced here
/// under .NET MSBuild with SkillsOciForceOutOfProcess=true (the packages from the local feed, real
/// registry), and compared with the in-process run of the same project: same bytes, same codes, same lines.
/// </summary>
[Collection(RegistryCollectionDefinition.Name)]
public sealed partial class OutOfProcessTaskTests(RegistryFixture fixture)
{
    private const string Force = "-p:SkillsOciForceOutOfProcess=true";

    // ToolTask logs the command it starts (low importance): the proof the child did the work.
    private const string ChildCommand = "msbuild-task";

    [Fact]
    public async Task A_restore_out_of_process_writes_the_same_lock_bytes_folders_links_and_stamp_as_in_process()
    {
        using var publisher = new RegistrySkillPublisher(fixture.Registry, "oop-restore");
        await publisher.PublishAsync("pdf", "1.0.0", ("scripts/run.sh", "#!/bin/sh\necho pdf\n"));
        await publisher.PublishAsync("review", "2.1.0");
        var references = new[] { (publisher.Repo("pdf"), (string?)"1.0.0"), (publisher.Repo("review"), (string?)"[2.0.0,3.0.0)") };
        using var inProcess = await ConsumerWorkspace.CreateAsync();
        using var outOfProcess = await ConsumerWorkspace.CreateAsync();
        inProcess.WriteProject("App/App.csproj", references);
        outOfProcess.WriteProject("App/App.csproj", references);

        var expected = await inProcess.Cli("App").RunAsync("restore", "-v:d");
        var actual = await outOfProcess.Cli("App").RunAsync("restore", "-v:d", Force);

        Assert.True(expected.Succeeded, expected.ToString());
        Assert.True(actual.Succeeded, actual.ToString());
        Assert.DoesNotContain(ChildCommand, expected.Output, StringComparison.Ordinal);
        Assert.Contains(ChildCommand, actual.Output, StringComparison.Ordinal);
        Assert.Equal(LockWithoutTimes(inProcess), LockWithoutTimes(outOfProcess));
        AssertSameContents(Contents(inProcess.Root, inProcess.Root), Contents(outOfProcess.Root, outOfProcess.Root));
        // The stamp the child wrote is the one an in-process restore of the same root writes.
        var stamp = outOfProcess.File("App/obj/App.csproj.skills.stamp");
        var childStamp = File.ReadAllBytes(stamp);
        File.Delete(stamp);
        var again = await outOfProcess.Cli("App").RunAsync("restore");
        Assert.True(again.Succeeded, again.ToString());
        Assert.Empty(SkillsLines(again.Output));
        Assert.Equal(childStamp, File.ReadAllBytes(stamp));
        // The change lines are High importance in process; they must arrive as such from the child.
        Assert.Equal(SkillsLines(expected.Output), SkillsLines(actual.Output));

        // The stamp written by the child lets the next build skip the check without starting anything.
        var build = await outOfProcess.Cli("App").RunAsync("build", "--no-restore", "-v:d", Force);
        Assert.True(build.Succeeded, build.ToString());
        Assert.DoesNotContain(ChildCommand, build.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("missing", "1.0.0")]
    [InlineData("pdf", "[9.9.9]")]
    public async Task A_failing_restore_out_of_process_reports_the_same_codes_at_the_same_file_and_line(string skill, string version)
    {
        using var publisher = new RegistrySkillPublisher(fixture.Registry, "oop-fail");
        await publisher.PublishAsync("pdf", "1.0.0");
        using var inProcess = await ConsumerWorkspace.CreateAsync();
        using var outOfProcess = await ConsumerWorkspace.CreateAsync();
        inProcess.WriteProject("App/App.csproj", (publisher.Repo(skill), version));
        outOfProcess.WriteProject("App/App.csproj", (publisher.Repo(skill), version));

        var expected = await inProcess.Cli("App").RunAsync("restore");
        var actual = await outOfProcess.Cli("App").RunAsync("restore", Force);

        Assert.Equal(1, expected.ExitCode);
        Assert.Equal(1, actual.ExitCode);
        Assert.NotEmpty(expected.ErrorCodes());
        Assert.Equal(expected.ErrorCodes(), actual.ErrorCodes());
        var diagnostics = Diagnostics(expected.Output, inProcess.Root);
        Assert.Contains(diagnostics, d => d.StartsWith("App/App.csproj", StringComparison.Ordinal));
        if (version.StartsWith('['))
        {
            // No tag matches: located at the SkillReference's line and column, in process and out.
            Assert.Contains(diagnostics, d => d.StartsWith("App/App.csproj(", StringComparison.Ordinal));
        }

        Assert.Equal(diagnostics, Diagnostics(actual.Output, outOfProcess.Root));
        Assert.False(File.Exists(outOfProcess.LockPath));
        Assert.DoesNotContain("MSB6006", actual.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("SKOCI6080", actual.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_pack_out_of_process_writes_the_same_layout_and_digests_as_in_process()
    {
        using var inProcess = await ConsumerWorkspace.CreateAsync();
        using var outOfProcess = await ConsumerWorkspace.CreateAsync();
        foreach (var repo in new[] { inProcess, outOfProcess })
        {
            new SkillFixture("pdf", "Extract text from PDF files.")
                .WithFile("scripts/extract.sh", "#!/bin/sh\necho\n", (UnixFileMode)0b111_101_101)
                .WithFile("references/guide.md", "# Guide\n")
                .WriteFolder(repo.File("pdf"));
            repo.Workspace.Write("pdf/pdf.csproj", """
                <Project Sdk="Skills.Oci.Sdk">
                  <PropertyGroup><Version>1.2.0</Version></PropertyGroup>
                </Project>
                """);
        }

        var epoch = new Dictionary<string, string?> { ["SOURCE_DATE_EPOCH"] = "1775117469" };
        var expected = await inProcess.Cli("pdf", epoch).RunAsync("pack", "-v:d");
        var actual = await outOfProcess.Cli("pdf", epoch).RunAsync("pack", "-v:d", Force);

        Assert.True(expected.Succeeded, expected.ToString());
        Assert.True(actual.Succeeded, actual.ToString());
        Assert.Contains(ChildCommand, actual.Output, StringComparison.Ordinal);
        var digest = PackedDigest().Match(expected.Output);
        Assert.True(digest.Success, expected.Output);
        Assert.Equal(digest.Groups[1].Value, PackedDigest().Match(actual.Output).Groups[1].Value);
        AssertSameContents(Contents(inProcess.File("pdf/bin"), inProcess.Root), Contents(outOfProcess.File("pdf/bin"), outOfProcess.Root));
    }

    [Fact]
    public async Task A_skill_project_build_out_of_process_reports_SKILL_md_problems_with_their_lines()
    {
        using var repo = await ConsumerWorkspace.CreateAsync();
        repo.Workspace.Write("pdf/SKILL.md", "---\nname: PDF\nauthor: me\n---\n");
        repo.Workspace.Write("pdf/pdf.csproj", """
            <Project Sdk="Skills.Oci.Sdk">
              <PropertyGroup><Version>1.0.0</Version></PropertyGroup>
            </Project>
            """);

        var expected = await repo.Cli("pdf").RunAsync("build");
        var actual = await repo.Cli("pdf").RunAsync("build", Force);

        Assert.NotEqual(0, actual.ExitCode);
        Assert.NotEmpty(expected.ErrorCodes());
        Assert.Equal(expected.ErrorCodes(), actual.ErrorCodes());
        Assert.Equal(Diagnostics(expected.Output, repo.Root), Diagnostics(actual.Output, repo.Root));
        Assert.Contains(Diagnostics(actual.Output, repo.Root), d => d.StartsWith("pdf/SKILL.md(2,7): error", StringComparison.Ordinal));
    }

    // "name 1.2.0 -> layout (sha256:...)": the line PackSkill logs at high importance.
    [GeneratedRegex(@"-> .+ \((sha256:[0-9a-f]{64})\)")]
    private static partial Regex PackedDigest();

    /// <summary>Each diagnostic once, as "path-relative-to-root(line,col): error CODE: message".</summary>
    private static List<string> Diagnostics(string output, string root) =>
        output.Split('\n')
            .Select(line => line.Trim())
            .Where(line => line.Contains(": error SKOCI", StringComparison.Ordinal) || line.Contains(": warning SKOCI", StringComparison.Ordinal))
            .Select(line => Regex.Replace(line, @"\s*\[[^\]]*\]$", string.Empty).Replace(root + Path.DirectorySeparatorChar, string.Empty, StringComparison.Ordinal).Replace('\\', '/'))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();

    private static void AssertSameContents(SortedDictionary<string, string> expected, SortedDictionary<string, string> actual)
    {
        Assert.Equal(expected.Keys, actual.Keys);
        foreach (var (path, content) in expected)
        {
            Assert.True(content == actual[path], $"{path} differs:{Environment.NewLine}{content}{Environment.NewLine}{actual[path]}");
        }
    }

    /// <summary>The lock's bytes, its two timestamps (when each restore ran) blanked.</summary>
    private static string LockWithoutTimes(ConsumerWorkspace repo) =>
        Regex.Replace(File.ReadAllText(repo.LockPath), "\"(generatedAt|installedAt)\": \"[^\"]*\"", "\"$1\": \"\"");

    private static List<string> SkillsLines(string output) =>
        output.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("Skills: ", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();

    /// <summary>Every file under the folder (but obj, the lock and the harness's files, which name the workspace) by relative path: its hash, or a link's target.</summary>
    private static SortedDictionary<string, string> Contents(string folder, string root)
    {
        var contents = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var harness = new[] { ".git", ".nuget-packages", ".docker", ".skills-cache", "obj" };
        void Walk(DirectoryInfo directory)
        {
            foreach (var entry in directory.EnumerateFileSystemInfos())
            {
                var relative = Path.GetRelativePath(folder, entry.FullName).Replace('\\', '/');
                if (entry.LinkTarget is { } target)
                {
                    contents[relative] = "-> " + target.Replace(root, "<root>", StringComparison.Ordinal).Replace('\\', '/');
                }
                else if (entry is DirectoryInfo child)
                {
                    if (!harness.Contains(child.Name))
                    {
                        Walk(child);
                    }
                }
                else if (relative is not ("skills.lock.json" or "NuGet.config" or "global.json"))
                {
                    // The root's own state records absolute paths (the cache) and when it was written.
                    contents[relative] = entry.Extension == ".json"
                        ? Regex.Replace(File.ReadAllText(entry.FullName).Replace(root, "<root>", StringComparison.Ordinal), "\"recordedAt\":\\s*\\d+", "\"recordedAt\":0", RegexOptions.IgnoreCase)
                        : Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(entry.FullName)));
                }
            }
        }

        Walk(new DirectoryInfo(folder));
        return contents;
    }
}
