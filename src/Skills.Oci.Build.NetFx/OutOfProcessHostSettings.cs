using System;
using System.IO;
using System.Linq;

namespace Skills.Oci.Build.NetFx;

/// <summary>
/// Where the child process comes from: the tool's entry point in tasks/net8.0 and the dotnet host
/// MSBuild knows about, in the order the .NET SDK's own out-of-process tasks use (DOTNET_HOST_PATH,
/// then the SDK's NetCoreRoot), then dotnet on PATH for projects that do not use the .NET SDK.
/// </summary>
internal sealed class OutOfProcessHostSettings
{
    private static readonly char[] LineBreaks = ['\r', '\n'];

    private OutOfProcessHostSettings(string entryPoint, string? dotnetHostPath, string? netCoreRoot)
    {
        EntryPoint = entryPoint;
        DotnetHostPath = dotnetHostPath;
        NetCoreRoot = netCoreRoot;
    }

    /// <summary>tasks/net8.0/skills-oci.dll.</summary>
    public string EntryPoint { get; }

    public string? DotnetHostPath { get; }

    public string? NetCoreRoot { get; }

    /// <summary>The UsingTask body: <c>EntryPoint=</c>, <c>DotnetHostPath=</c>, <c>NetCoreRoot=</c>, one a line.</summary>
    public static OutOfProcessHostSettings Parse(string body)
    {
        string? Value(string name) => body
            .Split(LineBreaks, StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Trim())
            .Where(line => line.StartsWith(name + "=", StringComparison.Ordinal))
            .Select(line => line.Substring(name.Length + 1).Trim())
            .FirstOrDefault(value => value.Length > 0);

        return new OutOfProcessHostSettings(Value("EntryPoint") ?? string.Empty, Value("DotnetHostPath"), Value("NetCoreRoot"));
    }

    /// <summary>The dotnet executable to start, or null when this machine has none we can find.</summary>
    public string? FindDotnetHost()
    {
        var name = Path.DirectorySeparatorChar == '\\' ? "dotnet.exe" : "dotnet";
        var candidates = new[] { DotnetHostPath, Environment.GetEnvironmentVariable("DOTNET_HOST_PATH"), NetCoreRoot is null ? null : Path.Combine(NetCoreRoot, name) }
            .Concat((Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
                .Split(Path.PathSeparator)
                .Where(folder => folder.Trim().Length > 0)
                .Select(folder => SafeCombine(folder.Trim().Trim('"'), name)));
        return candidates.FirstOrDefault(path => !string.IsNullOrEmpty(path) && File.Exists(path));
    }

    private static string? SafeCombine(string folder, string name)
    {
        try
        {
            return Path.Combine(folder, name);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}
