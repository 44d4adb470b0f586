using System.Text;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Registry;
using Skills.Oci.Build.Tests.Consume;
using Skills.Oci.Build.Tests.Oci.Registry;

namespace Skills.Oci.Build.Tests.Collections;

/// <summary>
/// Puts collections written by hand (<see cref="Restore.CollectionIndexes"/>, each tool's dialect) into the
/// real registry with plain PUTs, as the other tools do: distribution refuses an index whose children are
/// not in its repository, so the children are copied there first by digest.
/// </summary>
internal static class RawCollections
{
    /// <summary>Copies each member into <paramref name="repository"/>, then PUTs <paramref name="index"/> under <paramref name="tag"/>; returns the index descriptor.</summary>
    public static async Task<Descriptor> PushIndexAsync(RegistrySkillPublisher skills, string repository, string tag, byte[] index, params (string Repository, Descriptor Manifest)[] children)
    {
        using var client = TestClients.Isolated();
        var target = ImageReference.Parse(skills.Repo(repository));
        foreach (var (from, manifest) in children.Where(c => c.Repository != repository))
        {
            await new ManifestCopier(client).CopyAsync(ImageReference.Parse(skills.Repo(from)), manifest, target);
        }

        var digest = await client.PushManifestAsync(target, tag, index, MediaTypes.OciIndex);
        return new Descriptor { MediaType = MediaTypes.OciIndex, ArtifactType = MediaTypes.SkillCollection, Digest = digest, Size = index.Length };
    }

    /// <summary>skillimage's collection: a manifest whose config is the empty JSON and whose one layer is the YAML.</summary>
    public static async Task<Descriptor> PushSkillImageAsync(RegistrySkillPublisher skills, string repository, string tag, string yaml)
    {
        using var client = TestClients.Isolated();
        var target = ImageReference.Parse(skills.Repo(repository));
        var configBytes = "{}"u8.ToArray();
        var config = new Descriptor { MediaType = MediaTypes.OciEmpty, Digest = Digest.ComputeSha256(configBytes), Size = configBytes.Length };
        var yamlBytes = Encoding.UTF8.GetBytes(yaml);
        var layer = new Descriptor { MediaType = MediaTypes.SkillImageCollection, Digest = Digest.ComputeSha256(yamlBytes), Size = yamlBytes.Length };
        await client.PushBlobAsync(target, config, configBytes);
        await client.PushBlobAsync(target, layer, yamlBytes);
        var manifest = OciJsonWriter.WriteManifest(config, [layer], MediaTypes.SkillImageCollection);
        var digest = await client.PushManifestAsync(target, tag, manifest, MediaTypes.OciManifest);
        return new Descriptor { MediaType = MediaTypes.OciManifest, Digest = digest, Size = manifest.Length };
    }
}
