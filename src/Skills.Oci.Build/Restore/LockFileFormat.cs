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
                WriteSource(writer, entry.Source);
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

                if (entry.Scan is { } scan)
                {
                    WriteScan(writer, scan);
                }

                // Only derived entries carry these, so every other entry is written byte for byte as before.
                if (entry.Collection is not null)
                {
                    writer.WriteString("collection", entry.Collection);
                }

                if (entry.RequiredBy.Count > 0)
                {
                    WriteStrings(writer, "requiredBy", entry.RequiredBy);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            if (lockFile.Collections.Count > 0)
            {
                writer.WriteStartArray("collections");
                foreach (var collection in lockFile.Collections.OrderBy(c => c.Name, StringComparer.Ordinal))
                {
                    writer.WriteStartObject();
                    writer.WriteString("name", collection.Name);
                    WriteSource(writer, collection.Source);
                    WriteStrings(writer, "projects", collection.Projects);
                    WriteRequests(writer, collection.Requests);
                    WriteStrings(writer, "members", collection.Members);
                    if (collection.Nested.Count > 0)
                    {
                        writer.WriteStartArray("nested");
                        foreach (var nested in collection.Nested)
                        {
                            writer.WriteStartObject();
                            writer.WriteString("name", nested.Name);
                            WriteSource(writer, nested.Source);
                            writer.WriteEndObject();
                        }

                        writer.WriteEndArray();
                    }

                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
            }

            writer.WriteEndObject();
        }

        // .NET 8's indented writer uses the platform's newline; the file is LF everywhere.
        var text = System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan).Replace("\r\n", "\n", StringComparison.Ordinal) + "\n";
        return new System.Text.UTF8Encoding(false).GetBytes(text);
    }

    /// <summary>
    /// A registry source is written as before (no <c>type</c>), so every existing reader of the lock
    /// reads it unchanged; a package source says <c>"type": "nuget"</c>.
    /// </summary>
    private static void WriteSource(Utf8JsonWriter writer, LockSource source)
    {
        writer.WriteStartObject("source");
        switch (source)
        {
            case RegistryLockSource registry:
                writer.WriteString("registry", registry.Registry);
                writer.WriteString("repository", registry.Repository);
                writer.WriteString("tag", registry.Tag);
                writer.WriteString("digest", registry.Digest.ToString());
                writer.WriteString("ref", registry.Ref);
                break;
            case NuGetLockSource nuget:
                writer.WriteString("type", NuGetLockSource.Type);
                writer.WriteString("package", nuget.Package);
                writer.WriteString("version", nuget.Version);
                writer.WriteString("path", nuget.Path);
                break;
        }

        writer.WriteEndObject();
    }

    /// <summary><c>"scan": { "scanner", "findings": { code: count }, "allowed": [ { "code", "reason" } ] }</c>, empty parts left out.</summary>
    private static void WriteScan(Utf8JsonWriter writer, Security.ScanRecord scan)
    {
        writer.WriteStartObject("scan");
        writer.WriteString("scanner", scan.Scanner);
        if (scan.Findings.Count > 0)
        {
            writer.WriteStartObject("findings");
            foreach (var (code, count) in scan.Findings.OrderBy(f => f.Key, StringComparer.Ordinal))
            {
                writer.WriteNumber(code, count);
            }

            writer.WriteEndObject();
        }

        if (scan.Allowed.Count > 0)
        {
            writer.WriteStartArray("allowed");
            foreach (var allowed in scan.Allowed.OrderBy(a => a.Code, StringComparer.Ordinal))
            {
                writer.WriteStartObject();
                writer.WriteString("code", allowed.Code);
                writer.WriteString("reason", allowed.Reason);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
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

            if (request.Override)
            {
                writer.WriteBoolean("override", true);
            }

            if (request.SkillNames is { } skills)
            {
                WriteStrings(writer, "skills", skills);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }
}
