using System.Globalization;
using System.Text.Json;

namespace Skills.Oci.Build.Sigstore.Serialization;

/// <summary>
/// Reads the protobuf JSON mapping the Sigstore formats use: int64 values may be strings or numbers,
/// bytes are base64, and a field may be spelled in lowerCamelCase or with its proto snake_case name.
/// Every failure is a <see cref="SigstoreException"/> with the caller's failure kind and the field's path.
/// </summary>
internal readonly struct ProtoJson
{
    private readonly JsonElement _element;
    private readonly string _path;
    private readonly SigstoreFailureKind _kind;

    public ProtoJson(JsonElement element, string path, SigstoreFailureKind kind)
    {
        _element = element;
        _path = path;
        _kind = kind;
    }

    public JsonElement Element => _element;

    public string Path => _path;

    public bool IsObject => _element.ValueKind == JsonValueKind.Object;

    public static ProtoJson Parse(ReadOnlyMemory<byte> utf8, string what, SigstoreFailureKind kind)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException e)
        {
            throw new SigstoreException(kind, $"The {what} is not valid JSON: {e.Message}", innerException: e);
        }

        using (document)
        {
            var root = document.RootElement.Clone();
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new SigstoreException(kind, $"The {what} must be a JSON object.");
            }

            return new ProtoJson(root, what, kind);
        }
    }

    public SigstoreException Error(string message) => new(_kind, $"{_path}: {message}");

    public bool TryGet(string camelName, out ProtoJson value)
    {
        if (_element.ValueKind == JsonValueKind.Object &&
            (_element.TryGetProperty(camelName, out var found) || _element.TryGetProperty(ToSnake(camelName), out found)) &&
            found.ValueKind != JsonValueKind.Null)
        {
            value = new ProtoJson(found, $"{_path}.{camelName}", _kind);
            return true;
        }

        value = default;
        return false;
    }

    public ProtoJson Required(string camelName) =>
        TryGet(camelName, out var value) ? value : throw Error($"the field '{camelName}' is required.");

    public ProtoJson RequiredObject(string camelName)
    {
        var value = Required(camelName);
        return value.IsObject ? value : throw value.Error("must be an object.");
    }

    public string? OptionalString(string camelName) => TryGet(camelName, out var value) ? value.AsString() : null;

    public string RequiredString(string camelName) => Required(camelName).AsString();

    public string AsString() =>
        _element.ValueKind == JsonValueKind.String ? _element.GetString()! : throw Error("must be a string.");

    public long AsInt64()
    {
        switch (_element.ValueKind)
        {
            case JsonValueKind.Number when _element.TryGetInt64(out var number):
                return number;
            case JsonValueKind.String when long.TryParse(_element.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed):
                return parsed;
            default:
                throw Error("must be a 64-bit integer.");
        }
    }

    public long? OptionalInt64(string camelName) => TryGet(camelName, out var value) ? value.AsInt64() : null;

    public byte[] AsBytes()
    {
        var text = AsString();
        if (Base64Text.TryDecode(text, out var bytes))
        {
            return bytes;
        }

        throw Error("is not valid base64.");
    }

    public byte[] RequiredBytes(string camelName) => Required(camelName).AsBytes();

    public byte[]? OptionalBytes(string camelName) => TryGet(camelName, out var value) ? value.AsBytes() : null;

    public IReadOnlyList<ProtoJson> AsArray()
    {
        if (_element.ValueKind != JsonValueKind.Array)
        {
            throw Error("must be an array.");
        }

        var items = new List<ProtoJson>();
        var index = 0;
        foreach (var item in _element.EnumerateArray())
        {
            items.Add(new ProtoJson(item, $"{_path}[{index++}]", _kind));
        }

        return items;
    }

    public IReadOnlyList<ProtoJson> OptionalArray(string camelName) =>
        TryGet(camelName, out var value) ? value.AsArray() : [];

    /// <summary>An RFC 3339 timestamp (protobuf Timestamp), always UTC.</summary>
    public DateTimeOffset AsTimestamp()
    {
        var text = AsString();
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value) &&
            text.Contains('T', StringComparison.Ordinal))
        {
            return value;
        }

        throw Error($"'{text}' is not an RFC 3339 timestamp.");
    }

    private static string ToSnake(string camel)
    {
        var builder = new System.Text.StringBuilder(camel.Length + 4);
        foreach (var c in camel)
        {
            if (char.IsAsciiLetterUpper(c))
            {
                builder.Append('_').Append(char.ToLowerInvariant(c));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }
}
