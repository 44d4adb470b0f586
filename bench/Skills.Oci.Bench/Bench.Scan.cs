namespace Skills.Oci.Bench;

public sealed partial class Bench
{
    /// <summary>
    /// The content scan's cost (docs/security.md): cold restores of the same 20 x 1 MB skills with
    /// SkillsSecurityMode=off and =warn (the default), alternated within each run so both see the same
    /// machine. Two payloads: random bytes (the scan sniffs them as binary) and Markdown text (every
    /// line through every rule, the worst case).
    /// </summary>
    public async Task<IReadOnlyList<ResultRow>> ScanRowsAsync()
    {
        var rows = new List<ResultRow>();
        foreach (var (id, text) in new[] { ("scan-cost-binary", false), ("scan-cost-text", true) })
        {
            Progress($"publishing {LargeSkills} x 1 MiB {(text ? "text" : "binary")} skills for the scan");
            var names = Enumerable.Range(1, LargeSkills).Select(i => $"{id}-{i:000}").ToArray();
            await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = _cancellationToken }, async (name, token) =>
                await _skills.PublishAsync(_registry.HostPort, name, LargePayload, token, text));
            var consumer = await LockedConsumerAsync(id, names.Select(n => $"{_registry.HostPort}/bench/{n}").ToArray());
            var off = new List<double>();
            var warn = new List<double>();
            for (var run = 0; run < _runs; run++)
            {
                Progress($"cold restore, {(text ? "text" : "binary")} skills, scan off and warn (run {run + 1}/{_runs})");
                consumer.ResetToClone();
                DeleteCache();
                off.Add((await RestoreCheckedAsync(consumer, names.Length, "-p:SkillsSecurityMode=off")).Seconds);
                consumer.ResetToClone();
                DeleteCache();
                warn.Add((await RestoreCheckedAsync(consumer, names.Length, "-p:SkillsSecurityMode=warn")).Seconds);
            }

            rows.Add(ResultRow.Compare(
                id,
                $"content scan, cold restore of {LargeSkills} x 1 MB {(text ? "Markdown" : "binary")} skills",
                warn,
                off,
                1.05,
                $"dotnet restore of a fresh clone (lock present, empty cache) with SkillsSecurityMode=warn vs =off, loopback"));
        }

        return rows;
    }
}
