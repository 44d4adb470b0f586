namespace Skills.Oci.Bench;

public sealed partial class Bench
{
    private const int LargeSkills = 20;
    private const int LargePayload = 1024 * 1024;
    private const int SmallPayload = 256;

    /// <summary>Below this many ms per added skill a marginal cost is noise on a shared machine.</summary>
    private const double NoiseFloorMs = 2;

    /// <summary>
    /// Rows 1, 2 and 5: cold restore of 20 x 1 MB skills on loopback and through the proxy against 20
    /// parallel skopeo copies, the no-op restore of that project against the baseline, and a new
    /// project on the warm cache. Ordered so the warm-cache row finds what the last loopback cold
    /// restore cached.
    /// </summary>
    public async Task<IReadOnlyList<ResultRow>> RestoreRowsAsync()
    {
        Progress($"publishing {LargeSkills} x 1 MiB skills");
        var names = await PublishAsync("large", LargeSkills, LargePayload);
        var baseline = await BaselineAsync();
        var rows = new List<ResultRow>();

        Progress("cold restore, loopback");
        var (loopbackProject, loopback) = await ColdRestoreAsync("cold-loopback", "loopback", _registry.HostPort, names, baseline, 1.0, string.Empty);
        rows.Add(loopback);

        Progress("no-op restore");
        var emptySdk = await ConsumerProject.CreateAsync(Path.Combine(_work, "projects", "empty-sdk"), _feed, [], _commands, _cancellationToken, BenchFeed.EmptySdkName);
        await emptySdk.RestoreAsync(_commands, _cancellationToken);
        var noOp = new List<double>();
        var noOpBaseline = new List<double>();
        var noOpEmptySdk = new List<double>();
        // MSBuild's escape hatch that loads every plugin into one AssemblyLoadContext: NuGet's msbuild-sdks
        // resolver and NuGet's restore task then share one load of NuGet's assemblies, whose ReadyToRun
        // code the runtime only uses for the first load (docs/performance.md).
        var nuGetLoadedOnce = _commands.With("MSBUILDSINGLELOADCONTEXT", "1");
        var noOpOnce = new List<double>();
        var noOpBaselineOnce = new List<double>();
        // Alternated, and twice as many runs as the other rows: they differ by tens of milliseconds.
        for (var run = 0; run < _runs * 2; run++)
        {
            noOpBaseline.Add((await baseline.RestoreAsync(_commands, _cancellationToken)).Seconds);
            noOp.Add((await RestoreCheckedAsync(loopbackProject, names.Count)).Seconds);
            noOpEmptySdk.Add((await emptySdk.RestoreAsync(_commands, _cancellationToken)).Seconds);
            noOpBaselineOnce.Add((await baseline.RestoreAsync(nuGetLoadedOnce, _cancellationToken)).Seconds);
            noOpOnce.Add((await RestoreCheckedAsync(loopbackProject, names.Count, nuGetLoadedOnce)).Seconds);
        }

        rows.Add(ResultRow.Compare(
            "noop",
            $"no-op restore, {LargeSkills} locked skills",
            noOp,
            noOpBaseline,
            1.03,
            "dotnet restore of the restored project again vs the same project without the SDK and skills"));
        rows.Add(ResultRow.Compare(
            "noop-vs-sdk",
            $"no-op restore, {LargeSkills} locked skills, vs an empty SDK",
            noOp,
            noOpEmptySdk,
            1.03,
            "the same no-op restore vs the same project adding an MSBuild SDK that imports nothing: NuGet's msbuild-sdks resolver costs both the same, so this is what the skills and our targets cost"));
        rows.Add(ResultRow.Compare(
            "noop-nuget-once",
            $"no-op restore, {LargeSkills} locked skills, NuGet loaded once",
            noOpOnce,
            noOpBaselineOnce,
            1.03,
            "the first no-op row with MSBUILDSINGLELOADCONTEXT=1 on both sides: NuGet's assemblies are loaded once, so NuGet's restore keeps its ReadyToRun code after NuGet's msbuild-sdks resolver has run; what is left is the resolver's own work, the skills and our targets"));

        Progress("warm cache, new project");
        var mark = await _registry.MarkAsync(_cancellationToken);
        var fresh = await ConsumerProject.CreateAsync(Path.Combine(_work, "projects", "warm-new"), _feed, names.Select(n => $"{_registry.HostPort}/bench/{n}").ToArray(), _commands, _cancellationToken);
        await RestoreCheckedAsync(fresh, names.Count);
        var blobs = await _registry.CountSinceAsync(mark, LocalRegistry.BlobGet, _cancellationToken);
        rows.Add(new ResultRow(
            "warm-new-project",
            $"new project, warm cache ({LargeSkills} skills)",
            new Figure(blobs, "blobs"),
            null,
            null,
            new Goal(0, OnRatio: false),
            "blob GETs in the registry's access log during the first restore of a new project (new folder, no lock) sharing SKILLS_OCI_CACHE"));

        Progress($"cold restore, through the {_proxy.RoundTrip.TotalMilliseconds:0} ms proxy");
        var latency = $"+{_proxy.RoundTrip.TotalMilliseconds:0} ms per request";
        var (_, proxied) = await ColdRestoreAsync("cold-proxy", latency, _proxy.HostPort, names, baseline, 1.2, $", through a proxy adding {_proxy.RoundTrip.TotalMilliseconds:0} ms per request round trip and per new connection");
        rows.Add(proxied);
        return rows;
    }

