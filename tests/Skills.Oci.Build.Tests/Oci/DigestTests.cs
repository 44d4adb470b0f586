using System.Text;
using Skills.Oci.Build.Oci;

namespace Skills.Oci.Build.Tests.Oci;

public class DigestTests
{
    [Fact]
    public void Computes_sha256_of_content()
    {
        var digest = Digest.ComputeSha256(Encoding.ASCII.GetBytes("abc"));

        Assert.Equal("sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", digest.ToString());
        Assert.Equal("sha256-ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", digest.ToTagSchema());
    }

    [Theory]
    [InlineData("sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", true)]
    [InlineData("sha512:" + "ab" + "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd", true)]
    [InlineData("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", false)]
    [InlineData("sha256:", false)]
    [InlineData("sha256:BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD", false)]
    [InlineData("sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015a", false)]
    [InlineData("sha1:a9993e364706816aba3e25717850c26c9cd0d89d", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void Accepts_only_verifiable_digests(string? text, bool valid) =>
        Assert.Equal(valid, Digest.TryParse(text, out _));

    [Fact]
    public void Equal_digests_are_equal()
    {
        var a = Digest.Parse("sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        var b = Digest.ComputeSha256(Encoding.ASCII.GetBytes("abc"));

        Assert.Equal(a, b);
        Assert.True(a == b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, Digest.ComputeSha256(Encoding.ASCII.GetBytes("abd")));
    }
}
