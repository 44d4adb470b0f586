using System.Text.Json;
using System.Text.RegularExpressions;

namespace Skills.Oci.Build.Tests.Renovate;

/// <summary>One dependency a custom manager extracted, with its templates applied, as Renovate records it.</summary>
internal sealed record RenovateDependency(
    int Manager,
    string DepName,
    string PackageName,
    string RegistryUrl,
    string CurrentValue,
    string Datasource,
    string Versioning,
    string DepType,
    string ReplaceString);

/// <summary>
/// renovate/skills-oci.json read and applied with Renovate's regex-manager semantics: a manager reads a
/// file when one of its <c>fileMatch</c> patterns matches the repository-relative path; every
/// <c>matchStrings</c> pattern runs globally over the file (strategy "any"); each match's named groups
/// fill the fields and the <c>*Template</c> fields are rendered from them; the whole match is the
/// replaceString in which an update replaces currentValue. The patterns use only constructs that
/// Renovate's engines (RE2, else JavaScript) and .NET read the same way (<see cref="PortablePattern"/>).
/// </summary>
internal sealed partial class RenovatePreset
{
    private RenovatePreset(JsonElement root) => Root = root;

    public static string PresetPath => RepositoryRoot.File("renovate/skills-oci.json");

    public JsonElement Root { get; }

    public IReadOnlyList<JsonElement> Managers => Root.GetProperty("customManagers").EnumerateArray().ToList();

    public static RenovatePreset Load()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(PresetPath));
        return new RenovatePreset(document.RootElement.Clone());
    }

    /// <summary>Every pattern of the preset (fileMatch and matchStrings).</summary>
    public IEnumerable<string> Patterns() =>
        Managers.SelectMany(m => Strings(m, "fileMatch").Concat(Strings(m, "matchStrings")));

    /// <summary>What the managers extract from a file at <paramref name="relativePath"/> ('/' separators).</summary>
    public IReadOnlyList<RenovateDependency> Extract(string relativePath, string content)
    {
        var dependencies = new List<RenovateDependency>();
        for (var index = 0; index < Managers.Count; index++)
        {
            var manager = Managers[index];
            if (!Strings(manager, "fileMatch").Any(pattern => Regex.IsMatch(relativePath, pattern)))
            {
                continue;
            }

            foreach (var pattern in Strings(manager, "matchStrings"))
            {
                var regex = new Regex(pattern);
                foreach (Match match in regex.Matches(content))
                {
                    var groups = regex.GetGroupNames()
                        .Where(name => !int.TryParse(name, out _) && match.Groups[name].Success)
                        .ToDictionary(name => name, name => match.Groups[name].Value, StringComparer.Ordinal);
                    dependencies.Add(new RenovateDependency(
                        index,
                        Field(manager, "depName", groups),
                        Field(manager, "packageName", groups),
                        Field(manager, "registryUrl", groups),
                        Field(manager, "currentValue", groups),
                        Field(manager, "datasource", groups),
                        Field(manager, "versioning", groups),
                        Field(manager, "depType", groups),
                        match.Value));
                }
            }
        }

        return dependencies;
    }

    /// <summary>Renovate's update of one dependency: currentValue replaced by the new value inside its replaceString.</summary>
    public static string Apply(string content, RenovateDependency dependency, string newValue)
    {
        var at = content.IndexOf(dependency.ReplaceString, StringComparison.Ordinal);
        Assert.True(at >= 0, "replaceString not found in the file");
        var replaced = dependency.ReplaceString.Replace(dependency.CurrentValue, newValue, StringComparison.Ordinal);
        return string.Concat(content.AsSpan(0, at), replaced, content.AsSpan(at + dependency.ReplaceString.Length));
    }

    /// <summary>
    /// The fields of a template: only <c>{{{group}}}</c> placeholders are used (rendered verbatim, as
    /// Handlebars' triple-stash does), so no Handlebars helper needs emulating here.
    /// </summary>
    public IEnumerable<string> Templates() =>
        Managers.SelectMany(m => m.EnumerateObject().Where(p => p.Name.EndsWith("Template", StringComparison.Ordinal)).Select(p => p.Value.GetString()!));

    private static string Field(JsonElement manager, string field, Dictionary<string, string> groups)
    {
        if (manager.TryGetProperty(field + "Template", out var template))
        {
            return Placeholder().Replace(template.GetString()!, m => groups.TryGetValue(m.Groups["name"].Value, out var value) ? value : string.Empty);
        }

        return groups.TryGetValue(field, out var group) ? group : string.Empty;
    }

    private static IEnumerable<string> Strings(JsonElement manager, string property) =>
        manager.TryGetProperty(property, out var values) ? values.EnumerateArray().Select(v => v.GetString()!) : [];

    [GeneratedRegex(@"\{\{\{(?<name>[A-Za-z]+)\}\}\}")]
    internal static partial Regex Placeholder();
}
