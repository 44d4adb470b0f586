using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.FileSystem;
using Skills.Oci.Build.Oci;

namespace Skills.Oci.Build.Restore;

/// <summary>
/// One skills.json entry: the skill's name, its repository (<c>source</c>) and the tag to install
/// (<c>version</c>, the reference tools' meaning), or a NuGet range when the text is not a tag.
/// </summary>
public sealed record SkillsManifestEntry(string Name, ImageReference Source, string? Version)
{
    /// <summary>Absent, null or empty: the newest stable version tag when installed (a float, <c>*</c>).</summary>
    public const string AnyVersion = "*";

    /// <summary>
    /// The entry as the engine's SkillReference: a tag becomes <c>source:tag</c> (exactly that tag, as the
    /// reference tools install it); a range stays a Version; no version floats to the newest stable tag.
    /// </summary>
    public SkillReferenceItem ToReference() =>
        string.IsNullOrWhiteSpace(Version) ? new SkillReferenceItem(Source.RepositoryName, AnyVersion)
        : Tag.IsValid(Version.Trim()) ? new SkillReferenceItem($"{Source.RepositoryName}:{Version.Trim()}")
        : new SkillReferenceItem(Source.RepositoryName, Version.Trim());
}

/// <summary>
/// The reference tools' declarative manifest, <c>skills.json</c> (docs/format.md, "skills.json"): read
/// with the format's rules, edited by name, and written as they write it (2-space indentation, final
/// newline). Entries and fields this code does not know (<c>additionalBasePaths</c>, another tool's
/// additions) are kept as read, in their order.
/// </summary>
public sealed class SkillsManifest
{
    public const string FileName = "skills.json";

    private static readonly JsonSerializerOptions Output = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly JsonObject _root;

    private SkillsManifest(string path, JsonObject root, IReadOnlyList<SkillsManifestEntry> entries)
    {
        Path = path;
        _root = root;
        Entries = entries;
    }

    /// <summary>The file, full path.</summary>
    public string Path { get; }

    public IReadOnlyList<SkillsManifestEntry> Entries { get; private set; }

    public SkillsManifestEntry? Find(string name) => Entries.FirstOrDefault(e => e.Name == name);

    /// <summary>Reads the file; a missing file is an empty manifest (as the reference tools read it).</summary>
    public static async Task<SkillsManifest> ReadAsync(string path, CancellationToken cancellationToken)
    {
        var full = System.IO.Path.GetFullPath(path);
        return File.Exists(full)
            ? Parse(await File.ReadAllBytesAsync(full, cancellationToken).ConfigureAwait(false), full)
            : new SkillsManifest(full, new JsonObject { ["skills"] = new JsonArray() }, []);
    }

