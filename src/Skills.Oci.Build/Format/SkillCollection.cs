using System.Diagnostics.CodeAnalysis;
using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Oci;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Skills.Oci.Build.Format;

/// <summary>Which writer's shape a collection came in; both read into the same <see cref="SkillCollection"/>.</summary>
public enum SkillCollectionDialect
{
    /// <summary>The proposal's OCI image index (ours, the Go CLI's, arconia's).</summary>
    OciIndex,

    /// <summary>Red Hat skillimage's artifact manifest with one YAML layer.</summary>
    SkillImageYaml,
}

/// <summary>
/// One skill a collection lists. <see cref="Digest"/> is the content the collection pins; the
/// reference is only where the member lives and which tag it had, never what to install.
/// </summary>
public sealed record SkillCollectionMember
{
    /// <summary><c>io.agentskills.skill.name</c>, else the title; null when the writer gave neither (read the skill to learn it).</summary>
    public string? Name { get; init; }

    /// <summary>
    /// The member's tag reference as written: <c>io.agentskills.skill.ref</c> first, then
    /// <c>org.opencontainers.image.ref.name</c> (the Go CLI writes only the latter, arconia only the former).
    /// Null when the entry names no reference: the member then lives in the collection's own repository.
    /// </summary>
    public ImageReference? Reference { get; init; }

    /// <summary>The pinned manifest digest. Null only for a skillimage entry whose image carries no digest (resolve its tag).</summary>
    public Digest? Digest { get; init; }

    /// <summary>The manifest's size; null when the writer gave none or 0 (arconia), so only the digest can verify it.</summary>
    public long? Size { get; init; }

    /// <summary>The descriptor's media type; null for skillimage entries.</summary>
    public string? MediaType { get; init; }

    /// <summary>The descriptor's artifact type; writers other than us may leave it out.</summary>
    public string? ArtifactType { get; init; }

    public string? Version { get; init; }

    public string? Description { get; init; }

    /// <summary>
    /// True when the descriptor says the member is itself an index (a nested collection, or something
    /// that must be fetched to tell). A manifest can still be a skillimage collection.
    /// </summary>
    public bool IsIndex => MediaTypes.IsIndex(MediaType) || ArtifactType == MediaTypes.SkillCollection;

    /// <summary>
    /// Where to pull the member: the repository of its reference (else the collection's own), at the
    /// pinned digest, keeping the reference's tag so the lock can record it.
    /// </summary>
    public ImageReference PullReference(ImageReference collection)
    {
        var home = Reference ?? collection.WithTag(null).WithDigest(null);
        return Digest is { } digest ? home.WithDigest(digest) : home;
    }
}

/// <summary>A skill collection as read, whichever dialect it was written in.</summary>
[SuppressMessage("Naming", "CA1711", Justification = "A collection is the format's own term (artifactType application/vnd.agentskills.collection.v1), not a .NET collection type.")]
public sealed record SkillCollection
{
    public required string Name { get; init; }

    public string? Version { get; init; }

    public string? Description { get; init; }

    public required IReadOnlyList<SkillCollectionMember> Members { get; init; }

    public required SkillCollectionDialect Dialect { get; init; }

    /// <summary>What the reader tolerated (SKOCI7071 for entries without a size); a restore shows them as warnings.</summary>
    public IReadOnlyList<Diagnostic> Warnings { get; init; } = [];
}

/// <summary>
/// Reads collections in every dialect in the wild: the index with <c>io.agentskills.skill.ref</c> or
/// only <c>org.opencontainers.image.ref.name</c>, entries without <c>artifactType</c>, entries with
/// <c>size: 0</c>, and skillimage's YAML artifact. Tolerance is here, in one reader: the writer
/// (<see cref="SkillCollectionIndexWriter"/>) never produces what it tolerates.
/// </summary>
public static class SkillCollectionReader
{
    public const string SkillImageApiVersion = "skillimage.io/v1alpha1";
    public const string SkillImageKind = "SkillCollection";

    /// <summary>
    /// True for an index whose <c>artifactType</c> marks a collection. An image layout's index.json also
    /// carries <c>ref.name</c> annotations, but for tags; the artifact type is what tells them apart.
    /// </summary>
    public static bool IsCollection(OciIndex index) => index.ArtifactType == MediaTypes.SkillCollection;

    /// <summary>Reads a collection index. <paramref name="origin"/> (the reference it came from) names it in messages.</summary>
    public static SkillCollection Read(OciIndex index, string origin)
    {
        if (!IsCollection(index))
        {
            throw Invalid(origin, $"it is not a skills collection (artifactType: \"{index.ArtifactType}\", expected \"{MediaTypes.SkillCollection}\")");
        }

        var name = Annotation(index.Annotations, AnnotationKeys.CollectionName) ?? Annotation(index.Annotations, AnnotationKeys.Title)
                   ?? throw Invalid(origin, $"the index has neither {AnnotationKeys.CollectionName} nor {AnnotationKeys.Title}");

        var warnings = new List<Diagnostic>();
        var members = new List<SkillCollectionMember>(index.Manifests.Count);
        for (var i = 0; i < index.Manifests.Count; i++)
        {
            var entry = index.Manifests[i];
            if (!MediaTypes.IsManifest(entry.MediaType) && !MediaTypes.IsIndex(entry.MediaType))
            {
                throw Invalid(origin, $"entry {i + 1} ({entry.Digest}) is a '{entry.MediaType}', not a manifest or an index");
            }

            var written = entry.GetAnnotation(AnnotationKeys.SkillRef) ?? entry.GetAnnotation(AnnotationKeys.RefName);
            ImageReference? reference = null;
            if (written is not null && !ImageReference.TryParse(written, out reference, out var error))
            {
                throw Invalid(origin, $"entry {i + 1} ({entry.Digest}) names '{written}', which is not a reference: {error}");
            }

            var member = new SkillCollectionMember
            {
                Name = entry.GetAnnotation(AnnotationKeys.SkillName) ?? entry.GetAnnotation(AnnotationKeys.Title),
                Reference = reference,
                Digest = entry.Digest,
                Size = entry.Size > 0 ? entry.Size : null,
                MediaType = entry.MediaType,
                ArtifactType = entry.ArtifactType,
                Version = entry.GetAnnotation(AnnotationKeys.Version),
                Description = entry.GetAnnotation(AnnotationKeys.Description),
            };
            if (member.Size is null)
            {
                warnings.Add(Diagnostic.Warning(
                    ErrorCodes.CollectionEntrySizeUnknown,
                    $"Collection {origin}: the entry for {member.Name ?? entry.Digest.ToString()} gives size {entry.Size}, which OCI does not allow; it is verified by its digest alone."));
            }

            members.Add(member);
        }

        CheckDistinctNames(members, origin);
        return new SkillCollection
        {
            Name = name,
            Version = Annotation(index.Annotations, AnnotationKeys.Version),
            Description = Annotation(index.Annotations, AnnotationKeys.Description),
            Members = members,
            Dialect = SkillCollectionDialect.OciIndex,
            Warnings = warnings,
        };
    }

