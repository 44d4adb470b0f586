using Skills.Oci.Build.Oci;

namespace Skills.Oci.Build.Tests.Oci;

public class RegistryNamesTests
{
    [Theory]
    [InlineData("docker.io", "docker.io")]
    [InlineData("index.docker.io", "docker.io")]
    [InlineData("registry-1.docker.io", "docker.io")]
    [InlineData("https://index.docker.io/v1/", "docker.io")]
    [InlineData("GHCR.io", "ghcr.io")]
    [InlineData("localhost:5000", "localhost:5000")]
    public void Registry_names_reduce_Docker_Hub_aliases_to_one(string name, string expected)
    {
        Assert.Equal(expected, RegistryNames.Normalize(name));
        Assert.Equal(expected == "docker.io", RegistryNames.IsDockerHub(name));
    }

    [Theory]
    [InlineData("docker.io", "pdf", "library/pdf")]
    [InlineData("docker.io", "acme/pdf", "acme/pdf")]
    [InlineData("ghcr.io", "pdf", "pdf")]
    public void One_segment_Docker_Hub_repositories_are_official_images(string registry, string repository, string expected) =>
        Assert.Equal(expected, RegistryNames.CanonicalRepository(registry, repository));
}
