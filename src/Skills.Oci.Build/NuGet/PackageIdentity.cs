using NuGet.Versioning;

namespace Skills.Oci.Build.NuGet;

/// <summary>
/// A package id and its normalized version, as NuGet writes them in project.assets.json. Ids compare
/// case-insensitively, as NuGet compares them; the global packages folder spells both in lower case.
/// </summary>
public sealed record PackageIdentity
{
    private PackageIdentity(string id, NuGetVersion version)
    {
        Id = id;
        SemanticVersion = version;
    }

    public string Id { get; }

    public NuGetVersion SemanticVersion { get; }

    /// <summary>The normalized version text (<c>1.2.0</c>, <c>2.0.0-beta.1</c>).</summary>
    public string Version => SemanticVersion.ToNormalizedString();

    /// <summary><c>&lt;id&gt;/&lt;version&gt;</c> in lower case: the package's folder under a packages folder.</summary>
    public string FolderPath => $"{Id.ToLowerInvariant()}/{Version.ToLowerInvariant()}";

    public static bool TryCreate(string? id, string? version, out PackageIdentity? identity)
    {
        identity = null;
        if (string.IsNullOrWhiteSpace(id) || id.Trim() != id || id.IndexOfAny(['/', '\\', ':', '*', '?']) >= 0 || id is "." or ".." ||
            !NuGetVersion.TryParse(version, out var parsed))
        {
            return false;
        }

        identity = new PackageIdentity(id, parsed);
        return true;
    }

    public bool Equals(PackageIdentity? other) =>
        other is not null && string.Equals(Id, other.Id, StringComparison.OrdinalIgnoreCase) && SemanticVersion == other.SemanticVersion;

    public override int GetHashCode() => HashCode.Combine(StringComparer.OrdinalIgnoreCase.GetHashCode(Id), SemanticVersion);

    public override string ToString() => $"{Id} {Version}";
}
