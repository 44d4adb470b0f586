using System.Text;
using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Restore;
using Skills.Oci.Build.Security;
using Skills.Oci.Build.Tests.Sigstore;

namespace Skills.Oci.Build.Tests.Security;

/// <summary>The policy over findings (modes, allow lists), the lock's scan record and the SARIF report.</summary>
public sealed class SecurityPolicyTests
{
    private static readonly string Corpus = RepositoryRoot.File("testassets/security-corpus");

    private static Task<SkillScanResult> ScanCaseAsync(string name) =>
        SkillContentScanner.ScanFolderAsync(Path.Combine(Corpus, name, "skill"), CancellationToken.None);

    [Fact]
    public async Task Warn_makes_warnings_and_messages_block_makes_errors_of_high_findings_only_and_an_allow_list_accepts_them()
    {
        var result = await ScanCaseAsync("wget-pipe-bash-script");
        string Locate(string file) => "/root/.agents/skills/x/" + file;

        var warn = ScanEvaluator.Evaluate("x", result, SecurityMode.Warn, FindingAllowList.None, Locate);
        Assert.False(warn.Blocked);
        Assert.All(warn.Diagnostics, d => Assert.Equal(DiagnosticSeverity.Warning, d.Severity));
        Assert.Equal(["SKOCI5150", "SKOCI5161", "SKOCI5150"], warn.Diagnostics.Select(d => d.Code));
        Assert.Equal("/root/.agents/skills/x/setup.sh", warn.Diagnostics[0].File);
        Assert.Equal((2, 1), (warn.Diagnostics[0].Line, warn.Diagnostics[0].Column));
        // Info findings (the script, the https endpoint) are messages, not warnings.
        Assert.Equal(2, warn.Messages.Count);

        var block = ScanEvaluator.Evaluate("x", result, SecurityMode.Block, FindingAllowList.None, Locate);
        Assert.True(block.Blocked);
        Assert.Equal(["SKOCI5150", "SKOCI5150"], block.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.Code));
        Assert.Equal(["SKOCI5161"], block.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Warning).Select(d => d.Code));

        var allow = FindingAllowList.Parse("SKOCI5150; skoci5161", "The installer is ours, served from our own host", "The SkillReference 'x'", null);
        var allowed = ScanEvaluator.Evaluate("x", result, SecurityMode.Block, allow, Locate);
        Assert.False(allowed.Blocked);
        Assert.Empty(allowed.Diagnostics);
        Assert.Equal([new AllowedFinding("SKOCI5150", "The installer is ours, served from our own host"), new AllowedFinding("SKOCI5161", "The installer is ours, served from our own host")], allowed.Record.Allowed);
        Assert.Equal([new("SKOCI5120", 1), new("SKOCI5150", 2), new("SKOCI5160", 1), new KeyValuePair<string, int>("SKOCI5161", 1)], allowed.Record.Findings);
    }

    [Theory]
    [InlineData("SKOCI5101", null, "without AllowReason")]
    [InlineData(null, "because", "AllowReason without AllowFinding")]
    [InlineData("SKOCI3001", "because", "is no scan finding code")]
    public void An_incomplete_allow_list_is_SKOCI5190(string? codes, string? reason, string expected)
    {
        var error = Assert.Throws<SkillsOciException>(() => FindingAllowList.Parse(codes, reason, "The SkillReference 'x'", "App.csproj"));
        Assert.Equal(ErrorCodes.ScanAllowIncomplete, error.Code);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Equal("App.csproj", error.Diagnostic.File);
    }

    [Theory]
    [InlineData("", SecurityMode.Warn)]
    [InlineData("WARN", SecurityMode.Warn)]
    [InlineData("block", SecurityMode.Block)]
    [InlineData(" off ", SecurityMode.Off)]
    public void SkillsSecurityMode_parses_its_three_values(string text, SecurityMode expected) =>
        Assert.Equal(expected, SecurityModes.Parse(text, null));

    [Fact]
    public void An_unknown_SkillsSecurityMode_is_SKOCI5191() =>
        Assert.Equal(ErrorCodes.ScanSettingInvalid, Assert.Throws<SkillsOciException>(() => SecurityModes.Parse("strict", "App.csproj")).Code);

    [Fact]
    public void The_lock_writes_the_scan_record_in_a_stable_order_and_reads_it_back()
    {
        var record = new ScanRecord("skills-oci-scan/1.2.3", [new("SKOCI5101", 2), new("SKOCI5160", 1)], [new AllowedFinding("SKOCI5101", "Reviewed: the tags are a flag")]);
        var lockFile = new LockFile
        {
            GeneratedAt = "2026-01-01T00:00:00Z",
            Skills =
            [
                new LockEntry
                {
                    Name = "pdf",
                    Path = ".agents/skills/pdf",
                    Source = new RegistryLockSource("ghcr.io", "acme/pdf", "1.0.0", Build.Oci.Digest.ComputeSha256("x"u8)),
                    InstalledAt = "2026-01-01T00:00:00Z",
                    Requests = [new LockRequest("App.csproj", "1.0.0")],
                    Scan = record,
                },
                new LockEntry
                {
                    Name = "clean",
                    Path = ".agents/skills/clean",
                    Source = new RegistryLockSource("ghcr.io", "acme/clean", "1.0.0", Build.Oci.Digest.ComputeSha256("y"u8)),
                    InstalledAt = "2026-01-01T00:00:00Z",
                    Requests = [new LockRequest("App.csproj", "1.0.0")],
                    Scan = new ScanRecord("skills-oci-scan/1.2.3", [], []),
                },
            ],
        };

        var text = Encoding.UTF8.GetString(lockFile.Serialize());
        Assert.Contains("""
                  "scan": {
                    "scanner": "skills-oci-scan/1.2.3",
                    "findings": {
                      "SKOCI5101": 2,
                      "SKOCI5160": 1
                    },
                    "allowed": [
                      {
                        "code": "SKOCI5101",
                        "reason": "Reviewed: the tags are a flag"
                      }
                    ]
                  }
            """.Replace("\r\n", "\n", StringComparison.Ordinal), text, StringComparison.Ordinal);
        // Empty parts are left out.
        Assert.Contains("\"scan\": {\n        \"scanner\": \"skills-oci-scan/1.2.3\"\n      }", text, StringComparison.Ordinal);

        var read = LockFile.Parse(Encoding.UTF8.GetBytes(text), "skills.lock.json");
        Assert.Equal(record, read.Find("pdf")!.Scan);
        Assert.True(read.SameContentAs(lockFile));
        Assert.False(read.SameContentAs(lockFile with { Skills = [lockFile.Skills[0] with { Scan = null }, lockFile.Skills[1]] }));
    }

    [Fact]
    public void A_malformed_scan_record_is_SKOCI3_invalid_lock_at_its_line()
    {
        var text = """
            {
              "lockfileVersion": 1,
              "skills": [
                { "name": "pdf", "path": ".agents/skills/pdf",
                  "source": { "registry": "ghcr.io", "repository": "acme/pdf", "tag": "1.0.0", "digest": "sha256:2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881" },
                  "scan": { "scanner": "skills-oci-scan/1", "findings": { "SKOCI5101": "two" } } }
              ]
            }
            """;
        var error = Assert.Throws<SkillsOciException>(() => LockFile.Parse(Encoding.UTF8.GetBytes(text), "skills.lock.json"));
        Assert.Equal(ErrorCodes.InvalidLockFile, error.Code);
        Assert.Equal(6, error.Diagnostic.Line);
    }

    [NodeFact]
    public async Task The_SARIF_report_is_valid_SARIF_2_1_0_with_rules_locations_and_suppressions()
    {
        using var temp = new TempFolder("sarif");
        var hooks = await ScanCaseAsync("hooks-claude-settings");
        var tags = await ScanCaseAsync("tag-characters");
        var path = temp.Combine("out", "skills.sarif");

        await SarifReport.WriteAsync(path, temp.Path,
        [
            new ScannedSkill("tags", ".agents/skills/tags", tags, FindingAllowList.None),
            new ScannedSkill("hooks", ".agents/skills/hooks", hooks, FindingAllowList.Parse("SKOCI5140", "Our own formatter hook", "x", null)),
        ], CancellationToken.None);

        var log = await SarifValidator.AssertValidAsync(path);
        var run = log.GetProperty("runs")[0];
        Assert.Equal("skills-oci-scan", run.GetProperty("tool").GetProperty("driver").GetProperty("name").GetString());
        Assert.Equal(ScanCodes.All.Count, run.GetProperty("tool").GetProperty("driver").GetProperty("rules").GetArrayLength());
        var results = run.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(3, results.Count);
        var hook = results[0];
        Assert.Equal("SKOCI5140", hook.GetProperty("ruleId").GetString());
        Assert.Equal(".agents/skills/hooks/.claude/settings.json", hook.GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("artifactLocation").GetProperty("uri").GetString());
        Assert.Equal(3, hook.GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("region").GetProperty("startLine").GetInt32());
        Assert.Equal("Our own formatter hook", hook.GetProperty("suppressions")[0].GetProperty("justification").GetString());
        var tag = results[2];
        Assert.Equal("SKOCI5101", tag.GetProperty("ruleId").GetString());
        Assert.Equal("error", tag.GetProperty("level").GetString());
        Assert.False(tag.TryGetProperty("suppressions", out _));
    }
}
