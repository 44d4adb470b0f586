using System.Text.Json;
using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Oci;

namespace Skills.Oci.Build.Format;

/// <summary>The parts of a checked skill manifest that restore uses.</summary>
public sealed record SkillManifest(OciManifest Manifest, Descriptor Config, Descriptor Layer, string? AnnotatedName)
{
    /// <summary>
    /// The manifest packing writes: one skill config, one content layer, the skill artifactType. This
    /// is the shape <see cref="SkillArtifactReader.ReadManifest"/> accepts.
    /// </summary>
    public static byte[] Write(Descriptor config, Descriptor layer, IReadOnlyDictionary<string, string> annotations) =>
        OciJsonWriter.WriteManifest(config, [layer], MediaTypes.SkillArtifact, annotations: annotations);
}

/// <summary>
/// Checks that a manifest and config are a skill artifact (media types, artifactType, exactly one
/// content layer, sizes within the limits before anything is fetched): tolerant of what is valid
/// (inline config data, unknown fields), strict about what is unsafe. Every refusal is a coded error
/// naming the reference.
/// </summary>
public static class SkillArtifactReader
{
    /// <summary>Refuses a manifest descriptor over the limit before any byte of it is fetched.</summary>
    public static void CheckManifestDescriptor(Descriptor descriptor, string reference, OciLimits limits)
    {
        if (MediaTypes.IsIndex(descriptor.MediaType))
        {
            throw IndexNotSkill(reference);
        }

        CheckSize(descriptor, limits.MaxManifestBytes, "manifest", reference);
    }

    public static SkillManifest ReadManifest(ReadOnlySpan<byte> bytes, string reference, OciLimits limits)
    {
        string? mediaType = null;
        var looksLikeIndex = false;
        try
        {
            using var document = JsonDocument.Parse(bytes.ToArray());
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                if (document.RootElement.TryGetProperty("mediaType", out var mt) && mt.ValueKind == JsonValueKind.String)
                {
                    mediaType = mt.GetString();
                }

                looksLikeIndex = document.RootElement.TryGetProperty("manifests", out _);
            }
        }
        catch (JsonException ex)
        {
            throw new SkillsOciException(ErrorCodes.NotASkillArtifact, $"'{reference}' is not a skill artifact: its manifest is not valid JSON ({ex.Message}). Check the reference.", innerException: ex);
        }

        if (MediaTypes.IsIndex(mediaType) || (mediaType is null && looksLikeIndex))
        {
            throw IndexNotSkill(reference);
        }

        if (mediaType is not null && mediaType != MediaTypes.OciManifest)
        {
            throw NotSkill(reference, $"its manifest media type is '{mediaType}'");
        }

        OciManifest manifest;
        try
        {
            manifest = OciManifest.Parse(bytes);
        }
        catch (RegistryException ex)
        {
            throw NotSkill(reference, ex.Message);
        }

        var isSkill = manifest.ArtifactType is null
            ? manifest.Config!.MediaType == MediaTypes.SkillConfig
            : manifest.ArtifactType == MediaTypes.SkillArtifact;
        if (!isSkill)
        {
            throw NotSkill(reference, $"artifactType is '{manifest.ArtifactType ?? "(none)"}' and the config media type is '{manifest.Config!.MediaType}'");
        }

        var layers = manifest.Layers ?? [];
        var content = layers.Where(l => l.MediaType == MediaTypes.SkillContentLayer).ToList();
        if (layers.Count != 1 || content.Count != 1)
        {
            throw new SkillsOciException(ErrorCodes.SkillLayerCount,
                $"The skill '{reference}' has {layers.Count} layer(s), {content.Count} of them of type '{MediaTypes.SkillContentLayer}'; a skill has exactly one content layer. The artifact is broken: ask its publisher to push it again.");
        }

        CheckSize(manifest.Config!, limits.MaxConfigBytes, "config", reference);
        CheckSize(content[0], limits.MaxLayerBytes, "content layer", reference);
        return new SkillManifest(manifest, manifest.Config!, content[0], manifest.GetAnnotation(AnnotationKeys.SkillName));
    }

    /// <summary>
    /// The inline config bytes when the descriptor carries <c>data</c> (as arconia writes), checked
    /// against the descriptor's digest and size; null when there is none and the blob must be fetched.
    /// </summary>
    public static byte[]? ReadInlineConfig(SkillManifest skill, string reference)
    {
        if (skill.Config.Data is null)
        {
            return null;
        }

        byte[] data;
        try
        {
            data = Convert.FromBase64String(skill.Config.Data);
        }
        catch (FormatException)
        {
            throw InlineMismatch(reference, "is not valid base64");
        }

        using var hash = skill.Config.Digest.CreateHash();
        hash.AppendData(data);
        if (data.LongLength != skill.Config.Size || skill.Config.Digest.WithHash(hash.GetHashAndReset()) != skill.Config.Digest)
        {
            throw InlineMismatch(reference, $"does not match the config descriptor ({skill.Config.Digest}, {skill.Config.Size} bytes)");
        }

        return data;
    }

    /// <summary>Reads the config and checks its name against the manifest's name annotation.</summary>
    public static SkillConfig ReadConfig(ReadOnlySpan<byte> bytes, SkillManifest skill, string reference)
    {
        var config = SkillConfig.Read(bytes, reference);
        if (skill.AnnotatedName is not null && skill.AnnotatedName != config.Name.Value)
        {
            throw new SkillsOciException(ErrorCodes.SkillNameMismatch,
                $"Name mismatch in '{reference}': the manifest annotation {AnnotationKeys.SkillName} is '{skill.AnnotatedName}' but the config name is '{config.Name}'. The artifact is inconsistent: ask its publisher to fix it.");
        }

        return config;
    }

    private static void CheckSize(Descriptor descriptor, long limit, string what, string reference)
    {
        if (descriptor.Size < 0 || descriptor.Size > limit)
        {
            throw new SkillsOciException(ErrorCodes.SkillContentTooLarge,
                $"The {what} of '{reference}' is {descriptor.Size} bytes, over the limit of {limit} bytes; nothing was downloaded. Raise the limit only if you trust the source.");
        }
    }

    private static SkillsOciException IndexNotSkill(string reference) =>
        new(ErrorCodes.SkillReferenceIsIndex,
            $"'{reference}' is an OCI image index, not a skill's manifest. Reference a skill (REGISTRY/REPOSITORY:TAG of one skill) instead.");

    private static SkillsOciException NotSkill(string reference, string detail) =>
        new(ErrorCodes.NotASkillArtifact,
            $"'{reference}' is not a skill artifact: {detail}. A skill has artifactType '{MediaTypes.SkillArtifact}'. Check the reference.");

    private static SkillsOciException InlineMismatch(string reference, string detail) =>
        new(ErrorCodes.InlineConfigMismatch, $"The inline config data in the manifest of '{reference}' {detail}; nothing was used. The artifact is corrupt: ask its publisher to push it again.");
}
