using System.Reflection;
using System.Text.RegularExpressions;
using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Tests.Infrastructure;

namespace Skills.Oci.Build.Tests.Architecture;

/// <summary>
/// One error model: every code is a constant of <see cref="ErrorCodes"/> with a one-line meaning and a
/// page docs/errors/CODE.md, every page belongs to a code, and the help link in messages leads to it.
/// </summary>
public sealed partial class ErrorCodePagesTests
{
    /// <summary>
    /// Constants that deliberately share their code with another constant, by name. None today: an
    /// alias would go here, with its reason, so that two codes never collide by accident.
    /// </summary>
    private static readonly HashSet<string> Aliases = [];

    private static readonly string PagesFolder = RepositoryRoot.File(Path.Combine("docs", "errors"));

    private static List<(string Name, string Code)> Constants() =>
        typeof(ErrorCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(field => field.IsLiteral && field.GetRawConstantValue() is string value && CodePattern().IsMatch(value))
            .Select(field => (field.Name, (string)field.GetRawConstantValue()!))
            .ToList();

    private static List<string> Pages() =>
        Directory.EnumerateFiles(PagesFolder, "*.md").Select(Path.GetFileNameWithoutExtension).OfType<string>().ToList();

    [Fact]
    public void Every_code_has_its_page()
    {
        Assert.True(Constants().Count > 90, "the codes were not found by reflection");

        var missing = Constants().Where(constant => !File.Exists(Path.Combine(PagesFolder, constant.Code + ".md")))
            .Select(constant => $"{constant.Name} = {constant.Code}");

        Assert.Empty(missing);
    }

    [Fact]
    public void Every_page_belongs_to_a_code_and_is_titled_with_it()
    {
        var codes = Constants().Select(constant => constant.Code).ToHashSet();

        var orphans = Pages().Where(page => !codes.Contains(page)).ToList();
        var mistitled = Pages().Where(page => !File.ReadLines(Path.Combine(PagesFolder, page + ".md")).First().StartsWith($"# {page}: ", StringComparison.Ordinal)).ToList();

        Assert.Empty(orphans);
        Assert.Empty(mistitled);
    }

    [Fact]
    public void No_two_codes_share_a_value_unless_one_is_an_alias()
    {
        var shared = Constants()
            .Where(constant => !Aliases.Contains(constant.Name))
            .GroupBy(constant => constant.Code)
            .Where(group => group.Count() > 1)
            .Select(group => $"{group.Key}: {string.Join(", ", group.Select(constant => constant.Name))}");

        Assert.Empty(shared);
    }

    [Fact]
    public void Every_code_constant_states_its_meaning_in_a_summary()
    {
        var sources = Directory.EnumerateFiles(RepositoryRoot.File(Path.Combine("src", "Skills.Oci.Build", "Diagnostics")), "ErrorCodes*.cs");
        var undocumented = sources.SelectMany(source =>
        {
            var lines = File.ReadAllLines(source);
            return lines.Select((line, index) => (line, index))
                .Where(entry => ConstantDeclaration().IsMatch(entry.line) && (entry.index == 0 || !lines[entry.index - 1].TrimStart().StartsWith("///", StringComparison.Ordinal)))
                .Select(entry => $"{Path.GetFileName(source)}: {entry.line.Trim()}");
        });

        Assert.Empty(undocumented);
    }

    [Fact]
    public void The_help_link_of_a_code_leads_to_its_page_in_this_repository()
    {
        var code = ErrorCodes.SkillNameInvalid;
        var link = new Uri(ErrorCodes.HelpLink(code));

        // https://github.com/<owner>/<repository>/blob/<branch>/<path in the repository>
        var segments = link.AbsolutePath.Trim('/').Split('/');
        Assert.Equal("github.com", link.Host);
        Assert.Equal("blob", segments[2]);
        var path = string.Join('/', segments.Skip(4));

        Assert.StartsWith(ErrorCodes.HelpLinkBase, link.AbsoluteUri, StringComparison.Ordinal);
        Assert.Equal($"docs/errors/{code}.md", path);
        Assert.True(File.Exists(RepositoryRoot.File(path)), $"{link} names {path}, which is not in the repository");
    }

    [Fact]
    public void Every_code_and_help_link_in_the_MSBuild_files_is_a_constant_with_its_page()
    {
        var files = new[] { Path.Combine("src", "Skills.Oci.Sdk"), Path.Combine("src", "Skills.Oci.Build", "build") }
            .SelectMany(folder => Directory.EnumerateFiles(RepositoryRoot.File(folder), "*.*", SearchOption.AllDirectories))
            .Where(file => file.EndsWith(".props", StringComparison.Ordinal) || file.EndsWith(".targets", StringComparison.Ordinal))
            .ToList();
        var named = files.SelectMany(file => CodeInMSBuild().Matches(File.ReadAllText(file))
                .Select(match => (File: Path.GetFileName(file), match.Value, Code: match.Groups["code"].Value)))
            .ToList();

        var codes = Constants().Select(constant => constant.Code).ToHashSet();

        var notConstants = named.Where(use => !codes.Contains(use.Code)).ToList();
        var withoutPage = named.Where(use => !File.Exists(Path.Combine(PagesFolder, use.Code + ".md"))).ToList();
        var otherLinks = named.Where(use => use.Value.StartsWith("https:", StringComparison.Ordinal) && use.Value != ErrorCodes.HelpLink(use.Code)).ToList();

        Assert.NotEmpty(named);
        Assert.Empty(notConstants);
        Assert.Empty(withoutPage);
        Assert.Empty(otherLinks);
    }

    [GeneratedRegex(@"^SKOCI[0-9]{4}$")]
    private static partial Regex CodePattern();

    [GeneratedRegex(@"public const string \w+ = ""SKOCI[0-9]{4}"";")]
    private static partial Regex ConstantDeclaration();

    // A code in Code="..." or HelpKeyword="...", or a help link to its page.
    [GeneratedRegex(@"(?:Code|HelpKeyword)=""(?<code>SKOCI[0-9]{4})""|https://\S+?/(?<code>SKOCI[0-9]{4})\.md")]
    private static partial Regex CodeInMSBuild();
}
