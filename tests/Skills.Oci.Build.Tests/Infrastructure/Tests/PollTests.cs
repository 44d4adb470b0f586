namespace Skills.Oci.Build.Tests.Infrastructure.Tests;

public sealed class PollTests
{
    [Fact]
    public async Task Returns_as_soon_as_the_condition_holds()
    {
        var checks = 0;

        await Poll.UntilAsync(() => ++checks == 3, TimeSpan.FromSeconds(10), () => "never");

        Assert.Equal(3, checks);
    }

    [Fact]
    public async Task Times_out_with_the_failure_text()
    {
        var error = await Assert.ThrowsAsync<TimeoutException>(() => Poll.UntilAsync(() => false, TimeSpan.FromMilliseconds(50), () => "the thing never happened"));

        Assert.Contains("the thing never happened", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancellation_wins_over_the_timeout()
    {
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Poll.UntilAsync(() => false, TimeSpan.FromMinutes(1), () => "x", cancellation.Token));
    }
}
