using Microsoft.Build.Framework;
using TaskLoggingHelper = Microsoft.Build.Utilities.TaskLoggingHelper;

namespace Skills.Oci.Build.Tasks;

/// <summary>
/// The skill restores of one <c>dotnet restore</c> that run while NuGet restores. NuGet's graph walk
/// calls the restore hook of each project before its own RestoreTask runs, and both mostly wait (on
/// the network, the disk): started here, a project's skills are fetched during NuGet's restore rather
/// than before it. The entry project announces the session before the walk
/// (<see cref="BeginSkillRestores"/>) and reports every job after Restore
/// (<see cref="CompleteSkillRestores"/>), in the order they started. A hook that finds no session in its
/// process (a solution restore, another node, static graph, a design-time build) restores in place.
/// </summary>
/// <remarks>
/// Registered with MSBuild for the build's lifetime: when the build ends without reaching
/// <see cref="CompleteSkillRestores"/> (NuGet's restore failed, so Restore's AfterTargets do not run),
/// disposal waits for the jobs, so no restore is cut off half-way; their results are then not shown,
/// and the next restore reports them again.
/// </remarks>
internal sealed class BackgroundSkillRestores : IDisposable
{
    private readonly object _gate = new();
    private readonly List<Job> _jobs = [];
    private readonly CancellationTokenSource _cancellation = new();

    private static string Key(string session) => "Skills.Oci.BackgroundSkillRestores|" + session;

    /// <summary>Opens the session of this restore in this process; a second call keeps the first.</summary>
    public static void Begin(IBuildEngine4 engine, string session)
    {
        if (engine.GetRegisteredTaskObject(Key(session), RegisteredTaskObjectLifetime.Build) is null)
        {
            engine.RegisterTaskObject(Key(session), new BackgroundSkillRestores(), RegisteredTaskObjectLifetime.Build, allowEarlyCollection: false);
        }
    }

    /// <summary>The session the entry project opened in this process, or null to restore in place.</summary>
    public static BackgroundSkillRestores? Find(IBuildEngine? engine, string? session) =>
        engine is IBuildEngine4 engine4 && !string.IsNullOrEmpty(session)
            ? engine4.GetRegisteredTaskObject(Key(session), RegisteredTaskObjectLifetime.Build) as BackgroundSkillRestores
            : null;

    /// <summary>
    /// Starts <paramref name="run"/> on the thread pool. <paramref name="report"/> logs its outcome later,
    /// through the reporting task's logger (a task may not log once it has returned).
    /// </summary>
    public void Start<T>(string project, Func<CancellationToken, Task<T>> run, Action<TaskLoggingHelper, T> report)
    {
        var work = Task.Run(() => run(_cancellation.Token));
        lock (_gate)
        {
            _jobs.Add(new Job(project, work, log => report(log, work.Result)));
        }
    }

    /// <summary>Waits for every job, in start order, and logs each: its results, or its failure as a coded diagnostic.</summary>
    public async Task CompleteAsync(TaskLoggingHelper log, CancellationToken cancellationToken)
    {
        using var cancel = cancellationToken.Register(_cancellation.Cancel);
        List<Job> jobs;
        lock (_gate)
        {
            jobs = [.. _jobs];
            _jobs.Clear();
        }

        foreach (var job in jobs)
        {
            try
            {
                await job.Work.ConfigureAwait(false);
                job.Report(log);
            }
            catch (Exception ex)
            {
                SkillsOciTask.LogFailure(log, ex, job.Project, _cancellation.IsCancellationRequested);
            }
        }
    }

    public void Dispose()
    {
        Task[] pending;
        lock (_gate)
        {
            pending = [.. _jobs.Select(j => j.Work)];
        }

        try
        {
            // Their results are lost with the build's loggers, but a restore is never cut off half-way.
            Task.WaitAll(pending);
        }
        catch (AggregateException)
        {
            // Failures would have been reported by CompleteAsync; the build that skipped it has failed already.
        }

        _cancellation.Dispose();
    }

    private sealed record Job(string Project, Task Work, Action<TaskLoggingHelper> Report);
}
