using System.Text;
using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Trust;
using Skills.Oci.Build.Trust.DenyLists;

namespace Skills.Oci.Build.Tests.Revocation;

/// <summary>The deny list format: what parses, what is refused with SKOCI5200, and what each kind of entry matches.</summary>
public sealed class DenyListTests
{
    private static readonly Digest Pdf = Digest.ComputeSha256("pdf"u8);
    private static readonly Digest Other = Digest.ComputeSha256("other"u8);

    private static DenyList Parse(string json) => DenyList.Parse(Encoding.UTF8.GetBytes(json), "test");

    [Fact]
    public void Entries_match_by_digest_by_name_pattern_and_by_repository_pattern()
    {
        var list = Parse($$"""
            [
              { "digest": "{{Pdf}}", "reason": "CVE-1" },
              { "name": "evil-*", "reason": "typosquats", "addedBy": "security" },
              { "repository": "ghcr.io/bad/**", "reason": "compromised org" }
            ]
            """);

        Assert.Equal(3, list.Entries.Count);
        Assert.Equal("CVE-1", list.Find("pdf", "ghcr.io/acme/pdf", [Pdf])!.Reason);
        Assert.Null(list.Find("pdf", "ghcr.io/acme/pdf", [Other]));
        Assert.Equal("typosquats", list.Find("evil-pdf", null, [])!.Reason);
        Assert.Null(list.Find("not-evil-pdf", null, []));
        Assert.Equal("compromised org", list.Find("lint", "ghcr.io/bad/team/lint", [Other])!.Reason);
        Assert.Null(list.Find("lint", "ghcr.io/good/lint", [Other]));
        // A repository entry never matches a package skill (no repository).
        Assert.Null(list.Find("lint", null, [Other]));
    }

    [Fact]
    public void An_empty_array_is_a_list_that_denies_nothing()
    {
        Assert.Empty(Parse("[]").Entries);
    }

    [Theory]
    [InlineData("{}", "not a JSON array")]
    [InlineData("[1]", "entry 0 is not an object")]
    [InlineData("""[{"reason":"x"}]""", "exactly one of")]
    [InlineData("""[{"name":"a","digest":"sha256:00","reason":"x"}]""", "exactly one of")]
    [InlineData("""[{"name":"a"}]""", "no 'reason'")]
    [InlineData("""[{"name":"a","reason":""}]""", "'reason' that is not a non-empty string")]
    [InlineData("""[{"digest":"md5:abc","reason":"x"}]""", "is not valid")]
    [InlineData("not json", "not JSON")]
    public void A_malformed_list_is_SKOCI5200_saying_what_is_wrong(string json, string expected)
    {
        var ex = Assert.Throws<SkillsOciException>(() => Parse(json));

        Assert.Equal(ErrorCodes.DenyListInvalid, ex.Code);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }
}
