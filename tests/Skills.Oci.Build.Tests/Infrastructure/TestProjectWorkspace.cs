using System.Security;

namespace Skills.Oci.Build.Tests.Infrastructure;

/// <summary>
/// A temp folder set up for child <c>dotnet</c> commands against the packages of this checkout:
/// <c>NuGet.config</c> with <c>&lt;clear/&gt;</c> and the <see cref="LocalPackageFeed"/> (plus the
/// upstream feed only when asked), an empty global packages folder inside the workspace, a
/// <c>global.json</c> mapping Skills.Oci.Sdk to the feed's version, and empty Directory.Build files
/// so nothing above the temp folder is imported. Consumer projects (<c>Microsoft.NET.Sdk</c>,
/// net10.0) restore and build with no upstream feed: the SDK brings its targeting and host packs.
/// </summary>
public sealed class TestProjectWorkspace : IDisposable
{
    /// <summary>The upstream source configured on this machine (<c>dotnet nuget list source</c>).</summary>
    public const string UpstreamNuGetSource = "https://api.nuget.org/v3/index.json";

    private TestProjectWorkspace(TempFolder root, LocalPackageFeed feed)
    {
        Root = root;
        Feed = feed;
        GlobalPackagesFolder = root.Combine(".nuget-packages");
        DockerConfigFolder = root.Combine(".docker");
    }

    public TempFolder Root { get; }

    public string Path => Root.Path;

    public LocalPackageFeed Feed { get; }

    /// <summary>Starts empty, so the first restore really goes through the SDK resolver and the feed.</summary>
    public string GlobalPackagesFolder { get; }

    /// <summary><c>DOCKER_CONFIG</c> for children; write a config with <see cref="DockerConfigWriter.Write"/>.</summary>
    public string DockerConfigFolder { get; }

    public static async Task<TestProjectWorkspace> CreateAsync(bool includeUpstreamFeed = false)
    {
        var feed = await LocalPackageFeed.GetAsync().ConfigureAwait(false);
        var root = new TempFolder("workspace");
        var workspace = new TestProjectWorkspace(root, feed);
        root.Write("NuGet.config", $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="skills-oci-test-feed" value="{SecurityElement.Escape(feed.FeedPath)}" />
            {(includeUpstreamFeed ? $"""    <add key="upstream" value="{UpstreamNuGetSource}" />{Environment.NewLine}""" : string.Empty)}  </packageSources>
              <config>
                <add key="globalPackagesFolder" value="{SecurityElement.Escape(workspace.GlobalPackagesFolder)}" />
              </config>
            </configuration>
            """);
        root.Write("global.json", $$"""
            {
              "msbuild-sdks": {
                "{{LocalPackageFeed.SdkPackageId}}": "{{feed.Version}}"
              }
            }
            """);
        root.Write("Directory.Build.props", "<Project />\n");
        root.Write("Directory.Build.targets", "<Project />\n");
        return workspace;
    }

    /// <summary>Writes a file (e.g. a project) relative to the workspace; returns its full path.</summary>
    public string Write(string relative, string content) => Root.Write(relative, content);

    /// <summary>A <see cref="DotnetCli"/> in the workspace (or a sub-folder) using its packages and Docker config folders.</summary>
    public DotnetCli CreateCli(string? relativeWorkingDirectory = null, IDictionary<string, string?>? environment = null) =>
        new(relativeWorkingDirectory is null ? Path : Root.CreateFolder(relativeWorkingDirectory))
        {
            NuGetPackagesFolder = GlobalPackagesFolder,
            DockerConfigFolder = DockerConfigFolder,
            Environment = environment ?? new Dictionary<string, string?>(StringComparer.Ordinal),
        };

    public void Dispose() => Root.Dispose();
}
