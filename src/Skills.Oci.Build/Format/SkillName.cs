using System.Text;

namespace Skills.Oci.Build.Format;

/// <summary>How much of a candidate <see cref="SkillName"/> may differ from its normal form.</summary>
public enum SkillNameInput
{
    /// <summary>
    /// A name an author typed (SKILL.md, the project's SkillName): surrounding spaces are trimmed and
    /// the text is NFKC-normalised before the rules apply, as the reference validator does.
    /// </summary>
    Authored,

    /// <summary>
    /// A name read from an artifact or a lock file: it names a folder as it is, so it must already be
    /// in normal form; the same rules apply, and nothing is trimmed or normalised away.
    /// </summary>
    Stored,
}

/// <summary>
/// A skill name as the Agent Skills rules define it: 1–64 characters after NFKC normalisation, lower
/// case, letters, digits and single hyphens, no hyphen at either end. Like the reference validator
/// (skills-ref), "letters" means Unicode letters, so the check is on runes, not on ASCII only. Parsed
/// once; only valid names travel further (archive root, config, annotations). Packing and restore
/// apply this one rule; they differ only in the <see cref="SkillNameInput"/> they read.
/// </summary>
public readonly struct SkillName : IEquatable<SkillName>
{
    public const int MaxLength = 64;

    private SkillName(string value) => Value = value;

    /// <summary>The NFKC-normalised name.</summary>
    public string Value { get; }

    /// <summary>NFKC, as the reference validator compares names (and folder names) in that form.</summary>
    public static string Normalize(string value) => value.Trim().Normalize(NormalizationForm.FormKC);

    /// <summary>Every rule the candidate breaks, each as a sentence; empty when it is a valid name.</summary>
    public static IReadOnlyList<string> FindProblems(string candidate, SkillNameInput input = SkillNameInput.Authored)
    {
        var problems = new List<string>();
        var name = input == SkillNameInput.Authored ? Normalize(candidate) : candidate;
        if (input == SkillNameInput.Stored && !string.Equals(name, Normalize(name), StringComparison.Ordinal))
        {
            problems.Add($"The skill name '{name}' is not in normal form (NFKC, no surrounding spaces); it would name a different folder than it shows.");
        }

        if (name.Length == 0)
        {
            problems.Add("The skill name is empty.");
            return problems;
        }

        var length = name.EnumerateRunes().Count();
        if (length > MaxLength)
        {
            problems.Add($"The skill name '{name}' is {length} characters long; at most {MaxLength} are allowed.");
        }

        if (!string.Equals(name, name.ToLowerInvariant(), StringComparison.Ordinal))
        {
            problems.Add($"The skill name '{name}' must be lower case.");
        }

        if (name.StartsWith('-') || name.EndsWith('-'))
        {
            problems.Add($"The skill name '{name}' must not start or end with a hyphen.");
        }

        if (name.Contains("--", StringComparison.Ordinal))
        {
            problems.Add($"The skill name '{name}' must not contain consecutive hyphens.");
        }

        var invalid = name.EnumerateRunes().Where(r => r.Value != '-' && !Rune.IsLetterOrDigit(r)).Distinct().ToList();
        if (invalid.Count > 0)
        {
            problems.Add($"The skill name '{name}' contains {string.Join(", ", invalid.Select(r => $"'{r}'"))}; only letters, digits and hyphens are allowed.");
        }

        return problems;
    }

    public static bool TryParse(string? candidate, out SkillName name) => TryParse(candidate, SkillNameInput.Authored, out name);

    public static bool TryParse(string? candidate, SkillNameInput input, out SkillName name)
    {
        name = default;
        if (candidate is null || FindProblems(candidate, input).Count > 0)
        {
            return false;
        }

        name = new SkillName(Normalize(candidate));
        return true;
    }

    public static SkillName Parse(string candidate) =>
        TryParse(candidate, out var name) ? name : throw new FormatException(string.Join(" ", FindProblems(candidate)));

    public override string ToString() => Value ?? string.Empty;

    public bool Equals(SkillName other) => string.Equals(Value, other.Value, StringComparison.Ordinal);

    public override bool Equals(object? obj) => obj is SkillName other && Equals(other);

    public override int GetHashCode() => Value is null ? 0 : StringComparer.Ordinal.GetHashCode(Value);

    public static bool operator ==(SkillName left, SkillName right) => left.Equals(right);

    public static bool operator !=(SkillName left, SkillName right) => !left.Equals(right);
}
