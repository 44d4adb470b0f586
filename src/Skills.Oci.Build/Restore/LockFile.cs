using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Oci;

namespace Skills.Oci.Build.Restore;

/// <summary>Where a locked skill came from: registry, repository, the tag resolved and the manifest digest.</summary>
public sealed record LockSource(string Registry, string Repository, string Tag, Digest Digest)
{
    /// <summary><c>registry/repository:tag@digest</c>, or <c>registry/repository@digest</c> without a tag.</summary>
    public string Ref => $"{Registry}/{Repository}{(Tag.Length > 0 ? ":" + Tag : string.Empty)}@{Digest}";

    /// <summary>The pinned reference to pull: repository and digest.</summary>
    public ImageReference PinnedReference => ImageReference.Create(Registry, Repository, digest: Digest);

    public ImageReference RepositoryReference => ImageReference.Create(Registry, Repository);

    public bool IsSameRepository(ImageReference repository) =>
        Registry == repository.Registry && Repository == repository.Repository;
}

/// <summary>One entry of skills.lock.json (artifact-format.md §13.2).</summary>
public sealed record LockEntry
{
    public required string Name { get; init; }

    /// <summary>Primary folder relative to the lock's folder, '/' separated: <c>.agents/skills/&lt;name&gt;</c>.</summary>
    public required string Path { get; init; }

    public required LockSource Source { get; init; }

    /// <summary>RFC 3339 UTC; kept as read so another tool's format survives an unchanged entry.</summary>
    public required string InstalledAt { get; init; }

    /// <summary>Agent-folder entries we created (links or copies), root-relative, '/' separated, sorted.</summary>
    public IReadOnlyList<string> AdditionalPaths { get; init; } = [];

    /// <summary>The SkillReference Version as written; null for a bare digest reference.</summary>
    public string? RequestedVersion { get; init; }

    /// <summary>Root-relative project files that reference the skill, sorted.</summary>
    public IReadOnlyList<string> Projects { get; init; } = [];

    /// <summary>
    /// What a trust policy verified at install: <c>key:sha256:&lt;hex&gt;</c> or <c>keyless:&lt;issuer&gt;|&lt;identity&gt;</c>
    /// (plus <c>+provenance:&lt;source&gt;</c> when provenance was required); null when no policy applied.
    /// </summary>
    public string? VerifiedBy { get; init; }

    /// <summary>The <see cref="SkillTree"/> digest of the folder as installed; null when unknown (older locks, other tools).</summary>
    public Digest? ContentDigest { get; init; }

    /// <summary>The primary path for a skill name.</summary>
    public static string PrimaryPath(string name) => $"{SkillsRootPath.SkillsFolder}/{name}";

    /// <summary>True when the entry's path is the standard one, the only primary folder we manage.</summary>
    public bool HasStandardPath => Path == PrimaryPath(Name);

    /// <summary>Equality of everything but <see cref="InstalledAt"/>.</summary>
    public bool SameContentAs(LockEntry other) =>
        Name == other.Name && Path == other.Path && Source == other.Source && RequestedVersion == other.RequestedVersion &&
        AdditionalPaths.SequenceEqual(other.AdditionalPaths, StringComparer.Ordinal) &&
        Projects.SequenceEqual(other.Projects, StringComparer.Ordinal) &&
        VerifiedBy == other.VerifiedBy && ContentDigest == other.ContentDigest;

    /// <summary>
    /// Locked mode's comparison: the resolution is the same, and a verification or content digest the
    /// lock already records is unchanged (one it lacks may be filled in: that is not a resolution change).
    /// </summary>
    public bool SameResolutionAs(LockEntry locked) =>
        Name == locked.Name && Path == locked.Path && Source == locked.Source && RequestedVersion == locked.RequestedVersion &&
        AdditionalPaths.SequenceEqual(locked.AdditionalPaths, StringComparer.Ordinal) &&
        Projects.SequenceEqual(locked.Projects, StringComparer.Ordinal) &&
        (locked.VerifiedBy is null || VerifiedBy == locked.VerifiedBy) &&
        (locked.ContentDigest is null || ContentDigest is null || ContentDigest == locked.ContentDigest);
}

/// <summary>
/// skills.lock.json: read tolerantly (both agent-path field names, Docker Hub host names normalised),
/// checked strictly (coded errors with the file and line), written deterministically (entries sorted,
/// '/' paths, UTF-8 without BOM, LF, 2-space indentation, final newline).
/// </summary>
public sealed record LockFile
{
    public const string FileName = "skills.lock.json";
    public const int Version = 1;

    public static LockFile Empty { get; } = new();

    public string? GeneratedAt { get; init; }

    public IReadOnlyList<LockEntry> Skills { get; init; } = [];

    public LockEntry? Find(string name) => Skills.FirstOrDefault(s => s.Name == name);

