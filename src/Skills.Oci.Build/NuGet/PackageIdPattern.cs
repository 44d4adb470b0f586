using System.Text.RegularExpressions;

namespace Skills.Oci.Build.NuGet;

/// <summary>
/// A package id pattern, as <c>SkillPackageExclude</c> items and <c>nuget:</c> trust policies write it:
/// <c>*</c> matches any run of characters (ids have no segments), and matching ignores case, as NuGet ids do.
/// </summary>
public sealed class PackageIdPattern
{
    private static readonly TimeSpan RegexTimeout = TimeSpan.FromSeconds(1);

    private readonly Regex _matcher;

    public PackageIdPattern(string pattern)
    {
        Pattern = pattern;
        _matcher = new Regex("^" + string.Join(".*", pattern.Split('*').Select(Regex.Escape)) + "$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase, RegexTimeout);
    }

    public string Pattern { get; }

    /// <summary>The number of literal characters: more is more specific.</summary>
    public int Specificity => Pattern.Count(c => c != '*');

    public bool Matches(string packageId) => _matcher.IsMatch(packageId);

    public override string ToString() => Pattern;
}