    /// <summary>
    /// Row 4: cold restores of projects with more and more small skills; the cost per added skill should
    /// stay flat. In place (SkillsRestoreInBackground=false): in the background the first half second of
    /// skill work hides behind NuGet's own restore, so the small steps (10->40) would look cheaper than
    /// the large ones without any skill costing more. In place every skill's cost shows.
    /// </summary>
    public async Task<IReadOnlyList<ResultRow>> MarginalRowsAsync()
    {
        const string InPlace = "-p:SkillsRestoreInBackground=false";
        int[] sizes = _quick ? [10, 40, 100] : [10, 40, 100, 200];
        Progress($"publishing {sizes[^1]} small skills");
        var names = await PublishAsync("small", sizes[^1], SmallPayload);
        var projects = new List<ConsumerProject>();
        foreach (var size in sizes)
        {
            projects.Add(await LockedConsumerAsync($"marginal-{size}", names.Take(size).Select(n => $"{_registry.HostPort}/bench/{n}").ToArray()));
        }

        var times = sizes.Select(_ => new List<double>()).ToArray();
        var runs = _quick ? 1 : MarginalRuns;
        for (var run = 0; run < runs; run++)
        {
            for (var i = 0; i < sizes.Length; i++)
            {
                Progress($"cold restore, {sizes[i]} small skills (run {run + 1}/{runs})");
                projects[i].ResetToClone();
                DeleteCache();
                times[i].Add((await RestoreCheckedAsync(projects[i], sizes[i], InPlace)).Seconds);
            }
        }

        // Each step is the median of its rounds' own differences (the sizes run back to back in a
        // round, so a slow spell of the machine lands on both sides of a difference).
        var steps = Enumerable.Range(1, sizes.Length - 1)
            .Select(i => times[i].Zip(times[i - 1], (larger, smaller) => (larger - smaller) * 1000 / (sizes[i] - sizes[i - 1])).ToList())
            .ToList();
        var perSkill = steps.Select(Median).ToList();
        var rows = new List<ResultRow>();
        for (var i = 1; i < sizes.Length; i++)
        {
            rows.Add(new ResultRow(
                $"marginal-{sizes[i - 1]}-{sizes[i]}",
                $"cost per added small skill, {sizes[i - 1]}->{sizes[i]}",
                new Figure(perSkill[i - 1], "ms/skill"),
                null,
                null,
                null,
                $"cold restore in place (lock present, empty cache, {InPlace}): {sizes[i - 1]} skills {Median(times[i - 1]):0.00} s, {sizes[i]} skills {Median(times[i]):0.00} s (medians); the cost is the median of {runs} rounds' differences"));
        }

        var last = $"{sizes[^2]}->{sizes[^1]}";
        rows.Add(new ResultRow(
            "marginal-growth",
            $"cost per skill, ({last}) / (10->40)",
            new Figure(perSkill[^1], "ms/skill"),
            new Figure(perSkill[0], "ms/skill"),
            // A step that costs under NoiseFloorMs per skill is within the run-to-run noise of a shared
            // machine: a ratio over it (even a negative one) says nothing, so none is given.
            perSkill[0] >= NoiseFloorMs ? perSkill[^1] / perSkill[0] : null,
            new Goal(1.2, OnRatio: true),
            perSkill[0] >= NoiseFloorMs
                ? "flat is 1.0: the restore scales linearly with the number of skills"
                : $"no ratio: 10->40 costs {perSkill[0]:0} ms per skill, under the {NoiseFloorMs} ms noise floor; compare the ms/skill rows")
        {
            Rounds = steps[^1].Zip(steps[0], (largest, smallest) => new Round(largest, smallest)).ToList(),
        });
        return rows;
    }

    /// <summary>
    /// Cold restores of a fresh clone of a project referencing <paramref name="names"/> on
    /// <paramref name="host"/>, beyond the baseline's restore, against parallel skopeo copies. The
    /// figure is a difference of two whole restores, so it takes <see cref="DifferenceRuns"/> rounds
    /// and the median of each round's own difference.
    /// </summary>
    private async Task<(ConsumerProject Project, ResultRow Row)> ColdRestoreAsync(string id, string link, string host, IReadOnlyList<string> names, ConsumerProject baseline, double goal, string through)
    {
        var consumer = await LockedConsumerAsync(id, names.Select(n => $"{host}/bench/{n}").ToArray());
        var ours = new List<double>();
        var peer = new List<double>();
        var skopeo = new List<double>();
        var skopeoRoot = Path.Combine(_work, "skopeo", id);
        for (var run = 0; run < DifferenceRuns; run++)
        {
            baseline.ResetToClone();
            peer.Add((await baseline.RestoreAsync(_commands, _cancellationToken)).Seconds);
            consumer.ResetToClone();
            DeleteCache();
            ours.Add((await RestoreCheckedAsync(consumer, names.Count)).Seconds);

            if (Directory.Exists(skopeoRoot))
            {
                Directory.Delete(skopeoRoot, recursive: true);
            }

            Directory.CreateDirectory(skopeoRoot);
            var copies = names.Select(n => ("skopeo", new[]
            {
                "copy", "--quiet", "--src-tls-verify=false",
                $"docker://{host}/bench/{n}:{SyntheticSkills.Version}",
                $"oci:{Path.Combine(skopeoRoot, n)}:{SyntheticSkills.Version}",
            })).ToArray();
            skopeo.Add((await _commands.RunAllAsync(copies, _cancellationToken)).TotalSeconds);
        }

        var baselineMedian = Median(peer);
        return (consumer, ResultRow.Compare(
            id,
            $"cold restore, {names.Count} x 1 MB skills, {link}",
            ours.Zip(peer, (restore, without) => restore - without).ToList(),
            skopeo,
            goal,
            $"dotnet restore of a fresh clone (lock present, empty cache, no .agents, no obj){through}, minus the same restore of the project without the SDK in the same round ({baselineMedian:0.00} s), median of {DifferenceRuns} rounds; peer: {names.Count} parallel skopeo copy docker:// -> oci:"));
    }
}