    /// <summary>RFC 3339 UTC, whole seconds.</summary>
    public static string FormatTimestamp(DateTimeOffset time) =>
        time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Reads the lock, or null when the file does not exist.</summary>
    public static async Task<LockFile?> ReadAsync(string path, CancellationToken cancellationToken)
    {
        byte[] bytes;
        try
        {
            bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }

        return Parse(bytes, path);
    }

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
    public byte[] Serialize()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteNumber("lockfileVersion", Version);
            writer.WriteString("generatedAt", GeneratedAt ?? string.Empty);
            writer.WriteStartArray("skills");
            foreach (var entry in Skills.OrderBy(s => s.Name, StringComparer.Ordinal))
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
                if (entry.RequestedVersion is not null)
                {
                    writer.WriteString("requestedVersion", entry.RequestedVersion);
                }

                WriteStrings(writer, "projects", entry.Projects);
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

    /// <summary>True when both locks hold the same entries, timestamps aside.</summary>
    public bool SameContentAs(LockFile other)
    {
        var mine = Skills.OrderBy(s => s.Name, StringComparer.Ordinal).ToList();
        var theirs = other.Skills.OrderBy(s => s.Name, StringComparer.Ordinal).ToList();
        return mine.Count == theirs.Count && mine.Zip(theirs).All(p => p.First.SameContentAs(p.Second));
    }

    /// <summary>Locked mode: true when this lock resolves exactly as <paramref name="locked"/> (see <see cref="LockEntry.SameResolutionAs"/>).</summary>
    public bool SameResolutionAs(LockFile locked)
    {
        var mine = Skills.OrderBy(s => s.Name, StringComparer.Ordinal).ToList();
        var theirs = locked.Skills.OrderBy(s => s.Name, StringComparer.Ordinal).ToList();
        return mine.Count == theirs.Count && mine.Zip(theirs).All(p => p.First.SameResolutionAs(p.Second));
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
}

/// <summary>Turns a parsed lock document into the model, pointing every problem at its line.</summary>
internal sealed class LockFileReader(byte[] bytes, string path)
{
    private Dictionary<string, int>? _lines;

    public LockFile Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw Invalid("the top level is not a JSON object", "");
        }

        if (!root.TryGetProperty("lockfileVersion", out var version) || version.ValueKind != JsonValueKind.Number ||
            !version.TryGetInt32(out var number) || number != LockFile.Version)
        {
            throw Invalid($"lockfileVersion must be {LockFile.Version}", "lockfileVersion");
        }

        var skills = new List<LockEntry>();
        if (root.TryGetProperty("skills", out var array))
        {
            if (array.ValueKind != JsonValueKind.Array)
            {
                throw Invalid("skills is not an array", "skills");
            }

            var index = 0;
            foreach (var element in array.EnumerateArray())
            {
                skills.Add(ReadEntry(element, $"skills[{index++}]"));
            }
        }

        var duplicate = skills.GroupBy(s => s.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw Invalid($"the skill '{duplicate.Key}' is listed twice", "skills");
        }

