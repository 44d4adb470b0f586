// The bench suite of issue 10 (docs/performance.md): packs this checkout's packages into a temp
// feed, starts a private docker-registry and a latency proxy, publishes synthetic skills, and
// measures restore and push through the packed SDK, each against a peer measured in the same run.
// Ratios, not absolute times, are what stay comparable on a shared, noisy machine.
// Usage: bench/run.sh [--quick] [--only SECTIONS]  (or: dotnet Skills.Oci.Bench.dll [--quick] [--only SECTIONS] [--work DIR] [--repo DIR] [--results DIR]);
// SECTIONS is a comma-separated subset of restore, push, marginal, sync, scan.
using System.Globalization;
using System.Runtime.InteropServices;
using Skills.Oci.Bench;

var quick = args.Contains("--quick");
var repository = Option("--repo") ?? FindRepositoryRoot();
var ownsWork = Option("--work") is null;
var work = Option("--work") ?? Directory.CreateTempSubdirectory("skills-oci-bench-").FullName;
var results = Option("--results") ?? Path.Combine(repository, "bench", "results");

string[] sections = ["restore", "push", "marginal", "sync", "scan"];
if (Array.IndexOf(args, "--only") is var only and >= 0 &&
    (only + 1 >= args.Length || args[only + 1].Split(',', StringSplitOptions.TrimEntries).Except(sections).Any()))
{
    Console.Error.WriteLine($"bench: --only takes a comma-separated list of {string.Join(", ", sections)}");
    return 2;
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};
using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
using var onHup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, Stop);

