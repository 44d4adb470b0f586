using Skills.Oci.Build.Oci;

namespace Skills.Oci.Build.Tests.Oci;

public class ImageReferenceTests
{
    private const string D = "sha256:0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9";

    [Theory]
    [InlineData("ghcr.io/org/skills/my-skill:1.0.0", "ghcr.io", "ghcr.io", "org/skills/my-skill", "1.0.0", null)]
    [InlineData("ghcr.io/org/skills/my-skill", "ghcr.io", "ghcr.io", "org/skills/my-skill", null, null)]
    [InlineData("localhost:5000/my-skill:1.0.0", "localhost:5000", "localhost:5000", "my-skill", "1.0.0", null)]
    [InlineData("localhost/my-skill:2", "localhost", "localhost", "my-skill", "2", null)]
    [InlineData("my-skill", "docker.io", "registry-1.docker.io", "library/my-skill", null, null)]
    [InlineData("pdf:1.0", "docker.io", "registry-1.docker.io", "library/pdf", "1.0", null)]
    [InlineData("myorg/pdf:1.0", "docker.io", "registry-1.docker.io", "myorg/pdf", "1.0", null)]
    [InlineData("docker.io/salaboy/my-skill", "docker.io", "registry-1.docker.io", "salaboy/my-skill", null, null)]
    [InlineData("index.docker.io/salaboy/my-skill", "docker.io", "registry-1.docker.io", "salaboy/my-skill", null, null)]
    [InlineData("docker.io/ubuntu", "docker.io", "registry-1.docker.io", "library/ubuntu", null, null)]
    [InlineData("registry.local:5000/a/b/c:v1.2.3-rc.1", "registry.local:5000", "registry.local:5000", "a/b/c", "v1.2.3-rc.1", null)]
    [InlineData("127.0.0.1:5001/skills/pdf", "127.0.0.1:5001", "127.0.0.1:5001", "skills/pdf", null, null)]
    [InlineData("[::1]:5000/skills/pdf:1", "[::1]:5000", "[::1]:5000", "skills/pdf", "1", null)]
    [InlineData("[2001:db8::1]/skills/pdf", "[2001:db8::1]", "[2001:db8::1]", "skills/pdf", null, null)]
    [InlineData("ghcr.io/org/s@" + D, "ghcr.io", "ghcr.io", "org/s", null, D)]
    [InlineData("ghcr.io/org/s:1.0.0@" + D, "ghcr.io", "ghcr.io", "org/s", "1.0.0", D)]
    [InlineData("Registry.Example.com/a_b/c__d/e-f/g.h", "Registry.Example.com", "Registry.Example.com", "a_b/c__d/e-f/g.h", null, null)]
    [InlineData("ghcr.io/org/skill:LATEST_tag.1", "ghcr.io", "ghcr.io", "org/skill", "LATEST_tag.1", null)]
    public void Parses_valid_references(string input, string registry, string host, string repository, string? tag, string? digest)
    {
        var reference = ImageReference.Parse(input);

        Assert.Equal(registry, reference.Registry);
        Assert.Equal(host, reference.RegistryHost);
        Assert.Equal(repository, reference.Repository);
        Assert.Equal(tag, reference.Tag);
        Assert.Equal(digest, reference.Digest?.ToString());
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("   ", "empty")]
    [InlineData(" ghcr.io/a/b", "white space")]
    [InlineData("ghcr.io/Org/Skill:1.0", "lower case")]
    [InlineData("docker.io/Org/skill", "lower case")]
    [InlineData("ghcr.io/org/skill@sha256:abc", "64")]
    [InlineData("ghcr.io/org/skill@md5:0a1b2c3d4e5f60718293a4b5c6d7e8f9", "algorithm")]
    [InlineData("ghcr.io/org/skill@sha256:0A1B2C3D4E5F60718293A4B5C6D7E8F90A1B2C3D4E5F60718293A4B5C6D7E8F9", "lower-case hex")]
    [InlineData("ghcr.io/org/skill:", "tag")]
    [InlineData("ghcr.io/org/skill:-bad", "tag")]
    [InlineData("ghcr.io/org/skill:1.2.0+build.5", "tag")]
    [InlineData("ghcr.io/", "empty")]
    [InlineData("ghcr.io/org//skill", "repository")]
    [InlineData("ghcr.io/org/skill-", "repository")]
    [InlineData("ghcr.io/org/.skill", "repository")]
    [InlineData("-bad.io/org/skill", "registry")]
    [InlineData("[zz::1]:5000/org/skill", "registry")]
    public void Rejects_invalid_references_with_a_reason(string input, string reasonFragment)
    {
        var ok = ImageReference.TryParse(input, out var reference, out var error);

        Assert.False(ok);
        Assert.Null(reference);
        Assert.Contains(reasonFragment, error, StringComparison.OrdinalIgnoreCase);
        var exception = Assert.Throws<ReferenceFormatException>(() => ImageReference.Parse(input));
        Assert.Contains(input.Trim().Length == 0 ? "" : input, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rejects_names_longer_than_255_characters()
    {
        var input = "ghcr.io/" + new string('a', 250);

        Assert.False(ImageReference.TryParse(input, out _, out var error));
        Assert.Contains("255", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Digest_identifies_the_content_when_a_tag_is_also_given()
    {
        var reference = ImageReference.Parse("ghcr.io/org/s:1.0.0@" + D);

        Assert.Equal(D, reference.ManifestReference);
        Assert.Equal("ghcr.io/org/s:1.0.0@" + D, reference.ToString());
    }

    [Theory]
    [InlineData("localhost:5000/a", true)]
    [InlineData("localhost/a", true)]
    [InlineData("127.0.0.1:5000/a", true)]
    [InlineData("127.8.9.10/a", true)]
    [InlineData("[::1]:5000/a", true)]
    [InlineData("ghcr.io/a", false)]
    [InlineData("10.0.0.1:5000/a", false)]
    [InlineData("localhost.example.com/a", false)]
    public void Knows_loopback_registries(string input, bool loopback) =>
        Assert.Equal(loopback, ImageReference.Parse(input).IsLoopback);

    [Fact]
    public void Round_trips_through_its_string_form()
    {
        foreach (var input in new[] { "ghcr.io/org/s:1", "docker.io/library/x", "127.0.0.1:5000/a/b@" + D })
        {
            Assert.Equal(input, ImageReference.Parse(input).ToString());
            Assert.Equal(ImageReference.Parse(input), ImageReference.Parse(ImageReference.Parse(input).ToString()));
        }
    }
}
