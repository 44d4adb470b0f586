using NuGet.Versioning;
using Skills.Oci.Build.Oci;

namespace Skills.Oci.Build.Restore;

/// <summary>
/// A SkillReference <c>Version</c>, with PackageReference meaning: <c>1.0.0</c> is a minimum resolved
/// to the lowest matching tag, <c>[1.0.0]</c> exact, ranges and floating versions (<c>1.*</c>, <c>*</c>)
/// as NuGet reads them. Text that is not a version range (<c>latest</c>, <c>stable</c>) is an exact tag.
/// </summary>
public sealed class VersionSpec
{
    private VersionSpec(string text, VersionRange? range, string? exactTag)
    {
        Text = text;
        Range = range;
        ExactTag = exactTag;
    }

    /// <summary>The Version exactly as written; recorded as the <c>version</c> of the project's lock request.</summary>
    public string Text { get; }

    /// <summary>The NuGet range, or null when the spec is an exact tag.</summary>
    public VersionRange? Range { get; }

    /// <summary>The tag to match literally when the text is not a version range.</summary>
    public string? ExactTag { get; }

    public static bool TryParse(string? text, out VersionSpec? spec, out string error)
    {
        spec = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "the Version is empty";
            return false;
        }

        text = text.Trim();
        if (VersionRange.TryParse(text, allowFloating: true, out var range))
        {
            spec = new VersionSpec(text, range, null);
            error = string.Empty;
            return true;
        }

        if (Tag.IsValid(text))
        {
            spec = new VersionSpec(text, null, text);
            error = string.Empty;
            return true;
        }

        error = $"'{text}' is neither a NuGet version range (1.0.0, [1.0.0], [1.0,2.0), 1.*) nor a valid tag";
        return false;
    }

    /// <summary>An exact-tag spec, for an Include that carries <c>:tag</c>.</summary>
    public static VersionSpec ForTag(string tag) => new(tag, null, tag);

    /// <summary>
    /// Reads a tag as a version: strict SemVer (<c>1.2.0</c>), optionally prefixed with <c>v</c>. Short alias
    /// tags (<c>1</c>, <c>1.2</c>) point at "the newest of" and are matched only as exact tags.
    /// </summary>
    public static NuGetVersion? ParseTagVersion(string tag)
    {
        var text = tag.Length > 1 && (tag[0] == 'v' || tag[0] == 'V') ? tag[1..] : tag;
        return NuGetVersion.TryParseStrict(text, out var version) ? version : null;
    }

    /// <summary>True when a tag satisfies this spec.</summary>
    public bool IsSatisfiedBy(string tag)
    {
        if (Range is null)
        {
            return string.Equals(tag, ExactTag, StringComparison.Ordinal);
        }

        var version = ParseTagVersion(tag);
        return version is not null && Range.Satisfies(version);
    }

    /// <summary>
    /// Chooses the tag NuGet would choose among <paramref name="tags"/>: the lowest satisfying version, or
    /// for a floating range the highest matching one. Null when none matches.
    /// </summary>
    public TagMatch? Select(IEnumerable<string> tags)
    {
        var list = tags as IReadOnlyCollection<string> ?? tags.ToList();
        if (Range is null)
        {
            return list.Contains(ExactTag!, StringComparer.Ordinal) ? new TagMatch(ExactTag!, null, IsExactMatch: true) : null;
        }

        var versions = VersionTags(list);
        var best = Range.FindBestMatch(versions.Keys);
        if (best is null)
        {
            return null;
        }

        var exact = Range.IsFloating || !Range.HasLowerBound || Range.MinVersion == best;
        return new TagMatch(versions[best], best, exact);
    }

    /// <summary>Version tags nearest to what was asked, for the "no match" message.</summary>
    public IReadOnlyList<string> NearestTags(IEnumerable<string> tags, int count = 3)
    {
        var versions = VersionTags(tags.ToList());
        var sorted = versions.Keys.OrderBy(v => v).ToList();
        if (Range is null || sorted.Count == 0)
        {
            // An exact tag has no "nearest": the newest versions are the useful hint.
            return sorted.Select(v => versions[v]).TakeLast(count).ToList();
        }

        var anchor = Range.MinVersion ?? Range.MaxVersion;
        var split = anchor is null ? sorted.Count : sorted.FindIndex(v => v >= anchor);
        if (split < 0)
        {
            split = sorted.Count;
        }

        var below = sorted.Take(split).TakeLast(count);
        var above = sorted.Skip(split).Take(count);
        return below.Concat(above).Select(v => versions[v]).ToList();
    }

    public override string ToString() => Text;

    /// <summary>
    /// Maps each version to one tag; when two tags name one version (<c>1.2.0</c> and <c>v1.2.0</c>), the
    /// tag spelled exactly as the normalised version wins, so the choice is stable.
    /// </summary>
    private static Dictionary<NuGetVersion, string> VersionTags(IEnumerable<string> tags)
    {
        var result = new Dictionary<NuGetVersion, string>();
        foreach (var tag in tags.OrderBy(t => t, StringComparer.Ordinal))
        {
            var version = ParseTagVersion(tag);
            if (version is null)
            {
                continue;
            }

            if (!result.TryGetValue(version, out var existing) ||
                (existing != version.ToNormalizedString() && tag == version.ToNormalizedString()))
            {
                result[version] = tag;
            }
        }

        return result;
    }
}

/// <summary>The tag chosen for a spec, its version when it is one, and whether it is exactly what was asked.</summary>
public sealed record TagMatch(string Tag, NuGetVersion? Version, bool IsExactMatch);
