using System.Text.RegularExpressions;
using NuGet.Versioning;
using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Oci;

namespace Skills.Oci.Build.Packaging;

/// <summary>
/// The publish version of a skill: a strict SemVer 2.0.0 version (the project's <c>Version</c>). It is
/// the config <c>version</c>, the <c>org.opencontainers.image.version</c> annotation, the tag in the
/// pack output's <c>index.json</c>, and the tag pushed.
/// </summary>
/// <remarks>
/// Build metadata (<c>1.2.0+build.5</c>) is valid SemVer and is accepted by pack: the image layout's
/// <c>ref.name</c> grammar allows <c>+</c>, so the layout stays usable (for example with
/// <c>skopeo copy oci:DIR:1.2.0+build.5 docker://REGISTRY/REPO:1.2.0</c>). An OCI registry tag cannot
/// hold <c>+</c>, so the push step calls <see cref="CheckUsableAsRegistryTag"/> and refuses it rather
/// than altering the version.
/// </remarks>
public sealed partial class SkillVersion
{
    private SkillVersion(SemanticVersion version)
    {
        Version = version;
        Text = version.ToFullString();
    }

    public SemanticVersion Version { get; }

    /// <summary>The normalised full version, build metadata included (<c>1.2.0-beta.1+abc</c>).</summary>
    public string Text { get; }

    public bool HasBuildMetadata => Version.HasMetadata;

    public override string ToString() => Text;

    /// <summary>
    /// Parses a project Version. On failure <paramref name="diagnostic"/> says why and what to write;
    /// <paramref name="file"/> (the project file) is where it points.
    /// </summary>
    public static bool TryParse(string? value, string? file, out SkillVersion? version, out Diagnostic? diagnostic)
    {
        version = null;
        diagnostic = null;
        var text = value?.Trim() ?? string.Empty;
        if (text.Length == 0)
        {
            diagnostic = Diagnostic.Error(ErrorCodes.VersionInvalid, "The skill has no Version. Set <Version>1.0.0</Version> (SemVer 2.0) in the project file; it becomes the artifact's tag.", file);
            return false;
        }

        if (SemanticVersion.TryParse(text, out var parsed))
        {
            version = new SkillVersion(parsed);
            return true;
        }

        if (MovingTag().IsMatch(text))
        {
            diagnostic = Diagnostic.Error(ErrorCodes.VersionIsMovingTag, $"The Version '{text}' is a moving tag, not a SemVer 2.0 version. The publish tag must be a full version such as 1.2.0; add '{text}' to SkillAdditionalTags to publish it as an extra tag pointing at the same manifest.", file);
            return false;
        }

        var hint = text.StartsWith('v') || text.StartsWith('V')
            ? $" Drop the leading 'v': write '{text[1..]}'."
            : " Write MAJOR.MINOR.PATCH with an optional '-prerelease', for example 1.2.0 or 1.2.0-beta.1.";
        diagnostic = Diagnostic.Error(ErrorCodes.VersionInvalid, $"The Version '{text}' is not a SemVer 2.0 version.{hint}", file);
        return false;
    }

    /// <summary>
    /// Null when the version can be an OCI registry tag; otherwise the coded error the push step
    /// reports (build metadata: a tag matches <c>[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}</c>, no <c>+</c>).
    /// </summary>
    public Diagnostic? CheckUsableAsRegistryTag(string? file)
    {
        if (!HasBuildMetadata && Tag.IsValid(Text))
        {
            return null;
        }

        return Diagnostic.Error(ErrorCodes.VersionNotATag, $"The Version '{Text}' has build metadata ('+{Version.Metadata}'), which an OCI tag cannot hold. Remove the '+...' part from Version to push (for example '{Version.ToNormalizedString()}'); the packed image layout keeps the full version.", file);
    }

    /// <summary><c>latest</c>, <c>stable</c>, <c>1</c>, <c>1.2</c>: tags that move, never a publish version.</summary>
    [GeneratedRegex(@"^(latest|stable|edge|main|[0-9]+(\.[0-9]+)?)$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex MovingTag();
}
