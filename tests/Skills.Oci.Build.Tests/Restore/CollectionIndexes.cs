using System.Text;
using Skills.Oci.Build.Oci;

namespace Skills.Oci.Build.Tests.Restore;

/// <summary>
/// Collection indexes written by hand, byte for byte as each tool in the wild writes them (ours, the Go
/// CLI's ref.name-only entries, arconia's size 0 with skill.ref only), so restore is tested against
/// what others publish rather than against our own writer.
/// </summary>
public static class CollectionIndexes
{
    public static byte[] Ours(string name, params (string Skill, Descriptor Manifest, string Tag)[] members) => OursWithReferences(name, InProcess(members));

    /// <summary>Ours, with each member's full tag reference (a real registry's repositories).</summary>
    public static byte[] OursWithReferences(string name, IEnumerable<(string Skill, Descriptor Manifest, string Reference)> members) =>
        Index(name, members.Select(m => Entry(m.Manifest, m.Manifest.Size, artifactType: true,
            ("io.agentskills.skill.name", m.Skill), ("io.agentskills.skill.ref", m.Reference),
            ("org.opencontainers.image.ref.name", m.Reference), ("org.opencontainers.image.title", m.Skill))));

    /// <summary>The Go CLI: the reference only in <c>org.opencontainers.image.ref.name</c>, no version annotation on the index.</summary>
    public static byte[] GoCli(string name, params (string Skill, Descriptor Manifest, string Tag)[] members) => GoCliWithReferences(name, InProcess(members));

    public static byte[] GoCliWithReferences(string name, IEnumerable<(string Skill, Descriptor Manifest, string Reference)> members) =>
        Index(name, members.Select(m => Entry(m.Manifest, m.Manifest.Size, artifactType: true,
            ("io.agentskills.skill.name", m.Skill), ("org.opencontainers.image.ref.name", m.Reference))));

    /// <summary>arconia: <c>size: 0</c>, the reference only in <c>io.agentskills.skill.ref</c>, no artifactType on entries.</summary>
    public static byte[] Arconia(string name, params (string Skill, Descriptor Manifest, string Tag)[] members) => ArconiaWithReferences(name, InProcess(members));

    public static byte[] ArconiaWithReferences(string name, IEnumerable<(string Skill, Descriptor Manifest, string Reference)> members) =>
        Index(name, members.Select(m => Entry(m.Manifest, 0, artifactType: false,
            ("io.agentskills.skill.name", m.Skill), ("io.agentskills.skill.ref", m.Reference))));

    /// <summary>skillimage's collection YAML, <c>skills[].image</c> as given (with or without a digest).</summary>
    public static string SkillImageYaml(string name, string version, params (string Skill, string Image)[] skills) =>
        $"apiVersion: skillimage.io/v1alpha1\nkind: SkillCollection\nmetadata:\n  name: {name}\n  version: {version}\nskills:\n" +
        string.Concat(skills.Select(s => $"  - name: {s.Skill}\n    image: {s.Image}\n"));

    private static IEnumerable<(string Skill, Descriptor Manifest, string Reference)> InProcess((string Skill, Descriptor Manifest, string Tag)[] members) =>
        members.Select(m => (m.Skill, m.Manifest, $"{SkillRegistry.Repo(m.Skill)}:{m.Tag}"));

    /// <summary>Puts the index into the layout of <c>skills/&lt;repository&gt;</c> under <paramref name="tag"/>.</summary>
    public static async Task<Descriptor> PublishAsync(SkillRegistry registry, string repository, string tag, byte[] index)
    {
        var layout = registry.Source.LayoutFor(ImageReference.Parse(SkillRegistry.Repo(repository)));
        await layout.EnsureCreatedAsync(CancellationToken.None);
        var descriptor = await layout.WriteBlobAsync(MediaTypes.OciIndex, index, CancellationToken.None);
        await layout.AddToIndexAsync(descriptor, tag, CancellationToken.None);
        return descriptor;
    }

    /// <summary>Red Hat skillimage's collection: a manifest whose one layer is the YAML listing <c>skills[].image</c> (with or without a digest).</summary>
    public static async Task<Descriptor> PublishSkillImageAsync(SkillRegistry registry, string repository, string tag, string name, params (string Skill, string Image)[] skills)
    {
        var yaml = SkillImageYaml(name, tag, skills);
        var layout = registry.Source.LayoutFor(ImageReference.Parse(SkillRegistry.Repo(repository)));
        await layout.EnsureCreatedAsync(CancellationToken.None);
        var config = await layout.WriteBlobAsync(MediaTypes.OciEmpty, "{}"u8.ToArray(), CancellationToken.None);
        var layer = await layout.WriteBlobAsync(MediaTypes.SkillImageCollection, Encoding.UTF8.GetBytes(yaml), CancellationToken.None);
        var manifest = await layout.WriteBlobAsync(MediaTypes.OciManifest, OciJsonWriter.WriteManifest(config, [layer], MediaTypes.SkillImageCollection), CancellationToken.None);
        await layout.AddToIndexAsync(manifest, tag, CancellationToken.None);
        return manifest;
    }

    private static string Entry(Descriptor manifest, long size, bool artifactType, params (string Key, string Value)[] annotations)
    {
        var type = artifactType ? $"\"artifactType\": \"{(MediaTypes.IsIndex(manifest.MediaType) ? MediaTypes.SkillCollection : MediaTypes.SkillArtifact)}\", " : string.Empty;
        var pairs = string.Join(", ", annotations.Select(a => $"\"{a.Key}\": \"{a.Value}\""));
        return $"{{ \"mediaType\": \"{manifest.MediaType}\", {type}\"digest\": \"{manifest.Digest}\", \"size\": {size}, \"annotations\": {{ {pairs} }} }}";
    }

    private static byte[] Index(string name, IEnumerable<string> entries) => Encoding.UTF8.GetBytes(
        $$"""
        {
          "schemaVersion": 2,
          "mediaType": "application/vnd.oci.image.index.v1+json",
          "artifactType": "application/vnd.agentskills.collection.v1",
          "manifests": [ {{string.Join(", ", entries)}} ],
          "annotations": { "io.agentskills.collection.name": "{{name}}", "org.opencontainers.image.title": "{{name}}" }
        }
        """);
}
