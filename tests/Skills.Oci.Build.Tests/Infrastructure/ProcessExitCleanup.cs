using System.Collections.Concurrent;
using System.Diagnostics;

namespace Skills.Oci.Build.Tests.Infrastructure;

/// <summary>
/// Child processes the harness started and run-wide folders, killed and deleted when the test host
/// exits. A backstop only: fixtures stop their processes on dispose, but a failed or aborted test run
/// must not leave registries listening or feeds lying around on the shared machine.
/// </summary>
internal static class ProcessExitCleanup
{
    private static readonly ConcurrentDictionary<int, Process> Running = new();
    private static readonly ConcurrentDictionary<string, byte> Folders = new();

    static ProcessExitCleanup()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();
    }

    public static void Track(Process process) => Running[process.Id] = process;

    public static void Untrack(Process process) => Running.TryRemove(process.Id, out _);

    /// <summary>A folder to delete when the test host exits (process-wide caches such as the feed).</summary>
    public static void DeleteOnExit(string folder) => Folders[folder] = 0;

    public static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // The process exited between the check and the kill.
        }
    }

    private static void KillAll()
    {
        foreach (var process in Running.Values)
        {
            Kill(process);
        }

        foreach (var folder in Folders.Keys)
        {
            TempFolder.Delete(folder);
        }
    }
}
