using System.Text;
using Skills.Oci.Build.Oci;

namespace Skills.Oci.Build.Tests.Oci;

public class VerifyingReadStreamTests
{
    private static readonly byte[] Content = Encoding.ASCII.GetBytes("the quick brown fox jumps over the lazy dog");

    [Fact]
    public async Task Passes_content_that_matches()
    {
        await using var stream = new VerifyingReadStream(new MemoryStream(Content), Digest.ComputeSha256(Content), Content.Length);
        var copy = new MemoryStream();

        await stream.CopyToAsync(copy);

        Assert.Equal(Content, copy.ToArray());
    }

    [Fact]
    public async Task Withholds_the_last_bytes_of_content_that_does_not_hash_to_the_digest()
    {
        var corrupted = (byte[])Content.Clone();
        corrupted[^1] ^= 0xff;
        await using var stream = new VerifyingReadStream(new MemoryStream(corrupted), Digest.ComputeSha256(Content), Content.Length);
        var buffer = new byte[Content.Length];

        var error = await Assert.ThrowsAsync<RegistryException>(async () => await stream.ReadAsync(buffer));

        Assert.Equal(RegistryErrorKind.DigestMismatch, error.Kind);
        // The read that would have completed the content threw, so no byte reached the buffer.
        Assert.All(buffer, b => Assert.Equal(0, b));
    }

    [Fact]
    public async Task Fails_on_content_longer_than_the_descriptor()
    {
        var longer = Content.Concat(new byte[] { 1 }).ToArray();
        await using var stream = new VerifyingReadStream(new MemoryStream(longer), Digest.ComputeSha256(Content), Content.Length);

        var error = await Assert.ThrowsAsync<RegistryException>(() => stream.CopyToAsync(Stream.Null));

        Assert.Equal(RegistryErrorKind.DigestMismatch, error.Kind);
        Assert.Contains("longer", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fails_on_truncated_content()
    {
        await using var stream = new VerifyingReadStream(new MemoryStream(Content[..10]), Digest.ComputeSha256(Content), Content.Length);

        var error = await Assert.ThrowsAsync<RegistryException>(() => stream.CopyToAsync(Stream.Null));

        Assert.Contains("ended after 10 bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Verifies_synchronous_reads_too()
    {
        var corrupted = (byte[])Content.Clone();
        corrupted[0] ^= 0xff;
        using var stream = new VerifyingReadStream(new MemoryStream(corrupted), Digest.ComputeSha256(Content), Content.Length);

        Assert.Throws<RegistryException>(() => stream.CopyTo(Stream.Null));
    }

    [Fact]
    public async Task Verifies_an_empty_blob()
    {
        var empty = Array.Empty<byte>();
        await using var good = new VerifyingReadStream(new MemoryStream(empty), Digest.ComputeSha256(empty), 0);
        await good.CopyToAsync(Stream.Null);

        await using var bad = new VerifyingReadStream(new MemoryStream(Content), Digest.ComputeSha256(empty), 0);
        await Assert.ThrowsAsync<RegistryException>(() => bad.CopyToAsync(Stream.Null));
    }
}
