namespace Skills.Oci.Build.Oci;

/// <summary>
/// An OCI tag (distribution's grammar <c>[A-Za-z0-9_][A-Za-z0-9._-]{0,127}</c>): parsed once at the
/// edge, then only valid tags travel inward. Compared ordinally, as registries do.
/// </summary>
public readonly struct Tag : IEquatable<Tag>
{
    public const int MaxLength = 128;

    /// <summary>The grammar in words, for messages that refuse a tag.</summary>
    public const string Rule = "letters, digits, '_', '.', '-'; at most 128 characters, not starting with '.' or '-'";

    private static readonly System.Buffers.SearchValues<char> TagCharacters =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-");

    private readonly string? _value;

    private Tag(string value) => _value = value;

    /// <summary>The tag text; empty for <c>default(Tag)</c>.</summary>
    public string Value => _value ?? string.Empty;

    public bool IsDefault => _value is null;

    public static Tag Parse(string value) =>
        TryParse(value, out var tag, out var error) ? tag : throw new FormatException(error);

    public static bool TryParse(string? value, out Tag tag) => TryParse(value, out tag, out _);

    public static bool TryParse(string? value, out Tag tag, out string error)
    {
        if (IsValid(value))
        {
            tag = new Tag(value!);
            error = string.Empty;
            return true;
        }

        tag = default;
        error = $"'{value}' is not a valid tag ({Rule})";
        return false;
    }

    /// <summary>True when the text follows the tag grammar (no allocation; for callers that keep strings).</summary>
    public static bool IsValid(string? value) =>
        value is { Length: > 0 and <= MaxLength } &&
        (char.IsAsciiLetterOrDigit(value[0]) || value[0] == '_') &&
        value.AsSpan(1).IndexOfAnyExcept(TagCharacters) < 0;

    public override string ToString() => Value;

    public bool Equals(Tag other) => string.Equals(_value, other._value, StringComparison.Ordinal);

    public override bool Equals(object? obj) => obj is Tag other && Equals(other);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Value);

    public static bool operator ==(Tag left, Tag right) => left.Equals(right);

    public static bool operator !=(Tag left, Tag right) => !left.Equals(right);
}
