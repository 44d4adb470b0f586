using System.Text.Json;
using System.Text.RegularExpressions;
using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Trust.Policy;

namespace Skills.Oci.Build.Trust.DenyLists;

/// <summary>What one deny list entry matches: a manifest or content digest, a skill name pattern, or a registry/repository pattern.</summary>
public enum DenyListMatch
{
    Digest,
    Name,
    Repository,
}

/// <summary>One entry of a deny list: what it matches (<see cref="Value"/>, as written) and why.</summary>
public sealed class DenyListEntry
{
    private readonly Regex? _pattern;

    internal DenyListEntry(DenyListMatch match, string value, string reason)
    {
        Match = match;
        Value = value;
        Reason = reason;
        _pattern = match switch
        {
            DenyListMatch.Name => SkillTrustPolicySet.Glob(value),
            DenyListMatch.Repository => SkillTrustPolicySet.Glob(SkillTrustPolicySet.NormalizePattern(value)),
            _ => null,
        };
    }

    public DenyListMatch Match { get; }

    public string Value { get; }

    public string Reason { get; }

    /// <summary>True when this entry covers a skill with <paramref name="name"/>, <paramref name="repository"/> (<c>registry/repository</c>, null for a package skill) and <paramref name="digests"/>.</summary>
    public bool Covers(string name, string? repository, IEnumerable<Digest> digests) => Match switch
    {
        DenyListMatch.Digest => digests.Any(d => string.Equals(d.ToString(), Value, StringComparison.OrdinalIgnoreCase)),
        DenyListMatch.Name => _pattern!.IsMatch(name),
        _ => repository is not null && _pattern!.IsMatch(repository),
    };

    public override string ToString() => $"{Match.ToString().ToLowerInvariant()} '{Value}'";
}

/// <summary>
/// A deny list, the content of an <c>application/vnd.agentskills.denylist.v1+json</c> artifact: a JSON
/// array of entries, each with exactly one of <c>digest</c> (<c>sha256:…</c>, a skill's manifest or
/// content digest), <c>name</c> (a skill name pattern, <c>*</c> for any run of characters) or
/// <c>repository</c> (a registry/repository pattern, the rule of <c>SkillTrustPolicy</c> Includes), and
/// a <c>reason</c>. Other properties are ignored, so later versions can add some (docs/format.md).
/// </summary>
public sealed class DenyList
{
    /// <summary>The artifact type of the manifest and the media type of its one layer.</summary>
    public const string MediaType = "application/vnd.agentskills.denylist.v1+json";

    /// <summary>A list larger than this is refused: it is a list of digests and patterns, not a data set.</summary>
    public const int MaxBytes = 4 * 1024 * 1024;

    private DenyList(IReadOnlyList<DenyListEntry> entries)
    {
        Entries = entries;
    }

    public IReadOnlyList<DenyListEntry> Entries { get; }

    /// <summary>The first entry covering the skill, or null (see <see cref="DenyListEntry.Covers"/>).</summary>
    public DenyListEntry? Find(string name, string? repository, IEnumerable<Digest> digests)
    {
        var list = digests.ToList();
        return Entries.FirstOrDefault(e => e.Covers(name, repository, list));
    }

    /// <summary>Parses and checks a list; <paramref name="source"/> (a file or reference) names it in the error.</summary>
    public static DenyList Parse(ReadOnlyMemory<byte> json, string source, string? file = null)
    {
        if (json.Length > MaxBytes)
        {
            throw Invalid(source, $"it is {json.Length} bytes; a deny list may have at most {MaxBytes}", file);
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            throw Invalid(source, $"it is not JSON ({ex.Message})", file);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                throw Invalid(source, "it is not a JSON array of entries", file);
            }

            var entries = new List<DenyListEntry>();
            var index = 0;
            foreach (var element in document.RootElement.EnumerateArray())
            {
                entries.Add(ParseEntry(element, index++, source, file));
            }

            return new DenyList(entries);
        }
    }

    private static DenyListEntry ParseEntry(JsonElement element, int index, string source, string? file)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw Invalid(source, $"entry {index} is not an object", file);
        }

        string? Text(string property)
        {
            if (!element.TryGetProperty(property, out var value))
            {
                return null;
            }

            return value.ValueKind == JsonValueKind.String && value.GetString()!.Trim() is { Length: > 0 } text
                ? text
                : throw Invalid(source, $"entry {index} has a '{property}' that is not a non-empty string", file);
        }

        var matches = new (DenyListMatch Match, string? Value)[] { (DenyListMatch.Digest, Text("digest")), (DenyListMatch.Name, Text("name")), (DenyListMatch.Repository, Text("repository")) }
            .Where(m => m.Value is not null)
            .ToList();
        if (matches.Count != 1)
        {
            throw Invalid(source, $"entry {index} must have exactly one of 'digest', 'name' and 'repository' (it has {matches.Count})", file);
        }

        var reason = Text("reason") ?? throw Invalid(source, $"entry {index} has no 'reason'; say why the skill is denied", file);
        var (match, value) = matches[0];
        if (match == DenyListMatch.Digest && !Digest.TryParse(value, out _, out var error))
        {
            throw Invalid(source, $"entry {index} has the digest '{value}', which is not valid: {error.TrimEnd('.')}", file);
        }

        return new DenyListEntry(match, value!, reason);
    }

    private static SkillsOciException Invalid(string source, string why, string? file) =>
        new(ErrorCodes.DenyListInvalid, $"The deny list {source} is invalid: {why}. See docs/format.md \"Deny lists\".", file);
}
