using System.Security;

namespace Skills.Oci.Build.Tests.Infrastructure;

/// <summary>
/// The real <c>skills-oci</c> .NET tool: the Skills.Oci.Tool package of the <see cref="LocalPackageFeed"/>,
/// installed once per test run with <c>dotnet tool install --tool-path</c> into a temp folder, and run
/// through its shim exactly as a user or an agent's hook runs it.
/// </summary>
public sealed class SkillsOciTool
{
    private const string FolderPurpose = "tool";

    private static readonly Lazy<Task<SkillsOciTool>> Shared = new(() => InstallAsync(CancellationToken.None), LazyThreadSafetyMode.ExecutionAndPublication);

    private SkillsOciTool(string toolPath, LocalPackageFeed feed)
    {
        ToolPath = toolPath;
        Feed = feed;
    }

    /// <summary>The <c>--tool-path</c> folder holding the <c>skills-oci</c> shim.</summary>
    public string ToolPath { get; }

    public LocalPackageFeed Feed { get; }

    /// <summary>The shim's full path.</summary>
    public string Executable => Path.Combine(ToolPath, OperatingSystem.IsWindows() ? "skills-oci.exe" : "skills-oci");

    /// <summary>The tool for this test run; concurrent callers share one install.</summary>
    public static Task<SkillsOciTool> GetAsync() => Shared.Value;

    /// <summary>
    /// A runner for the tool in <paramref name="workingDirectory"/>, isolated as <see cref="DotnetCli"/>
    /// isolates dotnet (no SKILLS_OCI_* from the shell; the given Docker config and packages folders).
    /// </summary>
    public DotnetCli CreateCli(string workingDirectory, string? dockerConfigFolder = null, IDictionary<string, string?>? environment = null, string? nuGetPackagesFolder = null) =>
        new(workingDirectory)
        {
            Executable = Executable,
            DockerConfigFolder = dockerConfigFolder,
            NuGetPackagesFolder = nuGetPackagesFolder,
            Environment = environment ?? new Dictionary<string, string?>(StringComparer.Ordinal),
        };

    /// <summary>A runner in a workspace, with its packages and Docker config folders (so the tool's MSBuild children use the workspace's feed).</summary>
    public DotnetCli CreateCli(TestProjectWorkspace workspace, string? relativeWorkingDirectory = null, IDictionary<string, string?>? environment = null) =>
        CreateCli(
            relativeWorkingDirectory is null ? workspace.Path : workspace.Root.CreateFolder(relativeWorkingDirectory),
            workspace.DockerConfigFolder,
            environment,
            workspace.GlobalPackagesFolder);

    private static async Task<SkillsOciTool> InstallAsync(CancellationToken cancellationToken)
    {
        var feed = await LocalPackageFeed.GetAsync().ConfigureAwait(false);
        var root = new TempFolder(FolderPurpose);
        ProcessExitCleanup.DeleteOnExit(root.Path);
        var config = root.Write("NuGet.config", $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="skills-oci-test-feed" value="{SecurityElement.Escape(feed.FeedPath)}" />
              </packageSources>
            </configuration>
            """);
        var toolPath = root.Combine("bin");
        var cli = new DotnetCli(root.Path) { NuGetPackagesFolder = root.Combine("packages"), Timeout = TimeSpan.FromMinutes(3) };
        var result = await cli.RunAsync(
            ["tool", "install", LocalPackageFeed.ToolPackageId, "--version", feed.Version, "--tool-path", toolPath, "--configfile", config],
            cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"Installing the skills-oci tool from the test feed failed:{Environment.NewLine}{result}");
        }

        return new SkillsOciTool(toolPath, feed);
    }
}
