using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Skills.Oci.Bench;

/// <summary>A measured value and its unit (<c>s</c>, <c>ms/skill</c>, <c>MiB</c>, <c>blobs</c>).</summary>
public sealed record Figure(double Value, string Unit)
{
    public override string ToString() => Unit switch
    {
        "s" => Value.ToString("0.00", CultureInfo.InvariantCulture) + " s",
        "MiB" => (Value >= 0 ? "+" : string.Empty) + Value.ToString("0.0", CultureInfo.InvariantCulture) + " MiB",
        _ => Value.ToString("0", CultureInfo.InvariantCulture) + " " + Unit,
    };
}

/// <summary>What a row must stay under: its ratio, or (without a peer) its own value.</summary>
public sealed record Goal(double Limit, bool OnRatio)
{
    public string Text => Limit == 0 ? "0" : "<= " + Limit.ToString(OnRatio ? "0.0#" : "0.##", CultureInfo.InvariantCulture);
}

/// <summary>One round of a compared row: ours and the peer measured back to back, in the row's unit.</summary>
public sealed record Round(double Ours, double Peer);

/// <summary>One line of the table. <see cref="Detail"/> says what was measured, for the JSON reader.</summary>
public sealed record ResultRow(string Id, string What, Figure? Ours, Figure? Peer, double? Ratio, Goal? Goal, string Detail)
{
    /// <summary>Each round's own pair, so a reader can tell a missed goal from the machine's noise and compare commits round by round.</summary>
    public IReadOnlyList<Round>? Rounds { get; init; }

    /// <summary>The lowest and highest ratio of a single round; null with fewer than two rounds.</summary>
    public string? Spread => Rounds is { Count: > 1 } rounds && rounds.All(r => r.Peer > 0)
        ? string.Create(CultureInfo.InvariantCulture, $"{rounds.Min(r => r.Ours / r.Peer):0.00}-{rounds.Max(r => r.Ours / r.Peer):0.00}")
        : null;

    /// <summary>Null when there is no goal, nothing was measured (a row kept for a command that does not exist yet), or no ratio can be told from noise.</summary>
    public bool? Met => Goal is null || Ours is null
        ? null
        : Goal.OnRatio ? (Ratio is { } ratio ? ratio <= Goal.Limit : null) : Ours.Value <= Goal.Limit;

    public static ResultRow Compare(string id, string what, double ours, double peer, double goal, string detail) =>
        new(id, what, new Figure(ours, "s"), new Figure(peer, "s"), ours / peer, new Goal(goal, OnRatio: true), detail);

    /// <summary>A row from rounds of back-to-back pairs: the medians of each side, their ratio, and the rounds kept.</summary>
    public static ResultRow Compare(string id, string what, IReadOnlyList<double> ours, IReadOnlyList<double> peer, double goal, string detail) =>
        Compare(id, what, Bench.Median(ours), Bench.Median(peer), goal, detail) with { Rounds = ours.Zip(peer, (o, p) => new Round(o, p)).ToList() };
}

/// <summary>The machine a run came from; ratios travel between machines, absolute times do not.</summary>
public sealed record MachineInfo(int Cores, string Cpu, string Memory, string LoadAverage, string Dotnet, string Skopeo);

public sealed record BenchReport(DateTimeOffset Date, string Commit, bool Quick, int Runs, MachineInfo Machine, IReadOnlyList<ResultRow> Rows)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        // Read by people too: keep '>' and quotes as they are.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public string ToTable()
    {
        string[] header = ["what", "ours", "peer", "ratio", "rounds", "goal", "met?"];
        var lines = Rows.Select(r => new[]
        {
            r.What,
            r.Ours?.ToString() ?? "n/a",
            r.Peer?.ToString() ?? "-",
            r.Ratio?.ToString("0.00", CultureInfo.InvariantCulture) ?? "-",
            r.Spread ?? "-",
            r.Goal is null ? "-" : r.Goal.OnRatio ? r.Goal.Text : $"{r.Goal.Text} {r.Ours?.Unit}",
            r.Met switch { true => "yes", false => "NO", null => "-" },
        }).ToList();
        var widths = header.Select((h, i) => Math.Max(h.Length, lines.Count == 0 ? 0 : lines.Max(l => l[i].Length))).ToArray();
        var table = new StringBuilder();
        void Line(string[] cells) => table.AppendLine("| " + string.Join(" | ", cells.Select((c, i) => c.PadRight(widths[i]))) + " |");
        Line(header);
        table.AppendLine("|" + string.Join("|", widths.Select(w => new string('-', w + 2))) + "|");
        lines.ForEach(Line);
        return table.ToString();
    }

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Writes <c>&lt;UTC timestamp&gt;.json</c> and <c>latest.json</c>; returns the first.</summary>
    public async Task<string> WriteAsync(string folder, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(folder);
        var json = ToJson();
        var path = Path.Combine(folder, Date.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture) + ".json");
        await File.WriteAllTextAsync(path, json, cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(folder, "latest.json"), json, cancellationToken);
        return path;
    }
}
