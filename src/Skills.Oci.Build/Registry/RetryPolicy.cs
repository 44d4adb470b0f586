using System.Net.Http.Headers;
using System.Net.Sockets;
using Skills.Oci.Build.Oci;

namespace Skills.Oci.Build.Registry;

/// <summary>
/// The one back-off rule of the registry layer: bounded attempts, exponential delays with jitter
/// (or what Retry-After asks, capped), and a total time after which retrying stops. Requests,
/// blob uploads and interrupted blob downloads all retry through it.
/// </summary>
internal sealed class RetryPolicy(RegistryClientOptions options)
{
    /// <summary>The wait before the single retry a loopback registry gets when it refuses the connection.</summary>
    internal static readonly TimeSpan LoopbackRetryDelay = TimeSpan.FromMilliseconds(200);

    /// <summary>Starts counting the attempts of one operation.</summary>
    public RetryBudget Start() => new(this);

    /// <summary>
    /// A registry on this machine that refuses connections is not running; waiting will not start
    /// it, so the refusal is final after one quick retry (a registry that is just starting up).
    /// </summary>
    public static bool IsRefusedByLoopback(Exception? exception, ImageReference target)
    {
        if (!target.IsLoopback)
        {
            return false;
        }

        for (var inner = exception; inner is not null; inner = inner.InnerException)
        {
            if (inner is SocketException { SocketErrorCode: SocketError.ConnectionRefused })
            {
                return true;
            }
        }

        return false;
    }

    internal int MaxAttempts => options.MaxAttempts;

    internal TimeSpan MaxDuration => options.MaxRetryDuration;

    internal TimeSpan BackOff(int failedAttempt, RetryConditionHeaderValue? retryAfter)
    {
        TimeSpan delay;
        if (retryAfter?.Delta is { } delta)
        {
            delay = delta;
        }
        else if (retryAfter?.Date is { } date)
        {
            delay = date - DateTimeOffset.UtcNow;
        }
        else
        {
            var exponential = options.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, failedAttempt - 1);
            // Jitter spreads parallel clients so they do not retry in lock step.
            delay = TimeSpan.FromMilliseconds(exponential * (0.8 + (Random.Shared.NextDouble() * 0.4)));
        }

        if (delay < TimeSpan.Zero)
        {
            delay = TimeSpan.Zero;
        }

        return delay > options.MaxRetryDelay ? options.MaxRetryDelay : delay;
    }
}

/// <summary>The attempts of one operation so far, and whether another is allowed.</summary>
internal sealed class RetryBudget
{
    private readonly RetryPolicy _policy;
    private readonly DateTimeOffset _started = DateTimeOffset.UtcNow;

    internal RetryBudget(RetryPolicy policy) => _policy = policy;

    /// <summary>Attempts made, counting the one that just failed.</summary>
    public int Attempts { get; private set; } = 1;

    /// <summary>Waits before the next attempt; false (without waiting) when the bounds are spent.</summary>
    public Task<bool> WaitAsync(RetryConditionHeaderValue? retryAfter, CancellationToken cancellationToken) =>
        WaitAsync(_policy.BackOff(Attempts, retryAfter), Attempts < _policy.MaxAttempts, cancellationToken);

    /// <summary>Like <see cref="WaitAsync(RetryConditionHeaderValue?, CancellationToken)"/>, but a loopback refusal gets one quick retry only.</summary>
    public Task<bool> WaitAsync(Exception failure, ImageReference target, CancellationToken cancellationToken) =>
        RetryPolicy.IsRefusedByLoopback(failure, target)
            ? WaitAsync(RetryPolicy.LoopbackRetryDelay, Attempts < Math.Min(2, _policy.MaxAttempts), cancellationToken)
            : WaitAsync(null, cancellationToken);

    private async Task<bool> WaitAsync(TimeSpan delay, bool allowed, CancellationToken cancellationToken)
    {
        if (!allowed || DateTimeOffset.UtcNow - _started + delay > _policy.MaxDuration)
        {
            return false;
        }

        await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
        Attempts++;
        return true;
    }
}
