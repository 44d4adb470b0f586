using System.Text.Json;
using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Format;
using Skills.Oci.Build.Oci;

namespace Skills.Oci.Build.Restore;

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

        var collections = new List<CollectionLockEntry>();
        if (root.TryGetProperty("collections", out var collectionArray) && collectionArray.ValueKind != JsonValueKind.Null)
        {
            if (collectionArray.ValueKind != JsonValueKind.Array)
            {
                throw Invalid("collections is not an array", "collections");
            }

            var index = 0;
            foreach (var element in collectionArray.EnumerateArray())
            {
                collections.Add(ReadCollection(element, $"collections[{index++}]"));
            }
        }

        var twice = collections.GroupBy(c => c.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (twice is not null)
        {
            throw Invalid($"the collection '{twice.Key}' is listed twice", "collections");
        }

        var orphan = skills.Select((s, i) => (Skill: s, Index: i)).FirstOrDefault(s => s.Skill.Collection is { } c && collections.All(k => k.Name != c));
        if (orphan.Skill is not null)
        {
            throw Invalid($"the skill '{orphan.Skill.Name}' is a member of the collection '{orphan.Skill.Collection}', which the lock does not list", $"skills[{orphan.Index}].collection");
        }

        return new LockFile
        {
            GeneratedAt = root.TryGetProperty("generatedAt", out var generated) && generated.ValueKind == JsonValueKind.String ? generated.GetString() : null,
            Skills = skills.OrderBy(s => s.Name, StringComparer.Ordinal).ToList(),
            Collections = collections.OrderBy(c => c.Name, StringComparer.Ordinal).ToList(),
        };
    }

    private LockEntry ReadEntry(JsonElement element, string at)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw Invalid("a skills entry is not an object", at);
        }

        var name = RequiredString(element, "name", at);
        if (!SkillName.TryParse(name, SkillNameInput.Stored, out _))
        {
            throw Invalid($"'{name}' is not a valid skill name", $"{at}.name");
        }

        var entryPath = RelativePath(RequiredString(element, "path", at), $"{at}.path");
        if (!element.TryGetProperty("source", out var source) || source.ValueKind != JsonValueKind.Object)
        {
            throw Invalid("an entry has no source object", at);
        }

        var type = OptionalString(source, "type");
        LockSource lockSource;
        string tag;
        Digest digest;
        if (string.Equals(type, NuGetLockSource.Type, StringComparison.Ordinal))
        {
            lockSource = ReadNuGetSource(source, name, $"{at}.source");
            (tag, digest) = (string.Empty, default);
        }
        else if (type is null || type == "registry")
        {
            var registrySource = ReadRegistrySource(source, name, $"{at}.source");
            (lockSource, tag, digest) = (registrySource, registrySource.Tag, registrySource.Digest);
        }
        else
        {
            throw Invalid($"the source type '{type}' is neither 'registry' nor 'nuget'", $"{at}.source.type");
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
            Source = lockSource,
            InstalledAt = element.TryGetProperty("installedAt", out var installed) && installed.ValueKind == JsonValueKind.String ? installed.GetString()! : string.Empty,
            AdditionalPaths = additional,
            Requests = ReadRequests(element, projects, tag, digest, at),
            VerifiedBy = element.TryGetProperty("verifiedBy", out var verified) && verified.ValueKind == JsonValueKind.String && verified.GetString() is { Length: > 0 } signer ? signer : null,
            ContentDigest = ReadContentDigest(element, name, at),
            Scan = ReadScan(element, $"{at}.scan"),
            Collection = OptionalString(element, "collection"),
            RequiredBy = SkillNames(element, "requiredBy", at),
        };
    }

    private CollectionLockEntry ReadCollection(JsonElement element, string at)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw Invalid("a collections entry is not an object", at);
        }

        var name = RequiredString(element, "name", at);
        if (!element.TryGetProperty("source", out var source) || source.ValueKind != JsonValueKind.Object)
        {
            throw Invalid("a collection has no source object", at);
        }

        var registrySource = ReadRegistrySource(source, name, $"{at}.source");
        var projects = Strings(element, "projects", at).Select(p => p.Replace('\\', '/'))
            .Distinct(StringComparer.Ordinal).OrderBy(p => p, StringComparer.Ordinal).ToList();
        return new CollectionLockEntry
        {
            Name = name,
            Source = registrySource,
            Requests = ReadRequests(element, projects, registrySource.Tag, registrySource.Digest, at),
            Members = SkillNames(element, "members", at),
            Nested = ReadNested(element, at),
        };
    }

    private List<NestedCollectionLockEntry> ReadNested(JsonElement element, string at)
    {
        var nested = new List<NestedCollectionLockEntry>();
        if (!element.TryGetProperty("nested", out var array) || array.ValueKind == JsonValueKind.Null)
        {
            return nested;
        }

        if (array.ValueKind != JsonValueKind.Array)
        {
            throw Invalid("nested is not an array", $"{at}.nested");
        }

        var index = 0;
        foreach (var item in array.EnumerateArray())
        {
            var itemAt = $"{at}.nested[{index++}]";
            if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("source", out var source) || source.ValueKind != JsonValueKind.Object)
            {
                throw Invalid("a nested collection is not an object with a source", itemAt);
            }

            var name = RequiredString(item, "name", itemAt);
            nested.Add(new NestedCollectionLockEntry(name, ReadRegistrySource(source, name, $"{itemAt}.source")));
        }

        return nested.OrderBy(n => n.Name, StringComparer.Ordinal).ThenBy(n => n.Source.Digest.ToString(), StringComparer.Ordinal).ToList();
    }

    private List<string> SkillNames(JsonElement element, string property, string at)
    {
        var names = Strings(element, property, at);
        var bad = names.FirstOrDefault(n => !SkillName.TryParse(n, SkillNameInput.Stored, out _));
        if (bad is not null)
        {
            throw Invalid($"'{bad}' in {property} is not a valid skill name", $"{at}.{property}");
        }

        return names.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
    }

    private RegistryLockSource ReadRegistrySource(JsonElement source, string name, string at)
    {
        var registry = RequiredString(source, "registry", at);
        var repository = RequiredString(source, "repository", at);
        var tag = source.TryGetProperty("tag", out var tagElement) && tagElement.ValueKind == JsonValueKind.String ? tagElement.GetString()! : string.Empty;
        var digestText = RequiredString(source, "digest", at);
        if (!digestText.StartsWith(Digest.Sha256 + ":", StringComparison.Ordinal) || !Digest.TryParse(digestText, out var digest, out _))
        {
            throw new SkillsOciException(ErrorCodes.InvalidLockDigest,
                $"The digest '{digestText}' of the skill '{name}' is not 'sha256:' followed by 64 lower-case hex characters. Fix the entry, or delete it and restore again.",
                path, LineOf($"{at}.digest"));
        }

        if (!ImageReference.TryParse($"{registry}/{repository}", out var parsed, out var referenceError))
        {
            throw Invalid($"the source {registry}/{repository} is not a valid repository: {referenceError}", $"{at}.repository");
        }

        if (tag.Length > 0 && !Tag.IsValid(tag))
        {
            throw Invalid($"the tag '{tag}' is not a valid tag", $"{at}.tag");
        }

        return new RegistryLockSource(parsed!.Registry, parsed.Repository, tag, digest);
    }

    /// <summary>A package skill's source: the folder must be <c>skills/&lt;name&gt;</c>, the only place a package skill comes from.</summary>
    private NuGetLockSource ReadNuGetSource(JsonElement source, string name, string at)
    {
        var package = RequiredString(source, "package", at);
        var version = RequiredString(source, "version", at);
        var folder = RequiredString(source, "path", at).Replace('\\', '/');
        if (folder != NuGet.NupkgSkillFolder.PathOf(name))
        {
            throw Invalid($"the path '{folder}' of the package skill '{name}' is not '{NuGet.NupkgSkillFolder.PathOf(name)}'", $"{at}.path");
        }

        if (!NuGet.PackageIdentity.TryCreate(package, version, out var identity))
        {
            throw Invalid($"'{package}' {version} is not a valid package id and version", $"{at}.package");
        }

        return new NuGetLockSource(identity!.Id, identity.Version, folder);
    }

    /// <summary>
    /// The per-project requests. A lock written before they were recorded has one <c>requestedVersion</c>
    /// for all its <c>projects</c>: each project is taken to have asked that (the next restore of each
    /// project replaces its own request with what it asks now).
    /// </summary>
    private List<LockRequest> ReadRequests(JsonElement element, IReadOnlyList<string> projects, string tag, Digest lockedDigest, string at)
    {
        var requests = new List<LockRequest>();
        if (element.TryGetProperty("requests", out var array) && array.ValueKind == JsonValueKind.Array)
        {
            var index = 0;
            foreach (var item in array.EnumerateArray())
            {
                var itemAt = $"{at}.requests[{index++}]";
                if (item.ValueKind != JsonValueKind.Object)
                {
                    throw Invalid("a requests entry is not an object", itemAt);
                }

                var project = RequiredString(item, "project", itemAt).Replace('\\', '/');
                var version = OptionalString(item, "version");
                var requestTag = OptionalString(item, "tag");
                Digest? digest = null;
                if (OptionalString(item, "digest") is { } digestText)
                {
                    if (!Digest.TryParse(digestText, out var parsed, out _))
                    {
                        throw Invalid($"the digest '{digestText}' of a request is not a valid digest", $"{itemAt}.digest");
                    }

                    digest = parsed;
                }

                if (version is null && requestTag is null && digest is null)
                {
                    throw Invalid("a request has none of version, tag and digest", itemAt);
                }

                var isOverride = item.TryGetProperty("override", out var overrideElement) && overrideElement.ValueKind == JsonValueKind.True;
                var subset = item.TryGetProperty("skills", out _) ? LockRequest.JoinSkills(SkillNames(item, "skills", itemAt)) : null;
                requests.Add(new LockRequest(project, version, requestTag, digest) { Override = isOverride, Skills = subset });
            }
        }
        else if (element.TryGetProperty("requests", out var other) && other.ValueKind != JsonValueKind.Null)
        {
            throw Invalid("requests is not an array", $"{at}.requests");
        }
        else
        {
            var legacy = OptionalString(element, "requestedVersion");
            requests.AddRange(projects.Select(p => legacy is null
                // Only digest references were locked without a requestedVersion.
                ? new LockRequest(p, Tag: tag.Length > 0 ? tag : null, Digest: lockedDigest)
                : new LockRequest(p, legacy)));
        }

        // A dependency (requiredBy) holds one request per requirement of each project; anything else one per project.
        var dependency = element.TryGetProperty("requiredBy", out var requiredBy) && requiredBy.ValueKind == JsonValueKind.Array && requiredBy.GetArrayLength() > 0;
        var duplicate = dependency ? null : requests.GroupBy(r => r.Project, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw Invalid($"the project '{duplicate.Key}' has two requests", $"{at}.requests");
        }

        requests.Sort(LockRequest.CompareByProject);
        return requests;
    }

    private static string? OptionalString(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text ? text : null;

    /// <summary>The scan record; codes this scanner does not know (a newer one's) are kept as they are.</summary>
    private Security.ScanRecord? ReadScan(JsonElement element, string at)
    {
        if (!element.TryGetProperty("scan", out var scan) || scan.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (scan.ValueKind != JsonValueKind.Object)
        {
            throw Invalid("scan is not an object", at);
        }

        var scanner = RequiredString(scan, "scanner", at);
        var findings = new List<KeyValuePair<string, int>>();
        if (scan.TryGetProperty("findings", out var counts) && counts.ValueKind != JsonValueKind.Null)
        {
            if (counts.ValueKind != JsonValueKind.Object)
            {
                throw Invalid("scan.findings is not an object", $"{at}.findings");
            }

            foreach (var count in counts.EnumerateObject())
            {
                if (count.Value.ValueKind != JsonValueKind.Number || !count.Value.TryGetInt32(out var number) || number < 1)
                {
                    throw Invalid($"the count of {count.Name} in scan.findings is not a whole number above 0", $"{at}.findings.{count.Name}");
                }

                findings.Add(new(count.Name, number));
            }
        }

        var allowed = new List<Security.AllowedFinding>();
        if (scan.TryGetProperty("allowed", out var array) && array.ValueKind != JsonValueKind.Null)
        {
            if (array.ValueKind != JsonValueKind.Array)
            {
                throw Invalid("scan.allowed is not an array", $"{at}.allowed");
            }

            var index = 0;
            foreach (var item in array.EnumerateArray())
            {
                var itemAt = $"{at}.allowed[{index++}]";
                if (item.ValueKind != JsonValueKind.Object)
                {
                    throw Invalid("a scan.allowed entry is not an object", itemAt);
                }

                allowed.Add(new Security.AllowedFinding(RequiredString(item, "code", itemAt), RequiredString(item, "reason", itemAt)));
            }
        }

        return new Security.ScanRecord(scanner,
            findings.OrderBy(f => f.Key, StringComparer.Ordinal).ToList(),
            allowed.OrderBy(a => a.Code, StringComparer.Ordinal).ToList());
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
