using System.Diagnostics;
using System.Text;

using Skills.Oci.Build.Tests.Infrastructure;

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
        Temp = new PackagingTempFolder();
        Directory = Temp.PathOf(folderName);
        System.IO.Directory.CreateDirectory(Directory);
        ProjectFile = Path.Combine(Directory, folderName + ".csproj");
        PackagesFolder = Temp.PathOf("nuget-packages");
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

    public PackagingTempFolder Temp { get; }

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
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.ArgumentList.Add("-nodeReuse:false");
        start.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        start.Environment["NUGET_PACKAGES"] = PackagesFolder;
        // Console output as plain lines, whatever the SDK's terminal logger default.
        start.Environment["MSBUILDTERMINALLOGGER"] = "off";
        start.Environment.Remove("SOURCE_DATE_EPOCH");
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        using var cancellation = new CancellationTokenSource(SafetyTimeout);
        var stdout = process.StandardOutput.ReadToEndAsync(cancellation.Token);
        var stderr = process.StandardError.ReadToEndAsync(cancellation.Token);
        try
        {
            await process.WaitForExitAsync(cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await stdout + await stderr);
    }

    public Task<(int ExitCode, string Output)> RunAsync(params string[] arguments) => RunAsync(null, arguments);

    public void Dispose() => Temp.Dispose();
}
