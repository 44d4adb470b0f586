using System.Globalization;
using System.Text.Json;
using Skills.Oci.Build.FileSystem;
using Skills.Oci.Build.Format;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Registry;
using Skills.Oci.Build.Restore;
using Skills.Oci.Build.Trust.Signatures;

namespace Skills.Oci.Build.Packaging;

/// <summary>
/// <c>SkillSbom=true</c>: a CycloneDX 1.6 document of a pushed skill's files, attached to its manifest as
/// a referrer (artifact type <see cref="MediaType"/>, the empty config, one layer). The files are read
/// from the packed layer itself, extracted as restore extracts it, so the document lists exactly what
/// consumers install: each path with its size and SHA-256, and whether it is executable.
/// </summary>
public static class SkillSbom
{
    public const string MediaType = "application/vnd.cyclonedx+json";

    /// <summary>The in-toto predicate type of the signed statement carrying the same document (as cosign's <c>--type cyclonedx</c>).</summary>
    public const string PredicateType = "https://cyclonedx.org/bom";

    /// <summary>The document of the packed skill: its name and the CycloneDX bytes.</summary>
    public static async Task<(string Name, byte[] Document)> CreateAsync(OciImageLayout layout, Descriptor pushed, ImageReference repository, string version, DateTimeOffset created, OciLimits limits, CancellationToken cancellationToken)
    {
        var skill = SkillArtifactReader.ReadManifest(await layout.ReadBlobAsync(pushed, limits.MaxManifestBytes, cancellationToken).ConfigureAwait(false), repository.ToString(), limits);
        var name = skill.AnnotatedName ?? repository.Repository.Split('/')[^1];
        var work = Path.Combine(Path.GetTempPath(), "skills-oci-sbom-" + TempName.NewId());
        byte[] document;
        try
        {
            Directory.CreateDirectory(work);
            string staging;
            await using (var layer = layout.OpenBlob(skill.Layer))
            {
                staging = await SkillArchiveExtractor.ExtractAsync(layer, name, work, limits, repository.ToString(), cancellationToken).ConfigureAwait(false);
            }

            var folder = Path.Combine(staging, name);
            var tree = await SkillTree.FromFolderAsync(folder, cancellationToken).ConfigureAwait(false);
            document = Serialize(name, version, repository, pushed.Digest, tree, folder, created);
        }
        finally
        {
            if (Directory.Exists(work))
            {
                DirectoryTree.Delete(work);
            }
        }

        return (name, document);
    }

    /// <summary>Attaches the document to the pushed manifest as a plain CycloneDX referrer; returns the referrer.</summary>
    public static async Task<Descriptor> AttachAsync(RegistryClient client, string name, byte[] document, Descriptor pushed, ImageReference repository, DateTimeOffset created, CancellationToken cancellationToken)
    {
        var bare = repository.WithTag(null).WithDigest(null);
        var content = Descriptor.FromContent(MediaType, document) with
        {
            Annotations = new Dictionary<string, string>(StringComparer.Ordinal) { [AnnotationKeys.Title] = name + ".cdx.json" },
        };
        var annotations = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            [AnnotationKeys.Created] = created.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        };
        var subject = new Descriptor { MediaType = pushed.MediaType, Digest = pushed.Digest, Size = pushed.Size };
        var manifest = OciJsonWriter.WriteManifest(CosignRegistryFormat.EmptyConfig, [content], MediaType, subject, annotations);
        await client.PushBlobAsync(bare, CosignRegistryFormat.EmptyConfig, CosignRegistryFormat.EmptyJson, cancellationToken).ConfigureAwait(false);
        await client.PushBlobAsync(bare, content, document, cancellationToken).ConfigureAwait(false);
        return await client.PushReferrerAsync(bare, subject, manifest, MediaTypes.OciManifest, MediaType, annotations, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The document: the skill as <c>metadata.component</c>, each regular file a <c>file</c> component.</summary>
    public static byte[] Serialize(string name, string version, ImageReference repository, Digest manifest, SkillTree tree, string folder, DateTimeOffset created)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            LockSbom.WriteHeader(writer);
            writer.WriteNumber("version", 1);
            writer.WriteStartObject("metadata");
            writer.WriteString("timestamp", created.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
            writer.WriteStartObject("component");
            writer.WriteString("type", "library");
            writer.WriteString("bom-ref", "skill");
            writer.WriteString("name", name);
            writer.WriteString("version", version);
            LockSbom.WriteSha256(writer, manifest.Encoded);
            writer.WriteString("purl", LockSbom.PackageUrl(new RegistryLockSource(repository.Registry, repository.Repository, version, manifest)));
            writer.WriteEndObject();
            writer.WriteEndObject();

            writer.WriteStartArray("components");
            foreach (var entry in tree.Entries.Where(e => !e.IsDirectory && e.Sha256 is not null))
            {
                writer.WriteStartObject();
                writer.WriteString("type", "file");
                writer.WriteString("bom-ref", "file:" + entry.Path);
                writer.WriteString("name", entry.Path);
                LockSbom.WriteSha256(writer, entry.Sha256!);
                writer.WriteStartArray("properties");
                LockSbom.Property(writer, "size", new FileInfo(Path.Combine(folder, entry.Path)).Length.ToString(CultureInfo.InvariantCulture));
                if (entry.Executable)
                {
                    LockSbom.Property(writer, "executable", "true");
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
