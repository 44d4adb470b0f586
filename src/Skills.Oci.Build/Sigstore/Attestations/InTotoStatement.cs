using System.Text.Json;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Sigstore.Serialization;

namespace Skills.Oci.Build.Sigstore.Attestations;

/// <summary>One subject of an in-toto statement: a name and its digests by algorithm (lower-case hex).</summary>
public sealed record InTotoSubject(string Name, IReadOnlyDictionary<string, string> Digests)
{
    /// <summary>True when this subject names <paramref name="digest"/> (same algorithm, same hex).</summary>
    public bool Matches(Digest digest) =>
        Digests.TryGetValue(digest.Algorithm, out var hex) &&
        string.Equals(hex, digest.Encoded, StringComparison.OrdinalIgnoreCase);
}

/// <summary>
/// An in-toto attestation statement (v0.1 or v1): subjects, a predicate type and the predicate as JSON.
/// </summary>
public sealed class InTotoStatement
{
    public const string TypeV1 = "https://in-toto.io/Statement/v1";
    public const string TypeV01 = "https://in-toto.io/Statement/v0.1";

    private InTotoStatement(string type, IReadOnlyList<InTotoSubject> subjects, string predicateType, JsonElement predicate)
    {
        Type = type;
        Subjects = subjects;
        PredicateType = predicateType;
        Predicate = predicate;
    }

    /// <summary>The <c>_type</c> URI.</summary>
    public string Type { get; }

    public IReadOnlyList<InTotoSubject> Subjects { get; }

    public string PredicateType { get; }

    /// <summary>The predicate (a detached clone: safe to keep).</summary>
    public JsonElement Predicate { get; }

    public bool HasSubject(Digest digest) => Subjects.Any(s => s.Matches(digest));

    public static InTotoStatement Parse(ReadOnlyMemory<byte> json)
    {
        var statement = ProtoJson.Parse(json, "in-toto statement", SigstoreFailureKind.BundleInvalid);
        var type = statement.RequiredString("_type");
        if (type is not (TypeV1 or TypeV01))
        {
            throw statement.Error($"'_type' is '{type}', not an in-toto statement ({TypeV1}).");
        }

        var subjects = new List<InTotoSubject>();
        foreach (var subject in statement.Required("subject").AsArray())
        {
            var digests = new Dictionary<string, string>(StringComparer.Ordinal);
            var digest = subject.RequiredObject("digest");
            foreach (var property in digest.Element.EnumerateObject())
            {
                if (property.Value.ValueKind == JsonValueKind.String)
                {
                    digests[property.Name] = property.Value.GetString()!;
                }
            }

            subjects.Add(new InTotoSubject(subject.OptionalString("name") ?? string.Empty, digests));
        }

        var predicate = statement.TryGet("predicate", out var p) ? p.Element : default;
        return new InTotoStatement(type, subjects, statement.RequiredString("predicateType"), predicate);
    }

    /// <summary>
    /// A v1 statement about one artifact, serialized compactly in the field order cosign writes.
    /// </summary>
    public static byte[] Create(string subjectName, Digest subjectDigest, string predicateType, Action<Utf8JsonWriter>? writePredicate = null)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("_type", TypeV1);
            writer.WriteStartArray("subject");
            writer.WriteStartObject();
            writer.WriteString("name", subjectName);
            writer.WriteStartObject("digest");
            writer.WriteString(subjectDigest.Algorithm, subjectDigest.Encoded);
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteEndArray();
            writer.WriteString("predicateType", predicateType);
            writer.WritePropertyName("predicate");
            if (writePredicate is null)
            {
                writer.WriteStartObject();
                writer.WriteEndObject();
            }
            else
            {
                writePredicate(writer);
            }

            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
