using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Registry;
using Skills.Oci.Build.Tests.Oci.Registry;

namespace Skills.Oci.Build.Tests.Trust;

/// <summary>A sample skill pushed to a fresh repository of a test registry, ready to be signed.</summary>
internal sealed record SignedSkill(ImageReference Repository, SampleArtifact Artifact)
{
    public Descriptor Manifest => Artifact.ManifestDescriptor;

    public Digest Digest => Artifact.ManifestDescriptor.Digest;

    public static async Task<SignedSkill> PushAsync(RegistryClient client, string hostPort, string repository, int seed = 1)
    {
        var reference = ImageReference.Parse($"{hostPort}/sigreg/{repository}");
        var artifact = SampleArtifact.Create(repository.Replace('/', '-'), seed: seed);
        await artifact.PushAsync(client, reference, "1.0.0");
        return new SignedSkill(reference, artifact);
    }
}
