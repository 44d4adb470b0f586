namespace Skills.Oci.Build.Tests.Templates;

/// <summary>
/// Skills.Oci.Templates from the <see cref="LocalPackageFeed"/>, installed by <c>dotnet new install</c> into a
/// template hive of this test run (<c>--debug:custom-hive</c>, and a private <c>DOTNET_CLI_HOME</c>), so
/// the machine's template cache is never read or changed. Installed once per run; callers share it.
/// </summary>
internal sealed class InstalledTemplates
{
    private static readonly Lazy<Task<InstalledTemplates>> Shared = new(InstallAsync, LazyThreadSafetyMode.ExecutionAndPublication);

    private InstalledTemplates(string hive, string cliHome, LocalPackageFeed feed)
    {
        Hive = hive;
        CliHome = cliHome;
        Feed = feed;
    }

    public string Hive { get; }

    public string CliHome { get; }

    public LocalPackageFeed Feed { get; }

    public static Task<InstalledTemplates> GetAsync() => Shared.Value;

    /// <summary>Runs <c>dotnet new ARGS</c> in <paramref name="folder"/> against this hive.</summary>
    public Task<DotnetResult> NewAsync(string folder, params string[] arguments) =>
        Cli(folder).RunAsync(["new", .. arguments, "--debug:custom-hive", Hive]);

    private DotnetCli Cli(string folder) => new(folder)
    {
        Environment = new Dictionary<string, string?>(StringComparer.Ordinal) { ["DOTNET_CLI_HOME"] = CliHome },
    };

    private static async Task<InstalledTemplates> InstallAsync()
    {
        var feed = await LocalPackageFeed.GetAsync().ConfigureAwait(false);
        // Not disposed: the hive lives as long as the test run.
        var root = new TempFolder("templates").Path;
        ProcessExitCleanup.DeleteOnExit(root);
        var templates = new InstalledTemplates(Path.Combine(root, "hive"), Path.Combine(root, "home"), feed);
        var installed = await templates.NewAsync(root, "install", feed.TemplatesPackagePath).ConfigureAwait(false);
        if (!installed.Succeeded)
        {
            throw new InvalidOperationException($"Installing {feed.TemplatesPackagePath} failed:{Environment.NewLine}{installed}");
        }

        return templates;
    }
}
