using System.Globalization;

namespace Skills.Oci.Build.Tests.Infrastructure;

/// <summary>
/// A folder feed holding Skills.Oci.Sdk, Skills.Oci.Build, Skills.Oci.Tool and Skills.Oci.Templates packed from this checkout, once per test
/// run, with a version no earlier run used: NuGet's SDK resolver and restore reuse whatever a global
/// packages folder already holds for a version, so a reused version would hide changes.
/// </summary>
public sealed class LocalPackageFeed
{
    public const string SdkPackageId = "Skills.Oci.Sdk";
    public const string BuildPackageId = "Skills.Oci.Build";
    public const string ToolPackageId = "Skills.Oci.Tool";
    public const string TemplatesPackageId = "Skills.Oci.Templates";

    private const string FolderPurpose = "feed";

    private static readonly Lazy<Task<LocalPackageFeed>> Shared = new(() => CreateAsync(CancellationToken.None), LazyThreadSafetyMode.ExecutionAndPublication);

    private LocalPackageFeed(string feedPath, string version)
    {
        FeedPath = feedPath;
        Version = version;
    }

    /// <summary>The folder holding the .nupkg files (a valid NuGet source).</summary>
    public string FeedPath { get; }

    /// <summary>The version of every package, e.g. <c>0.0.0-test.20261125033441.p1234</c>.</summary>
    public string Version { get; }

    public string SdkPackagePath => Path.Combine(FeedPath, $"{SdkPackageId}.{Version}.nupkg");

    public string BuildPackagePath => Path.Combine(FeedPath, $"{BuildPackageId}.{Version}.nupkg");

    public string TemplatesPackagePath => Path.Combine(FeedPath, $"{TemplatesPackageId}.{Version}.nupkg");

    /// <summary>The feed for this test run, packed on first use (20-30 s on 2 cores); concurrent callers share one pack.</summary>
    public static Task<LocalPackageFeed> GetAsync() => Shared.Value;

    private static async Task<LocalPackageFeed> CreateAsync(CancellationToken cancellationToken)
    {
        DeleteStaleFeeds();
        var version = string.Create(CultureInfo.InvariantCulture, $"0.0.0-test.{DateTime.UtcNow:yyyyMMddHHmmss}.p{Environment.ProcessId}");
        // Not disposed: the feed lives as long as the test run.
        var root = new TempFolder(FolderPurpose).Path;
        // The pack's intermediate output goes there too, so the checkout's bin/obj stay untouched.
        ProcessExitCleanup.DeleteOnExit(root);
        var feed = Path.Combine(root, "feed");
        var cli = new DotnetCli(RepositoryRoot.Path) { Timeout = TimeSpan.FromMinutes(5) };
        foreach (var project in new[] { $"src/{SdkPackageId}/{SdkPackageId}.csproj", $"src/{BuildPackageId}.Package/{BuildPackageId}.Package.csproj", $"src/{ToolPackageId}/{ToolPackageId}.csproj", $"src/{TemplatesPackageId}/{TemplatesPackageId}.csproj" })
        {
            var result = await cli.RunAsync(
                ["pack", RepositoryRoot.File(project), "-c", "Release", $"-p:Version={version}", "-o", feed, "--artifacts-path", Path.Combine(root, "artifacts")],
                cancellationToken).ConfigureAwait(false);
            if (!result.Succeeded)
            {
                throw new InvalidOperationException($"Packing {project} for the test feed failed:{Environment.NewLine}{result}");
            }
        }

        // The exit-time cleanup gets little time before the test host goes away; leave it only the packages.
        TempFolder.Delete(Path.Combine(root, "artifacts"));
        return new LocalPackageFeed(feed, version);
    }

    /// <summary>Removes feeds of earlier runs that were killed before their exit-time cleanup ran (other runs may be live, hence the age).</summary>
    private static void DeleteStaleFeeds()
    {
        foreach (var folder in new DirectoryInfo(Path.GetTempPath()).EnumerateDirectories($"{TempFolder.Prefix}{FolderPurpose}-*"))
        {
            if (folder.LastWriteTimeUtc < DateTime.UtcNow.AddHours(-6))
            {
                TempFolder.Delete(folder.FullName);
            }
        }
    }
}
