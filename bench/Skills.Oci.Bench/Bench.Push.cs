using System.Globalization;

namespace Skills.Oci.Bench;

public sealed partial class Bench
{
    private const int PushPayload = 50 * 1024 * 1024;

    /// <summary>
    /// Row 3: <c>dotnet msbuild -t:PushSkill</c> of a 50 MiB layout packed earlier, minus the same
    /// command again (every blob already there: MSBuild start-up, evaluation, the HEADs and the
    /// manifest PUT), against <c>skopeo copy oci: docker://</c>; and the peak RSS of the two runs.
    /// Every round pushes fresh random content, for each tool its own, so neither can skip or mount a
    /// blob it pushed before (skopeo remembers blob locations across runs).
    /// The figure is the median of each round's own difference (<see cref="DifferenceRuns"/> rounds),
    /// not the difference of two medians.
    /// </summary>
    public async Task<IReadOnlyList<ResultRow>> PushRowsAsync()
    {
        var project = await SkillProjectAsync();
        var fresh = new List<CommandResult>();
        var noOp = new List<CommandResult>();
        var skopeo = new List<double>();
        var rounds = DifferenceRuns;
        for (var run = 0; run < rounds; run++)
        {
            Progress($"push of 50 MiB (round {run + 1}/{rounds})");
            var ours = await _skills.PackAsync($"push-ours-{run}", PushPayload, _cancellationToken);
            var theirs = await _skills.PackAsync($"push-skopeo-{run}", PushPayload, _cancellationToken);
            string[] push =
            [
                "msbuild", project, "-t:PushSkill", "-p:Configuration=Release",
                $"-p:SkillLayoutDirectory={ours}", $"-p:Version={SyntheticSkills.Version}",
                $"-p:SkillRepository={_registry.HostPort}/bench/push-ours-{run}",
                "-nodeReuse:false", "-v:q", "-nologo",
            ];
            var mark = await _registry.MarkAsync(_cancellationToken);
            fresh.Add(await _commands.RunAsync("dotnet", push, Path.GetDirectoryName(project), _cancellationToken, measureMemory: true));
            // The layer and the config: a push that skipped its upload would time as a fast one.
            var uploads = await _registry.CountSinceAsync(mark, LocalRegistry.BlobUpload, _cancellationToken);
            if (uploads < 2)
            {
                throw new InvalidOperationException($"The first push of push-ours-{run} uploaded {uploads} blobs, expected 2.");
            }

            noOp.Add(await _commands.RunAsync("dotnet", push, Path.GetDirectoryName(project), _cancellationToken, measureMemory: true));
            skopeo.Add((await _commands.RunAsync(
                "skopeo",
                ["copy", "--quiet", "--dest-tls-verify=false", $"oci:{theirs}:{SyntheticSkills.Version}", $"docker://{_registry.HostPort}/bench/push-skopeo-{run}:{SyntheticSkills.Version}"],
                null,
                _cancellationToken)).Seconds);
            Directory.Delete(ours, recursive: true);
            Directory.Delete(theirs, recursive: true);
        }

        var overhead = Median(noOp.Select(r => r.Seconds));
        var marginals = fresh.Zip(noOp, (push, again) => push.Seconds - again.Seconds).ToList();
        var freshRss = Median(fresh.Select(r => (double)(r.MaxRssKiB ?? 0)));
        var noOpRss = Median(noOp.Select(r => (double)(r.MaxRssKiB ?? 0)));
        return
        [
            ResultRow.Compare(
                "push",
                "marginal push of 50 MB (-t:PushSkill of a packed layout)",
                marginals,
                skopeo,
                1.0,
                $"dotnet msbuild -t:PushSkill of a new 50 MiB layout minus the same command once the blobs are there ({overhead:0.00} s), median of {rounds} rounds' differences ({string.Join(", ", marginals.Select(m => m.ToString("0.00", CultureInfo.InvariantCulture)))} s); peer: skopeo copy oci: -> docker://"),
            new ResultRow(
                "push-memory",
                "peak memory growth of that push",
                new Figure((freshRss - noOpRss) / 1024, "MiB"),
                null,
                null,
                new Goal(64, OnRatio: false),
                $"max RSS (GNU time) of the pushing dotnet process {freshRss / 1024:0} MiB minus the no-op push {noOpRss / 1024:0} MiB"),
        ];
    }

    /// <summary>A skill project on the SDK (its content is never packed: the layout comes from the bench), restored once.</summary>
    private async Task<string> SkillProjectAsync()
    {
        var folder = Path.Combine(_work, "projects", "pusher");
        await ConsumerProject.WriteRepositoryFilesAsync(folder, _feed, _commands, _cancellationToken);
        var project = Path.Combine(folder, "bench-push.csproj");
        await File.WriteAllTextAsync(project, """
            <Project Sdk="Skills.Oci.Sdk">
            </Project>
            """, _cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(folder, "SKILL.md"), """
            ---
            name: bench-push
            description: The skill project the bench pushes prepacked layouts from.
            ---
            """, _cancellationToken);
        await _commands.RunAsync("dotnet", ["restore", project, "-nodeReuse:false", "-v:q", "-nologo"], folder, _cancellationToken);
        return project;
    }
}
