using System.Text.RegularExpressions;
using System.Xml.Linq;

using Skills.Oci.Build.Tests.Infrastructure;

namespace Skills.Oci.Build.Tests.Sdk;

/// <summary>
/// The prefix rule of docs/msbuild.md ("Names") over every property, item and target the shipped
/// MSBuild files name, so a new name cannot quietly break it; and the contract names stay.
/// </summary>
public sealed partial class MSBuildNameRuleTests
{
    /// <summary>MSBuild idioms that embed the concept instead of starting with it.</summary>
    private static readonly HashSet<string> Idioms = new(StringComparer.Ordinal)
    {
        "UsingSkillsOciSdk", "UsingSkillsOciBuildPackage", "IsSkillProject", "EnableDefaultSkillFileItems",
        // The item issue 12 named: a library's skill, packed into its NuGet package.
        "PackageSkill",
        // Issue 14's name, the twin of NuGet's ManagePackageVersionsCentrally.
        "ManageSkillVersionsCentrally",
    };

    private static readonly string[] ContractProperties =
    [
        "SkillsRoot", "SkillsLockFile", "SkillsAgentDirectories", "SkillsUpdateGitIgnore", "SkillsLockedMode",
        "SkillsCachePath", "SkillsToUpdate", "SkillsRepair", "SkillsRequireSignatures", "SkillsTrustedRoot",
        "SkillRepository", "SkillAdditionalTags", "SkillSigningKey", "SkillSignatureFormats", "SkillName",
        "SkillsOciTasksAssembly", "SkillPackageFormats", "ManageSkillVersionsCentrally",
        "SkillsExportPath", "SkillsSource", "SkillsOutdated", "SkillsListFormat", "SkillsSecurityMode", "SkillsSarifPath",
        "SkillsSbomPath", "SkillProvenance", "SkillSbom", "SkillsIncludeDependencies",
    ];

    private static readonly string[] ContractItems = ["SkillReference", "SkillTrustPolicy", "SkillFile", "PackageSkill", "SkillVersion", "SkillRegistryMirror", "SkillDenyList"];

    private static readonly string[] ContractTargets =
        ["RestoreSkills", "UpdateSkills", "RepairSkills", "VerifySkills", "ValidateSkill", "PackSkill", "PushSkill", "RegisterSkillHooks", "ListSkills", "ExportSkills", "ExportSkillsSbom"];

    private static IEnumerable<string> ShippedFiles()
    {
        var src = Path.Combine(RepositoryRoot.Path, "src");
        return Directory.EnumerateFiles(Path.Combine(src, "Skills.Oci.Sdk", "Sdk"))
            .Concat(Directory.EnumerateFiles(Path.Combine(src, "Skills.Oci.Build", "build")))
            .Append(Path.Combine(src, "TaskPayload.targets"))
            .Order(StringComparer.Ordinal);
    }

    private sealed record Names(HashSet<string> Properties, HashSet<string> Items, HashSet<string> Targets);

    private static Names Collect()
    {
        var names = new Names(new(StringComparer.Ordinal), new(StringComparer.Ordinal), new(StringComparer.Ordinal));
        foreach (var file in ShippedFiles())
        {
            foreach (var element in XDocument.Load(file).Descendants())
            {
                switch (element.Parent?.Name.LocalName)
                {
                    case "PropertyGroup": names.Properties.Add(element.Name.LocalName); break;
                    case "ItemGroup": names.Items.Add(element.Name.LocalName); break;
                }

                if (element.Name.LocalName == "Target")
                {
                    names.Targets.Add((string)element.Attribute("Name")!);
                }

                names.Items.UnionWith(element.Attributes("ItemName").Select(a => a.Value));
                names.Properties.UnionWith(element.Attributes("PropertyName").Select(a => a.Value));
                var text = string.Concat(element.Attributes().Select(a => a.Value + " ")) + string.Concat(element.Nodes().OfType<XText>().Select(t => t.Value));
                foreach (Match reference in Reference().Matches(text))
                {
                    (reference.Groups["kind"].Value == "$" ? names.Properties : names.Items).Add(reference.Groups["name"].Value);
                }
            }
        }

        return names;
    }

    /// <summary>A verb and Skill/Skills, a Get of one of our items, or a name an issue gave (RegisterSkillHooks: a verb and "skill hooks").</summary>
    private static bool IsPublicTarget(string name, Names names) =>
        PublicTarget().IsMatch(name) || ContractTargets.Contains(name) || (name.StartsWith("Get", StringComparison.Ordinal) && names.Items.Contains(name[3..]));

    private static bool FollowsRule(string name, Names names) =>
        name.EndsWith("DependsOn", StringComparison.Ordinal)
            ? name.StartsWith("_SkillsOci", StringComparison.Ordinal) || (names.Targets.Contains(name[..^"DependsOn".Length]) && IsPublicTarget(name[..^"DependsOn".Length], names))
            : Prefixed().IsMatch(name) || Idioms.Contains(name);

    [Fact]
    public void Every_property_and_item_named_for_skills_follows_the_prefix_rule()
    {
        var names = Collect();
        var ours = names.Properties.Concat(names.Items).Where(n => n.Contains("Skill", StringComparison.Ordinal));

        Assert.Empty(ours.Where(n => !FollowsRule(n, names)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Every_target_named_for_skills_is_private_or_a_verb_and_Skill_or_Skills()
    {
        var names = Collect();
        var ours = names.Targets.Where(n => n.Contains("Skill", StringComparison.Ordinal));

        Assert.Empty(ours.Where(n => !n.StartsWith("_SkillsOci", StringComparison.Ordinal) && !IsPublicTarget(n, names)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_contract_names_are_still_there()
    {
        var names = Collect();

        Assert.Empty(ContractProperties.Except(names.Properties));
        Assert.Empty(ContractItems.Except(names.Items));
        Assert.Empty(ContractTargets.Except(names.Targets));
    }

    [GeneratedRegex(@"(?<kind>[$@])\((?<name>[A-Za-z_][A-Za-z0-9_]*)")]
    private static partial Regex Reference();

    [GeneratedRegex("^(_SkillsOci|SkillsOci|Skills|Skill)[A-Z][A-Za-z0-9]*$")]
    private static partial Regex Prefixed();

    [GeneratedRegex("^[A-Z][a-z]+Skills?$")]
    private static partial Regex PublicTarget();
}
