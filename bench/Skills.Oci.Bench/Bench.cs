namespace Skills.Oci.Bench;

/// <summary>
/// What every scenario shares: the children's environment, the feed, the registry and the proxy in
/// front of it, the published skills and the consumer projects. Scenarios live in the partial files
/// (Bench.Restore.cs, Bench.Push.cs); each returns its table rows.
/// </summary>
public sealed partial class Bench
{
    private readonly string _work;
    private readonly Commands _commands;
    private readonly BenchFeed _feed;
    private readonly LocalRegistry _registry;
    private readonly LatencyProxy _proxy;
    private readonly SyntheticSkills _skills;
    private readonly string _cache;
    private readonly int _runs;
    private readonly bool _quick;
    private readonly CancellationToken _cancellationToken;
    private ConsumerProject? _baseline;

    public Bench(string work, Commands commands, BenchFeed feed, LocalRegistry registry, LatencyProxy proxy, SyntheticSkills skills, string cache, bool quick, CancellationToken cancellationToken)
    {
        _work = work;
        _commands = commands;
        _feed = feed;
        _registry = registry;
        _proxy = proxy;
        _skills = skills;
        _cache = cache;
        _quick = quick;
        _runs = quick ? 1 : 3;
        _cancellationToken = cancellationToken;
    }

    public int Runs => _runs;

    /// <summary>
    /// Runs of the rows whose figure is a difference of two whole commands (the cold restores, the
    /// marginal push): start-up noise of either command lands in the difference whole, so they take more.
    /// </summary>
    private int DifferenceRuns => _quick ? 3 : 5;

    /// <summary>
    /// Rounds of the cost per added skill. Its first step adds 30 skills to a restore of about a
    /// second, so one round's difference carries that restore's noise divided by only 30: with 5
    /// rounds, its figure moved between 5 and 13 ms per skill in three runs of one commit.
    /// </summary>
    private const int MarginalRuns = 9;

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    public static void Progress(string message) => Console.Error.WriteLine($"[{DateTime.Now:HH:mm:ss}] {message}");

    /// <summary>The peer project: the same project without the SDK and without skills, restored once.</summary>
    private async Task<ConsumerProject> BaselineAsync()
    {
        if (_baseline is null)
        {
            _baseline = await ConsumerProject.CreateAsync(Path.Combine(_work, "projects", "baseline"), _feed, [], _commands, _cancellationToken);
            await _baseline.RestoreAsync(_commands, _cancellationToken);
        }

        return _baseline;
    }

    /// <summary>A consumer project restored once, so it has its lock (and NuGet has the SDK).</summary>
    private async Task<ConsumerProject> LockedConsumerAsync(string name, string[] references)
    {
        var consumer = await ConsumerProject.CreateAsync(Path.Combine(_work, "projects", name), _feed, references, _commands, _cancellationToken);
        await RestoreCheckedAsync(consumer, references.Length);
        if (!File.Exists(consumer.LockFile))
        {
            throw new InvalidOperationException($"The first restore of {consumer.ProjectFile} wrote no lock file.");
        }

        return consumer;
    }

    /// <summary>A restore that must leave exactly <paramref name="skills"/> skill folders, so a silently skipped restore is not timed as a fast one.</summary>
    private Task<CommandResult> RestoreCheckedAsync(ConsumerProject consumer, int skills, params string[] properties) =>
        RestoreCheckedAsync(consumer, skills, _commands, properties);

    private async Task<CommandResult> RestoreCheckedAsync(ConsumerProject consumer, int skills, Commands commands, params string[] properties)
    {
        var result = await consumer.RestoreAsync(commands, _cancellationToken, properties);
        var folder = Path.Combine(consumer.Root, ".agents", "skills");
        var found = Directory.Exists(folder) ? Directory.GetDirectories(folder).Length : 0;
        if (found != skills)
        {
            throw new InvalidOperationException($"Restoring {consumer.ProjectFile} left {found} skills in {folder}, expected {skills}.{Environment.NewLine}{result.Output}");
        }

        return result;
    }

    private void DeleteCache()
    {
        if (Directory.Exists(_cache))
        {
            Directory.Delete(_cache, recursive: true);
        }
    }

    /// <summary>Publishes <paramref name="count"/> skills named <c>prefix-NNN</c> (in parallel: publishing is setup, not measured).</summary>
    private async Task<IReadOnlyList<string>> PublishAsync(string prefix, int count, int payloadBytes)
    {
        var names = Enumerable.Range(1, count).Select(i => $"{prefix}-{i:000}").ToArray();
        await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = _cancellationToken }, async (name, token) =>
            await _skills.PublishAsync(_registry.HostPort, name, payloadBytes, token));
        return names;
    }
}
