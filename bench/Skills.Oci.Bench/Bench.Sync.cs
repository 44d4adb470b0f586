using System.Security;
using System.Text.RegularExpressions;

namespace Skills.Oci.Bench;

public sealed partial class Bench
{
    /// <summary>
    /// The sync row: <c>skills-oci sync</c> (the tool packed from this checkout, installed into a tool
    /// path as a hook's bootstrap installs it) on a root whose 20 locked skills are in place, against a
    /// no-op <c>dotnet restore</c> of the same project, alternated run by run. Sync runs once first, as
    /// the first session after a restore does, so the timed runs are the up-to-date path.
    /// </summary>
    public async Task<ResultRow> SyncRowAsync()
    {
        Progress("installing skills-oci from the feed");
        var tool = await InstallToolAsync();
        var names = Enumerable.Range(1, LargeSkills).Select(i => $"{_registry.HostPort}/bench/large-{i:000}").ToArray();
        var consumer = await LockedConsumerAsync("sync", names);
        await SyncCheckedAsync(tool, consumer, $"Synced {names.Length} skills");

        Progress("sync, up to date");
        var sync = new List<double>();
        var noOp = new List<double>();
        var mark = await _registry.MarkAsync(_cancellationToken);
        for (var run = 0; run < Math.Max(_runs, 3); run++)
        {
            noOp.Add((await RestoreCheckedAsync(consumer, names.Length)).Seconds);
            sync.Add((await SyncCheckedAsync(tool, consumer, $"{names.Length} already in place")).Seconds);
        }

        var requests = await _registry.CountSinceAsync(mark, new Regex("\"[A-Z]+ /v2/bench/"), _cancellationToken);
        if (requests > 0)
        {
            throw new InvalidOperationException($"An up-to-date sync (or no-op restore) sent {requests} registry requests.");
        }

        return ResultRow.Compare(
            "sync",
            $"skills-oci sync, up to date ({LargeSkills} skills), vs no-op restore",
            sync,
            noOp,
            0.25,
            "skills-oci sync at the root after a first sync vs dotnet restore of the same restored project (no registry request in either)");
    }

    private async Task<CommandResult> SyncCheckedAsync(string tool, ConsumerProject consumer, string expected)
    {
        var result = await _commands.RunAsync(tool, ["sync"], consumer.Root, _cancellationToken);
        if (!result.Output.Contains(expected, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"skills-oci sync in {consumer.Root} did not report '{expected}':{Environment.NewLine}{result.Output}");
        }

        return result;
    }

    /// <summary>Installs Skills.Oci.Tool of the bench feed with <c>dotnet tool install --tool-path</c>; returns the shim.</summary>
    private async Task<string> InstallToolAsync()
    {
        var folder = Path.Combine(_work, "tool");
        Directory.CreateDirectory(folder);
        var config = Path.Combine(folder, "nuget.config");
        await File.WriteAllTextAsync(config, $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="skills-oci-bench" value="{SecurityElement.Escape(_feed.Folder)}" />
              </packageSources>
            </configuration>
            """, _cancellationToken);
        var bin = Path.Combine(folder, "bin");
        await _commands.RunAsync("dotnet", ["tool", "install", "Skills.Oci.Tool", "--version", _feed.Version, "--tool-path", bin, "--configfile", config], folder, _cancellationToken);
        return Path.Combine(bin, "skills-oci");
    }
}
