using System.Collections.Concurrent;

namespace Skills.Oci.Build.Registry;

/// <summary>
/// A host that may fall back to plain HTTP and whose scheme is not known yet is probed by one
/// request; the others wait for its first answer and then use the scheme it found. Without this,
/// every request of a concurrent restore would try TLS at once, and all but the first would see
/// their TLS failure as a transient error and back off (about a second each on a loopback registry).
/// </summary>
internal sealed class SchemeProbes
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _probes = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Returns the gate to open (set its result) once this request has its first answer, when it is
    /// the probe; otherwise waits for the probe and returns null. A probe that failed before deciding
    /// leaves the scheme unknown: a request that waited for it then tries on its own.
    /// </summary>
    public async Task<TaskCompletionSource?> EnterAsync(string host, CancellationToken cancellationToken)
    {
        var mine = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var current = _probes.GetOrAdd(host, mine);
        if (current == mine)
        {
            return mine;
        }

        await current.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        return null;
    }
}