    /// <summary>
    /// True for skillimage's collection artifact: a manifest whose artifact type (or config type) is the
    /// YAML collection's, with the YAML as its one layer.
    /// </summary>
    public static bool IsSkillImageCollection(OciManifest manifest, [NotNullWhen(true)] out Descriptor? yamlLayer)
    {
        yamlLayer = null;
        if (manifest.ArtifactType != MediaTypes.SkillImageCollection && manifest.Config?.MediaType != MediaTypes.SkillImageCollection)
        {
            return false;
        }

        var layers = manifest.Layers ?? [];
        yamlLayer = layers.FirstOrDefault(l => l.MediaType == MediaTypes.SkillImageCollection) ?? (layers.Count == 1 ? layers[0] : null);
        return yamlLayer is not null;
    }

    /// <summary>Reads skillimage's collection YAML (<c>apiVersion: skillimage.io/v1alpha1</c>, <c>kind: SkillCollection</c>).</summary>
    public static SkillCollection ReadSkillImageYaml(ReadOnlySpan<byte> yaml, string origin)
    {
        YamlMappingNode root;
        try
        {
            var stream = new YamlStream();
            using var reader = new StringReader(System.Text.Encoding.UTF8.GetString(yaml));
            stream.Load(reader);
            root = stream.Documents.Count == 1 && stream.Documents[0].RootNode is YamlMappingNode mapping
                ? mapping
                : throw Invalid(origin, "the collection YAML is not one mapping");
        }
        catch (YamlException ex)
        {
            throw Invalid(origin, $"the collection YAML cannot be read at line {ex.Start.Line}: {ex.Message}");
        }

        var kind = Scalar(root, "kind");
        if (kind != SkillImageKind)
        {
            throw Invalid(origin, $"the collection YAML has kind '{kind}', expected '{SkillImageKind}'");
        }

        var metadata = root.Children.TryGetValue(new YamlScalarNode("metadata"), out var m) ? m as YamlMappingNode : null;
        var name = metadata is null ? null : Scalar(metadata, "name");
        if (string.IsNullOrWhiteSpace(name))
        {
            throw Invalid(origin, "the collection YAML has no metadata.name");
        }

        var members = new List<SkillCollectionMember>();
        if (root.Children.TryGetValue(new YamlScalarNode("skills"), out var skillsNode))
        {
            if (skillsNode is not YamlSequenceNode skills)
            {
                throw Invalid(origin, "skills is not a list");
            }

            foreach (var item in skills)
            {
                var line = item.Start.Line;
                if (item is not YamlMappingNode skill)
                {
                    throw Invalid(origin, $"the skills entry at line {line} is not a mapping");
                }

                var image = Scalar(skill, "image");
                if (!ImageReference.TryParse(image, out var reference, out var error) || reference is null)
                {
                    throw Invalid(origin, $"the skills entry at line {line} has image '{image}', which is not a reference: {error}");
                }

                members.Add(new SkillCollectionMember
                {
                    Name = Scalar(skill, "name"),
                    Reference = reference.WithDigest(null),
                    Digest = reference.Digest,
                    Version = reference.Tag,
                });
            }
        }

        CheckDistinctNames(members, origin);
        return new SkillCollection
        {
            Name = name,
            Version = Scalar(metadata!, "version"),
            Description = Scalar(metadata!, "description"),
            Members = members,
            Dialect = SkillCollectionDialect.SkillImageYaml,
        };
    }

    private static void CheckDistinctNames(IEnumerable<SkillCollectionMember> members, string origin)
    {
        var duplicate = members.Where(m => m.Name is not null).GroupBy(m => m.Name!, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw Invalid(origin, $"it lists '{duplicate.Key}' {duplicate.Count()} times ({string.Join(", ", duplicate.Select(m => m.Digest?.ToString() ?? m.Reference?.ToString()))})");
        }
    }

    private static string? Annotation(IReadOnlyDictionary<string, string>? annotations, string key) =>
        annotations is not null && annotations.TryGetValue(key, out var value) && !string.IsNullOrWhiteSpace(value) ? value : null;

    private static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) && value is YamlScalarNode scalar ? scalar.Value : null;

    private static SkillsOciException Invalid(string origin, string why) =>
        new(ErrorCodes.CollectionInvalid, $"The collection {origin} cannot be read: {why}.");
}