// Only the bench's own folders: the measured dotnet installs the SDK package once into its own
// NuGet folder and caches skills in its own SKILLS_OCI_CACHE; no build server outlives a command.
var isolated = new Dictionary<string, string>
{
    ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
    ["DOTNET_NOLOGO"] = "1",
    ["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1",
    ["DOTNET_CLI_WORKLOAD_UPDATE_NOTIFY_DISABLE"] = "1",
    ["MSBUILDDISABLENODEREUSE"] = "1",
    ["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0",
    ["DOCKER_CONFIG"] = Path.Combine(work, "no-docker-config"),
};
// Packing the repository uses the user's NuGet folder (its dependencies are there already).
var build = new Commands(isolated);
var cache = Path.Combine(work, "skills-cache");
var commands = new Commands(new Dictionary<string, string>(isolated)
{
    ["NUGET_PACKAGES"] = Path.Combine(work, "nuget-packages"),
    ["SKILLS_OCI_CACHE"] = cache,
});

LocalRegistry? registry = null;
LatencyProxy? proxy = null;
SyntheticSkills? skills = null;
var exitCode = 0;
try
{
    var token = cancel.Token;
    var started = DateTimeOffset.UtcNow;
    var machine = await MachineAsync();
    Bench.Progress($"packing the packages of {repository}");
    var feed = await BenchFeed.PackAsync(repository, work, build, token);
    registry = await LocalRegistry.StartAsync(Path.Combine(work, "registry"), commands, token);
    // run.sh kills what is listed here if this process dies without its finally block.
    await File.AppendAllTextAsync(Path.Combine(work, "pids"), registry.ProcessId.ToString(CultureInfo.InvariantCulture) + "\n", token);
    proxy = LatencyProxy.Start(registry.Port, TimeSpan.FromMilliseconds(50));
    skills = new SyntheticSkills(Path.Combine(work, "skills"));
    Bench.Progress($"registry {registry.HostPort}, proxy {proxy.HostPort}, feed {feed.Version}");

    var bench = new Bench(work, commands, feed, registry, proxy, skills, cache, quick, token);
    var rows = new List<ResultRow>();
    if (Runs("restore"))
    {
        rows.AddRange(await bench.RestoreRowsAsync());
    }

    if (Runs("push"))
    {
        rows.AddRange(await bench.PushRowsAsync());
    }

    if (Runs("marginal"))
    {
        rows.AddRange(await bench.MarginalRowsAsync());
    }

    if (Runs("sync"))
    {
        rows.Add(await bench.SyncRowAsync());
    }

    if (Runs("scan"))
    {
        rows.AddRange(await bench.ScanRowsAsync());
    }

    var report = new BenchReport(started, await CommitAsync(), quick, bench.Runs, machine, rows);
    Console.WriteLine();
    Console.WriteLine($"Skills.Oci bench, {report.Commit}, {(quick ? "--quick, 1 run" : $"median of {bench.Runs} runs")}, {machine.Cores} cores ({machine.Cpu}), load {machine.LoadAverage} at start");
    Console.Write(report.ToTable());
    Console.WriteLine($"Written to {await report.WriteAsync(results, CancellationToken.None)} and latest.json");
}
catch (OperationCanceledException) when (cancel.IsCancellationRequested)
{
    Console.Error.WriteLine("bench cancelled; cleaning up");
    exitCode = 130;
}
catch (Exception e) when (e is InvalidOperationException or IOException or TimeoutException or System.Net.Http.HttpRequestException or Skills.Oci.Build.Oci.RegistryException)
{
    Console.Error.WriteLine($"bench failed: {e}");
    exitCode = 1;
}
finally
{
    if (proxy is not null)
    {
        await proxy.DisposeAsync();
    }

    if (registry is not null)
    {
        await registry.DisposeAsync();
    }

    skills?.Dispose();
    if (ownsWork && Directory.Exists(work))
    {
        Directory.Delete(work, recursive: true);
    }
}

return exitCode;

void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    cancel.Cancel();
}

// --only restore,push: those sections' rows alone (to iterate on one figure); every section without it.
bool Runs(string section)
{
    var at = Array.IndexOf(args, "--only");
    return at < 0 || (at + 1 < args.Length && args[at + 1].Split(',', StringSplitOptions.TrimEntries).Contains(section));
}

string? Option(string name)
{
    var at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? Path.GetFullPath(args[at + 1]) : null;
}

static string FindRepositoryRoot()
{
    for (var folder = new DirectoryInfo(Environment.CurrentDirectory); folder is not null; folder = folder.Parent)
    {
        if (File.Exists(Path.Combine(folder.FullName, "Skills.Oci.Build.sln")))
        {
            return folder.FullName;
        }
    }

    throw new InvalidOperationException("Run the bench inside the repository, or pass --repo.");
}

async Task<MachineInfo> MachineAsync()
{
    static string Field(string file, string key) =>
        File.ReadLines(file).FirstOrDefault(l => l.StartsWith(key, StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown";

    var dotnet = (await build.RunAsync("dotnet", ["--version"], repository, cancel.Token)).Output.Trim();
    var skopeo = (await build.RunAsync("skopeo", ["--version"], repository, cancel.Token)).Output.Trim();
    return new MachineInfo(
        Environment.ProcessorCount,
        Field("/proc/cpuinfo", "model name"),
        string.Create(CultureInfo.InvariantCulture, $"{long.Parse(Field("/proc/meminfo", "MemTotal").Split(' ')[0], CultureInfo.InvariantCulture) / 1024.0 / 1024:0.0} GiB"),
        (await File.ReadAllTextAsync("/proc/loadavg", cancel.Token)).Split(' ')[0..3].Aggregate((a, b) => $"{a} {b}"),
        dotnet,
        skopeo);
}

async Task<string> CommitAsync()
{
    var head = (await build.RunAsync("git", ["rev-parse", "--short", "HEAD"], repository, CancellationToken.None)).Output.Trim();
    var dirty = (await build.RunAsync("git", ["status", "--porcelain", "--", "src"], repository, CancellationToken.None)).Output.Trim().Length > 0;
    return dirty ? head + " (src/ modified)" : head;
}
