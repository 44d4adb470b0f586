using System.Text.Encodings.Web;
using System.Text.Json;
using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Oci;

namespace Skills.Oci.Build.Restore;

/// <summary>
/// The skills.lock.json format: read tolerantly (both agent-path field names, Docker Hub host names
/// normalised, locks written before per-project requests), checked strictly (coded errors with the
/// file and line), written deterministically (entries sorted, '/' paths, UTF-8 without BOM, LF,
/// 2-space indentation, final newline). See docs/lock-file.md.
/// </summary>
public static class LockFileFormat
{
    public static LockFile Parse(byte[] bytes, string path)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes);
        }
        catch (JsonException ex)
        {
            var line = (int)(ex.LineNumber ?? 0) + 1;
            throw new SkillsOciException(ErrorCodes.InvalidLockFile,
                $"The lock file is not valid JSON: {ex.Message} Fix the file (for example resolve a merge conflict), or delete it and restore again.", path, line, ex);
        }

        using (document)
        {
            return new LockFileReader(bytes, path).Read(document.RootElement);
        }
    }

    /// <summary>The deterministic bytes of this lock.</summary>
    public static byte[] Serialize(LockFile lockFile)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteNumber("lockfileVersion", LockFile.Version);
            writer.WriteString("generatedAt", lockFile.GeneratedAt ?? string.Empty);
            writer.WriteStartArray("skills");
            foreach (var entry in lockFile.Skills.OrderBy(s => s.Name, StringComparer.Ordinal))
            {
                writer.WriteStartObject();
                writer.WriteString("name", entry.Name);
                writer.WriteString("path", entry.Path);
                writer.WriteStartObject("source");
                writer.WriteString("registry", entry.Source.Registry);
                writer.WriteString("repository", entry.Source.Repository);
                writer.WriteString("tag", entry.Source.Tag);
                writer.WriteString("digest", entry.Source.Digest.ToString());
                writer.WriteString("ref", entry.Source.Ref);
                writer.WriteEndObject();
                writer.WriteString("installedAt", entry.InstalledAt);
                WriteStrings(writer, "additionalPaths", entry.AdditionalPaths);
                WriteStrings(writer, "projects", entry.Projects);
                WriteRequests(writer, entry.Requests);
                if (entry.VerifiedBy is not null)
                {
                    writer.WriteString("verifiedBy", entry.VerifiedBy);
                }

                if (entry.ContentDigest is { } contentDigest)
                {
                    writer.WriteString("contentDigest", contentDigest.ToString());
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        // .NET 8's indented writer uses the platform's newline; the file is LF everywhere.
        var text = System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan).Replace("\r\n", "\n", StringComparison.Ordinal) + "\n";
        return new System.Text.UTF8Encoding(false).GetBytes(text);
    }

    private static void WriteStrings(Utf8JsonWriter writer, string name, IReadOnlyList<string> values)
    {
        writer.WriteStartArray(name);
        foreach (var value in values)
        {
            writer.WriteStringValue(value);
        }

        writer.WriteEndArray();
    }

    private static void WriteRequests(Utf8JsonWriter writer, IReadOnlyList<LockRequest> requests)
    {
        writer.WriteStartArray("requests");
        foreach (var request in requests)
        {
            writer.WriteStartObject();
            writer.WriteString("project", request.Project);
            if (request.Version is not null)
            {
                writer.WriteString("version", request.Version);
            }

            if (request.Tag is not null)
            {
                writer.WriteString("tag", request.Tag);
            }

            if (request.Digest is { } digest)
            {
                writer.WriteString("digest", digest.ToString());
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }
}
