using Skills.Oci.Build.IO;

namespace Skills.Oci.Build.Tests.IO;

/// <summary>One bounded stream: a window that ends at its length, or a guard that fails past its limit.</summary>
public sealed class BoundedReadStreamTests
{
    [Fact]
    public async Task A_window_ends_at_its_length_and_leaves_the_rest_unread()
    {
        var inner = new MemoryStream([1, 2, 3, 4, 5]);
        var window = new BoundedReadStream(inner, 3);

        var read = new MemoryStream();
        await window.CopyToAsync(read);

        Assert.Equal([1, 2, 3], read.ToArray());
        Assert.Equal(3, window.Length);
        Assert.Equal(3, inner.Position);
    }

    [Fact]
    public async Task A_guard_passes_a_stream_of_exactly_its_limit()
    {
        var guard = new BoundedReadStream(new MemoryStream([1, 2, 3]), 3, limit => new InvalidOperationException($"over {limit}"), leaveOpen: false);

        var read = new MemoryStream();
        await guard.CopyToAsync(read);

        Assert.Equal([1, 2, 3], read.ToArray());
    }

    [Fact]
    public async Task A_guard_fails_on_the_first_byte_past_its_limit()
    {
        var guard = new BoundedReadStream(new MemoryStream([1, 2, 3, 4]), 3, limit => new InvalidOperationException($"over {limit}"), leaveOpen: false);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => guard.CopyToAsync(Stream.Null));

        Assert.Equal("over 3", error.Message);
        Assert.Equal(4, guard.BytesRead);
    }

    [Fact]
    public void A_window_leaves_its_stream_open_and_an_owning_guard_disposes_it()
    {
        var kept = new MemoryStream([1]);
        new BoundedReadStream(kept, 1).Dispose();
        Assert.True(kept.CanRead);

        var owned = new MemoryStream([1]);
        new BoundedReadStream(owned, 1, _ => new InvalidOperationException(), leaveOpen: false).Dispose();
        Assert.False(owned.CanRead);
    }
}