    public static SkillsManifest Parse(byte[] bytes, string path)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(bytes, documentOptions: new JsonDocumentOptions { AllowTrailingCommas = false });
        }
        catch (JsonException ex)
        {
            throw Invalid(path, $"is not valid JSON: {ex.Message}", (int)(ex.LineNumber ?? 0) + 1);
        }

        if (node is not JsonObject root)
        {
            throw Invalid(path, "must hold a JSON object with a 'skills' array");
        }

        root["skills"] ??= new JsonArray();
        if (root["skills"] is not JsonArray skills)
        {
            throw Invalid(path, "has a 'skills' value that is not an array");
        }

        var entries = new List<SkillsManifestEntry>();
        foreach (var (item, index) in skills.Select((s, i) => (s, i)))
        {
            entries.Add(ReadEntry(item, index, path, entries));
        }

        return new SkillsManifest(path, root, entries);
    }

    /// <summary>Adds an entry, or replaces the name and version of the entry for the same source (its other fields kept).</summary>
    public void Upsert(SkillsManifestEntry entry)
    {
        var skills = Skills;
        var index = Entries.ToList().FindIndex(e => e.Source.RepositoryName == entry.Source.RepositoryName);
        var item = index >= 0 ? (JsonObject)skills[index]! : new JsonObject();
        item["name"] = entry.Name;
        item["source"] = entry.Source.RepositoryName;
        if (string.IsNullOrWhiteSpace(entry.Version))
        {
            item.Remove("version");
        }
        else
        {
            item["version"] = entry.Version;
        }

        if (index < 0)
        {
            skills.Add(item);
        }

        Entries = skills.Select((s, i) => ReadEntry(s, i, Path, [])).ToList();
    }

    /// <summary>Deletes the entry with this name; false when there is none.</summary>
    public bool Remove(string name)
    {
        var index = Entries.ToList().FindIndex(e => e.Name == name);
        if (index < 0)
        {
            return false;
        }

        Skills.RemoveAt(index);
        Entries = Entries.Where((_, i) => i != index).ToList();
        return true;
    }

    /// <summary>The file's bytes: 2-space indentation, LF, final newline, UTF-8 without BOM.</summary>
    public byte[] Serialize() => Encoding.UTF8.GetBytes(_root.ToJsonString(Output).ReplaceLineEndings("\n") + "\n");

    public Task<bool> WriteAsync(CancellationToken cancellationToken) => AtomicFile.WriteIfChangedAsync(Path, Serialize(), cancellationToken);

    /// <summary>The engine's view: skills.json is the "project", so the lock's requests and projects name it.</summary>
    public SkillRestoreRequest ToRestoreRequest(string? skillsRoot = null) => new()
    {
        SkillsRoot = skillsRoot ?? System.IO.Path.GetDirectoryName(Path)!,
        ProjectPath = Path,
        References = Entries.Select(e => e.ToReference()).ToList(),
    };

    private JsonArray Skills => (JsonArray)_root["skills"]!;

    private static SkillsManifestEntry ReadEntry(JsonNode? item, int index, string path, List<SkillsManifestEntry> before)
    {
        var where = $"has an entry (skills[{index}])";
        if (item is not JsonObject entry)
        {
            throw Invalid(path, $"{where} that is not an object");
        }

        var name = Text(entry, "name", path, where);
        var source = Text(entry, "source", path, where);
        if (string.IsNullOrWhiteSpace(name) || string.IsNullOrWhiteSpace(source))
        {
            throw Invalid(path, $"{where} without a 'name' and a 'source'; each entry needs both, for example {{\"name\": \"pdf\", \"source\": \"ghcr.io/acme/skills/pdf\", \"version\": \"1.0.0\"}}");
        }

        if (before.Any(e => e.Name == name))
        {
            throw Invalid(path, $"names the skill '{name}' twice; names are the entries' keys and must be unique");
        }

        if (!ImageReference.TryParse(source.Trim(), out var reference, out var error) || reference!.Tag is not null || reference.Digest is not null)
        {
            throw Invalid(path, $"{where} whose source '{source}' is not a repository ({(reference is null ? error.TrimEnd('.') : "it names a tag or digest")}); write 'registry/repository' and put the tag in 'version'");
        }

        var version = Text(entry, "version", path, where);
        if (!string.IsNullOrWhiteSpace(version) && !VersionSpec.TryParse(version, out _, out var versionError))
        {
            throw Invalid(path, $"{where} for '{name}' whose version is invalid: {versionError}");
        }

        return new SkillsManifestEntry(name.Trim(), ImageReference.Create(reference.Registry, reference.Repository), version);
    }

    private static string? Text(JsonObject entry, string key, string path, string where) =>
        entry[key] switch
        {
            null => null,
            JsonValue value when value.TryGetValue<string>(out var text) => text,
            _ => throw Invalid(path, $"{where} whose '{key}' is not a string"),
        };

    private static SkillsOciException Invalid(string path, string problem, int line = 0) =>
        new(Diagnostic.Error(ErrorCodes.SkillsManifestInvalid, $"{FileName} {problem}. Fix the file (format: docs/command-line.md, \"skills.json\").", path, line, 0));
}
