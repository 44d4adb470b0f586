using Skills.Oci.Build.Security;

namespace Skills.Oci.Build.Tests.Security;

/// <summary>
/// The crafted corpus in testassets/security-corpus: each case is a skill folder and the findings it
/// must produce (code, file, line), no more and no fewer; the benign look-alikes expect none.
/// </summary>
public sealed class SecurityCorpusTests
{
    private static readonly string Corpus = RepositoryRoot.File("testassets/security-corpus");

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var folder in Directory.GetDirectories(Corpus).Select(Path.GetFileName).Order(StringComparer.Ordinal))
        {
            data.Add(folder!);
        }

        return data;
    }

    [Fact]
    public void The_corpus_has_at_least_thirty_cases_and_benign_look_alikes()
    {
        var cases = Directory.GetDirectories(Corpus).Select(Path.GetFileName).ToList();
        Assert.True(cases.Count >= 30, $"{cases.Count} cases");
        Assert.Contains(cases, c => c!.StartsWith("benign-", StringComparison.Ordinal));
        // Every finding code is exercised by at least one case.
        var expected = cases.SelectMany(c => Expected(c!)).Select(e => e.Split(' ')[0]).ToHashSet(StringComparer.Ordinal);
        var missing = ScanCodes.All.Select(c => c.Code).Where(c => !expected.Contains(c)).ToList();
        Assert.True(missing.Count == 0, "No case finds " + string.Join(", ", missing));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Each_case_finds_exactly_what_its_expected_file_lists(string name)
    {
        var result = await SkillContentScanner.ScanFolderAsync(Path.Combine(Corpus, name, "skill"), CancellationToken.None);

        var found = result.Findings.Select(f => $"{f.Code} {f.File} {f.Line}").Order(StringComparer.Ordinal).ToList();
        var expected = Expected(name).Order(StringComparer.Ordinal).ToList();
        Assert.True(expected.SequenceEqual(found),
            $"{name}: expected\n  {string.Join("\n  ", expected)}\nfound\n  {string.Join("\n  ", result.Findings.Select(f => $"{f.Code} {f.File} {f.Line}:{f.Column} {f.Message}"))}");
        Assert.All(result.Findings, f => Assert.False(string.IsNullOrWhiteSpace(f.Message)));
    }

    [Fact]
    public async Task The_scan_is_deterministic()
    {
        var folder = Path.Combine(Corpus, "wget-pipe-bash-script", "skill");
        var first = await SkillContentScanner.ScanFolderAsync(folder, CancellationToken.None);
        var second = await SkillContentScanner.ScanFolderAsync(folder, CancellationToken.None);
        Assert.Equal(first.Findings, second.Findings);
        Assert.Equal(["SKOCI5120", "SKOCI5150", "SKOCI5160", "SKOCI5161"], first.Counts.Keys);
        Assert.Equal(2, first.Counts["SKOCI5150"]);
    }

    private static IEnumerable<string> Expected(string name) =>
        File.ReadAllLines(Path.Combine(Corpus, name, "expected.txt"))
            .Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith('#'));
}
