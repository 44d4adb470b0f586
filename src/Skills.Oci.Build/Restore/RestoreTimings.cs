using System.Diagnostics;
using System.Globalization;

namespace Skills.Oci.Build.Restore;

/// <summary>
/// Where one restore's time went, per step of the per-skill work (fetch, extraction, tree hash...):
/// how many times it ran, the sum of its durations and the window it ran in, measured from the
/// restore's start. Steps of many skills overlap, so a sum far above its window means concurrency,
/// and a window far above the sum means waiting. Logged at detailed verbosity; thread-safe.
/// </summary>
public sealed class RestoreTimings
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Dictionary<string, Step> _steps = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];

    /// <summary>Starts timing one run of <paramref name="step"/>; dispose the result when it ends.</summary>
    public Measurement Measure(string step) => new(this, step, _clock.Elapsed);

    /// <summary>One line: each step in the order it first ran.</summary>
    public string Summary()
    {
        lock (_steps)
        {
            return "Timings: " + string.Join("; ", _order.Select(name => _steps[name].Describe(name)));
        }
    }

    private void Record(string step, TimeSpan start, TimeSpan end)
    {
        Step entry;
        lock (_steps)
        {
            if (!_steps.TryGetValue(step, out entry!))
            {
                _steps[step] = entry = new Step();
                _order.Add(step);
            }
        }

        entry.Add(start, end);
    }

    /// <summary>A running measurement; ends on dispose.</summary>
    public readonly struct Measurement(RestoreTimings owner, string step, TimeSpan start) : IDisposable
    {
        public void Dispose() => owner?.Record(step, start, owner._clock.Elapsed);
    }

    private sealed class Step
    {
        private readonly object _gate = new();
        private int _count;
        private TimeSpan _sum;
        private TimeSpan _first = TimeSpan.MaxValue;
        private TimeSpan _last;

        public void Add(TimeSpan start, TimeSpan end)
        {
            lock (_gate)
            {
                _count++;
                _sum += end - start;
                _first = start < _first ? start : _first;
                _last = end > _last ? end : _last;
            }
        }

        public string Describe(string name)
        {
            lock (_gate)
            {
                return string.Create(CultureInfo.InvariantCulture,
                    $"{name} {_count}x sum {_sum.TotalMilliseconds:0} ms in {_first.TotalMilliseconds:0}-{_last.TotalMilliseconds:0} ms");
            }
        }
    }
}
