using Skills.Oci.Build.Oci;

namespace Skills.Oci.Build.Format;

/// <summary>
/// One member to list: the skill manifest's descriptor as pushed (media type, digest, exact size;
/// artifact type <see cref="MediaTypes.SkillArtifact"/>, or <see cref="MediaTypes.SkillCollection"/>
/// for a nested collection), its name and its canonical tag reference.
/// </summary>
public sealed record SkillCollectionEntry(Descriptor Manifest, string Name, ImageReference Reference, string? Version = null, string? Description = null);

/// <summary>What the index says of itself; <see cref="Created"/> is RFC 3339 (from SOURCE_DATE_EPOCH for reproducible bytes).</summary>
public sealed record SkillCollectionIndexMetadata
{
    public const string DefaultDescription = "Agent Skills Collection";

    public required string Name { get; init; }

    public required string Created { get; init; }

    public string? Version { get; init; }

    public string? Description { get; init; }

    public string? Source { get; init; }

    public string? Revision { get; init; }
}

/// <summary>
/// Writes a collection index as the proposal's §10 gives it, readable by both reference tools: every
/// entry carries its real size and artifact type, and both <c>io.agentskills.skill.ref</c> (arconia
/// reads it) and <c>org.opencontainers.image.ref.name</c> (the Go CLI reads it). Entries are in
/// ordinal name order and annotations in key order, so the same members give the same bytes.
/// </summary>
public static class SkillCollectionIndexWriter
{
    public static byte[] Write(SkillCollectionIndexMetadata metadata, IReadOnlyList<SkillCollectionEntry> entries)
    {
        var duplicate = entries.GroupBy(e => e.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"The collection lists '{duplicate.Key}' more than once.", nameof(entries));
        }

        var descriptors = entries
            .OrderBy(e => e.Name, StringComparer.Ordinal)
            .Select(Describe)
            .ToList();

        var annotations = new Dictionary<string, string>
        {
            [AnnotationKeys.CollectionName] = metadata.Name,
            [AnnotationKeys.Created] = metadata.Created,
            [AnnotationKeys.Title] = metadata.Name,
            [AnnotationKeys.Description] = string.IsNullOrWhiteSpace(metadata.Description) ? SkillCollectionIndexMetadata.DefaultDescription : metadata.Description,
        };
        AddIfPresent(annotations, AnnotationKeys.Version, metadata.Version);
        AddIfPresent(annotations, AnnotationKeys.Source, metadata.Source);
        AddIfPresent(annotations, AnnotationKeys.Revision, metadata.Revision);

        return OciJsonWriter.WriteIndex(descriptors, MediaTypes.SkillCollection, annotations: annotations);
    }

    private static Descriptor Describe(SkillCollectionEntry entry)
    {
        if (entry.Manifest.Size <= 0)
        {
            throw new ArgumentException($"The descriptor of '{entry.Name}' has size {entry.Manifest.Size}; a collection lists real sizes.", nameof(entry));
        }

        var reference = entry.Reference.WithDigest(null).ToString();
        var annotations = new Dictionary<string, string>
        {
            [AnnotationKeys.SkillName] = entry.Name,
            [AnnotationKeys.SkillRef] = reference,
            [AnnotationKeys.RefName] = reference,
            [AnnotationKeys.Title] = entry.Name,
        };
        AddIfPresent(annotations, AnnotationKeys.Version, entry.Version);
        AddIfPresent(annotations, AnnotationKeys.Description, entry.Description);

        return new Descriptor
        {
            MediaType = entry.Manifest.MediaType,
            ArtifactType = entry.Manifest.ArtifactType ?? MediaTypes.SkillArtifact,
            Digest = entry.Manifest.Digest,
            Size = entry.Manifest.Size,
            Annotations = annotations,
        };
    }

    private static void AddIfPresent(Dictionary<string, string> annotations, string key, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            annotations[key] = value;
        }
    }
}
