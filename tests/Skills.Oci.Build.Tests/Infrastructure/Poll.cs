namespace Skills.Oci.Build.Tests.Infrastructure;

/// <summary>
/// Waiting for something another process or thread makes true: check the condition, pause briefly
/// (5 ms, doubling up to 100 ms), check again, until it holds or the timeout passes. Tests wait this
/// way instead of sleeping a fixed time, which is either too short on a busy machine or wasted time.
/// </summary>
public static class Poll
{
    private static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan LongestPause = TimeSpan.FromMilliseconds(100);

    /// <summary>Returns once <paramref name="condition"/> is true; throws <see cref="TimeoutException"/> with <paramref name="failure"/>'s text when <paramref name="timeout"/> passes first.</summary>
    public static async Task UntilAsync(Func<CancellationToken, Task<bool>> condition, TimeSpan timeout, Func<string> failure, CancellationToken cancellationToken = default)
    {
        var deadline = DateTime.UtcNow + timeout;
        var pause = FirstPause;
        while (!await condition(cancellationToken).ConfigureAwait(false))
        {
            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException($"Still not so after {timeout.TotalSeconds:0.###} s: {failure()}");
            }

            await Task.Delay(pause, cancellationToken).ConfigureAwait(false);
            pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, LongestPause.Ticks));
        }
    }

    /// <inheritdoc cref="UntilAsync(Func{CancellationToken, Task{bool}}, TimeSpan, Func{string}, CancellationToken)"/>
    public static Task UntilAsync(Func<bool> condition, TimeSpan timeout, Func<string> failure, CancellationToken cancellationToken = default) =>
        UntilAsync(_ => Task.FromResult(condition()), timeout, failure, cancellationToken);
}
