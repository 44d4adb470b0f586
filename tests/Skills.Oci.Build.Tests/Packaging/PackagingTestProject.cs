namespace Skills.Oci.Build.Tests.Packaging;

/// <summary>
/// A skill project in a temp folder outside the repository that imports the SDK by path (no package
/// feed needed) with the task assembly pointed at this build, run with real child
/// `dotnet` processes. Restore needs no package, so NUGET_PACKAGES is an empty folder of the test
/// (also proving that nothing is downloaded).
/// </summary>
internal sealed class PackagingTestProject : IDisposable
{
    private static readonly TimeSpan SafetyTimeout = TimeSpan.FromMinutes(5);

    public PackagingTestProject(string folderName, string? projectBody = null, string? sdkImports = null)
    {
        Temp = new TempFolder();
        Directory = Temp.Combine(folderName);
        System.IO.Directory.CreateDirectory(Directory);
        ProjectFile = Path.Combine(Directory, folderName + ".csproj");
        PackagesFolder = Temp.Combine("nuget-packages");
        var sdk = Path.Combine(RepositoryRoot.Path, "src", "Skills.Oci.Sdk", "Sdk");
        File.WriteAllText(ProjectFile, sdkImports ?? $"""
            <Project>
              <Import Project="{sdk}/Sdk.props" />
              <PropertyGroup>
                <SkillsOciTasksAssembly>{TasksAssembly}</SkillsOciTasksAssembly>
              </PropertyGroup>
            {projectBody ?? "  <PropertyGroup><Version>1.0.0</Version></PropertyGroup>"}
              <Import Project="{sdk}/Sdk.targets" />
            </Project>
            """);
    }

    public TempFolder Temp { get; }

    public string Directory { get; }

    public string ProjectFile { get; }

    public string PackagesFolder { get; }

    /// <summary>The freshly built task assembly beside this test run (same configuration).</summary>
    public static string TasksAssembly
    {
        get
        {
            var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
            var path = Path.Combine(RepositoryRoot.Path, "src", "Skills.Oci.Build", "bin", configuration, "net8.0", "Skills.Oci.Build.dll");
            Assert.True(File.Exists(path), $"The task assembly '{path}' was not built.");
            return path;
        }
    }

    public string Write(string relative, string content) => Temp.Write(Path.Combine(Path.GetFileName(Directory), relative), content);

    public async Task<(int ExitCode, string Output)> RunAsync(IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        var variables = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            // Console output as plain lines, whatever the SDK's terminal logger default.
            ["MSBUILDTERMINALLOGGER"] = "off",
            ["SOURCE_DATE_EPOCH"] = null,
        };
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            variables[key] = value;
        }

        var cli = new DotnetCli(Directory) { NuGetPackagesFolder = PackagesFolder, Environment = variables, Timeout = SafetyTimeout };
        var result = await cli.RunAsync(arguments);
        Assert.False(result.TimedOut, result.ToString());
        return (result.ExitCode, result.AllOutput);
    }

    public Task<(int ExitCode, string Output)> RunAsync(params string[] arguments) => RunAsync(null, arguments);

    public void Dispose() => Temp.Dispose();
}
