namespace Skills.Oci.Build.Restore;

/// <summary>What one item of a concurrent run gave: its result, or the exception it failed with.</summary>
internal readonly record struct WorkOutcome<TItem, TResult>(TItem Item, TResult? Result, Exception? Error);

/// <summary>
/// Runs work for many skills at once, at most a given number at a time (registries rate-limit, and a
/// laptop has few cores), and hands the outcomes back in the items' order, every failure included, so
/// what a restore reports does not depend on which request happened to finish first.
/// </summary>
internal static class BoundedConcurrency
{
    public static async Task<IReadOnlyList<WorkOutcome<TItem, TResult>>> RunAsync<TItem, TResult>(
        IReadOnlyList<TItem> items, int degree, Func<TItem, CancellationToken, Task<TResult>> work, CancellationToken cancellationToken)
    {
        if (items.Count <= 1 || degree <= 1)
        {
            var sequential = new List<WorkOutcome<TItem, TResult>>(items.Count);
            foreach (var item in items)
            {
                sequential.Add(await RunOneAsync(item, work, cancellationToken).ConfigureAwait(false));
            }

            return sequential;
        }

        using var gate = new SemaphoreSlim(degree);
        var tasks = items.Select(async item =>
        {
            await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                return await RunOneAsync(item, work, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                gate.Release();
            }
        }).ToList();
        return await Task.WhenAll(tasks).ConfigureAwait(false);
    }

    private static async Task<WorkOutcome<TItem, TResult>> RunOneAsync<TItem, TResult>(TItem item, Func<TItem, CancellationToken, Task<TResult>> work, CancellationToken cancellationToken)
    {
        try
        {
            return new WorkOutcome<TItem, TResult>(item, await work(item, cancellationToken).ConfigureAwait(false), null);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            return new WorkOutcome<TItem, TResult>(item, default, ex);
        }
    }
}
