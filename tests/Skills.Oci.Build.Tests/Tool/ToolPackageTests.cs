using System.IO.Compression;
using System.Xml.Linq;

namespace Skills.Oci.Build.Tests.Tool;

/// <summary>The packed Skills.Oci.Tool: a .NET tool named skills-oci, net8.0 rolling forward, installed and run from the feed.</summary>
public sealed class ToolPackageTests
{
    [Fact]
    public async Task The_package_is_a_dotnet_tool_named_skills_oci_on_net8_rolling_forward()
    {
        var feed = await LocalPackageFeed.GetAsync();
        using var package = ZipFile.OpenRead(Path.Combine(feed.FeedPath, $"{LocalPackageFeed.ToolPackageId}.{feed.Version}.nupkg"));

        var settings = package.Entries.Single(entry => entry.FullName.EndsWith("DotnetToolSettings.xml", StringComparison.Ordinal));
        Assert.StartsWith("tools/net8.0/any/", settings.FullName, StringComparison.Ordinal);
        using (var stream = settings.Open())
        {
            var command = XDocument.Load(stream).Descendants("Command").Single();
            Assert.Equal("skills-oci", command.Attribute("Name")?.Value);
        }

        var runtimeConfig = package.Entries.Single(entry => entry.FullName == "tools/net8.0/any/skills-oci.runtimeconfig.json");
        using var reader = new StreamReader(runtimeConfig.Open());
        Assert.Contains("\"rollForward\": \"Major\"", await reader.ReadToEndAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_installed_tool_runs_and_reports_usage_errors_with_exit_code_2()
    {
        var tool = await SkillsOciTool.GetAsync();
        using var folder = new TempFolder("tool-run");
        var cli = tool.CreateCli(folder.Path);

        var help = await cli.RunAsync("--help");
        var wrong = await cli.RunAsync("no-such-command");

        Assert.True(help.Succeeded, help.ToString());
        Assert.Contains("skills-oci", help.Output, StringComparison.Ordinal);
        Assert.Equal(2, wrong.ExitCode);
    }
}