        return new LockFile
        {
            GeneratedAt = root.TryGetProperty("generatedAt", out var generated) && generated.ValueKind == JsonValueKind.String ? generated.GetString() : null,
            Skills = skills.OrderBy(s => s.Name, StringComparer.Ordinal).ToList(),
        };
    }

    private LockEntry ReadEntry(JsonElement element, string at)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw Invalid("a skills entry is not an object", at);
        }

        var name = RequiredString(element, "name", at);
        if (!SkillArtifactReader.IsSafeSkillName(name))
        {
            throw Invalid($"'{name}' is not a valid skill name", $"{at}.name");
        }

        var entryPath = RelativePath(RequiredString(element, "path", at), $"{at}.path");
        if (!element.TryGetProperty("source", out var source) || source.ValueKind != JsonValueKind.Object)
        {
            throw Invalid("an entry has no source object", at);
        }

        var registry = RequiredString(source, "registry", $"{at}.source");
        var repository = RequiredString(source, "repository", $"{at}.source");
        var tag = source.TryGetProperty("tag", out var tagElement) && tagElement.ValueKind == JsonValueKind.String ? tagElement.GetString()! : string.Empty;
        var digestText = RequiredString(source, "digest", $"{at}.source");
        if (!digestText.StartsWith(Digest.Sha256 + ":", StringComparison.Ordinal) || !Digest.TryParse(digestText, out var digest, out var digestError))
        {
            throw new SkillsOciException(ErrorCodes.InvalidLockDigest,
                $"The digest '{digestText}' of the skill '{name}' is not 'sha256:' followed by 64 lower-case hex characters. Fix the entry, or delete it and restore again.",
                path, LineOf($"{at}.source.digest"));
        }

        ImageReference normalised;
        if (!ImageReference.TryParse($"{registry}/{repository}", out var parsed, out var referenceError))
        {
            throw Invalid($"the source {registry}/{repository} is not a valid repository: {referenceError}", $"{at}.source.repository");
        }

        normalised = parsed!;
        if (tag.Length > 0 && !Tag.IsValid(tag))
        {
            throw Invalid($"the tag '{tag}' is not a valid tag", $"{at}.source.tag");
        }

        var additional = Strings(element, "additionalPaths", at).Concat(Strings(element, "additionalInstalledPaths", at))
            .Select(p => RelativePath(p, $"{at}.additionalPaths"))
            .Distinct(StringComparer.Ordinal).OrderBy(p => p, StringComparer.Ordinal).ToList();
        var projects = Strings(element, "projects", at).Select(p => p.Replace('\\', '/'))
            .Distinct(StringComparer.Ordinal).OrderBy(p => p, StringComparer.Ordinal).ToList();

        return new LockEntry
        {
            Name = name,
            Path = entryPath,
            Source = new LockSource(normalised.Registry, normalised.Repository, tag, digest),
            InstalledAt = element.TryGetProperty("installedAt", out var installed) && installed.ValueKind == JsonValueKind.String ? installed.GetString()! : string.Empty,
            AdditionalPaths = additional,
            RequestedVersion = element.TryGetProperty("requestedVersion", out var requested) && requested.ValueKind == JsonValueKind.String ? requested.GetString() : null,
            Projects = projects,
            VerifiedBy = element.TryGetProperty("verifiedBy", out var verified) && verified.ValueKind == JsonValueKind.String && verified.GetString() is { Length: > 0 } signer ? signer : null,
            ContentDigest = ReadContentDigest(element, name, at),
        };
    }

    private Digest? ReadContentDigest(JsonElement element, string name, string at)
    {
        if (!element.TryGetProperty("contentDigest", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String || value.GetString() is not { } text ||
            !text.StartsWith(Digest.Sha256 + ":", StringComparison.Ordinal) || !Digest.TryParse(text, out var digest, out _))
        {
            throw Invalid($"the contentDigest of the skill '{name}' is not 'sha256:' followed by 64 lower-case hex characters", $"{at}.contentDigest");
        }

        return digest;
    }

    /// <summary>
    /// Paths in the lock decide what prune deletes, so one that is absolute or climbs out of the root
    /// is refused rather than trusted.
    /// </summary>
    private string RelativePath(string value, string at)
    {
        var normalised = value.Replace('\\', '/');
        if (!SkillsRootPath.IsSafeRelative(normalised))
        {
            throw Invalid($"the path '{value}' is absolute or leaves the skills root", at);
        }

        return SkillsRootPath.Normalize(normalised);
    }

    private List<string> Strings(JsonElement element, string property, string at)
    {
        if (!element.TryGetProperty(property, out var array) || array.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        if (array.ValueKind != JsonValueKind.Array || array.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
        {
            throw Invalid($"{property} is not an array of strings", $"{at}.{property}");
        }

        return array.EnumerateArray().Select(e => e.GetString()!).ToList();
    }

    private string RequiredString(JsonElement element, string property, string at)
    {
        if (!element.TryGetProperty(property, out var value) || value.ValueKind != JsonValueKind.String || value.GetString() is not { Length: > 0 } text)
        {
            throw Invalid($"'{property}' is missing or not a non-empty string", element.TryGetProperty(property, out _) ? $"{at}.{property}" : at);
        }

        return text;
    }

    private SkillsOciException Invalid(string detail, string at) =>
        new(ErrorCodes.InvalidLockFile, $"The lock file is invalid: {detail}. Fix the entry, or delete the file and restore again.", path, LineOf(at));

    private int LineOf(string at)
    {
        _lines ??= MapLines(bytes);
        return _lines.TryGetValue(at, out var line) ? line : 0;
    }

    /// <summary>Maps each value's JSON path (<c>skills[0].source.digest</c>) to its 1-based line.</summary>
    private static Dictionary<string, int> MapLines(byte[] bytes)
    {
        var map = new Dictionary<string, int>(StringComparer.Ordinal);
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
        var frames = new Stack<(string Path, bool IsArray, int[] Index)>();
        string? property = null;
        var line = 1;
        long scanned = 0;
        while (reader.Read())
        {
            for (; scanned < reader.TokenStartIndex; scanned++)
            {
                if (bytes[scanned] == (byte)'\n')
                {
                    line++;
                }
            }

            if (reader.TokenType == JsonTokenType.PropertyName)
            {
                property = reader.GetString();
                continue;
            }

            if (reader.TokenType is JsonTokenType.EndObject or JsonTokenType.EndArray)
            {
                frames.Pop();
                continue;
            }

            var current = frames.Count == 0 ? string.Empty
                : frames.Peek().IsArray ? $"{frames.Peek().Path}[{frames.Peek().Index[0]++}]"
                : frames.Peek().Path.Length == 0 ? property! : $"{frames.Peek().Path}.{property}";
            map.TryAdd(current, line);
            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                frames.Push((current, reader.TokenType == JsonTokenType.StartArray, [0]));
            }
        }

        return map;
    }
}
