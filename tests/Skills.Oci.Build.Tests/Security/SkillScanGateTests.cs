using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Restore;
using Skills.Oci.Build.Security;

namespace Skills.Oci.Build.Tests.Security;

/// <summary>Which allow list applies to a lock entry: its own reference's, its collection's, its package's.</summary>
public sealed class SkillScanGateTests
{
    private static readonly Digest Some = Digest.ComputeSha256("x"u8);

    private static SkillRestoreRequest Request(params SkillReferenceItem[] references) =>
        new() { SkillsRoot = Path.GetTempPath(), ProjectPath = Path.Combine(Path.GetTempPath(), "App.csproj"), References = references };

    private static Dictionary<string, string> Allow(string codes, string reason) => new() { ["AllowFinding"] = codes, ["AllowReason"] = reason };

    private static LockEntry Entry(string name, LockSource source, string? collection = null) =>
        new() { Name = name, Path = LockEntry.PrimaryPath(name), Source = source, InstalledAt = "2026-01-01T00:00:00Z", Collection = collection };

    [Fact]
    public void A_reference_a_collection_member_and_a_package_skill_each_get_the_list_of_what_brought_them()
    {
        var request = Request(
            new SkillReferenceItem("ghcr.io/acme/pdf", "1.0.0", Allow("SKOCI5120", "pdf's own script")),
            new SkillReferenceItem("ghcr.io/acme/tools", "1.0.0", Allow("SKOCI5140", "the collection's hook")),
            new SkillReferenceItem("ghcr.io/acme/plain", "1.0.0"));
        var options = new SkillRestoreOptions
        {
            PackageAllowLists = new Dictionary<string, FindingAllowList>(StringComparer.OrdinalIgnoreCase) { ["Acme.Tools"] = FindingAllowList.Parse("SKOCI5160", "docs links", "x", null) },
        };
        var gate = SkillScanGate.Create(request, options, request.ParseReferences());
        var desired = new LockFile { Collections = [new CollectionLockEntry { Name = "tools", Source = new RegistryLockSource("ghcr.io", "acme/tools", "1.0.0", Some) }] };

        Assert.Equal("pdf's own script", gate.AllowListFor(Entry("pdf", new RegistryLockSource("ghcr.io", "acme/pdf", "1.0.0", Some)), desired).ReasonFor("SKOCI5120"));
        Assert.Equal("the collection's hook", gate.AllowListFor(Entry("lint", new RegistryLockSource("ghcr.io", "acme/lint", "1.0.0", Some), collection: "tools"), desired).ReasonFor("SKOCI5140"));
        Assert.Equal("docs links", gate.AllowListFor(Entry("fmt", new NuGetLockSource("acme.tools", "1.0.0", "skills/fmt")), desired).ReasonFor("SKOCI5160"));
        Assert.Empty(gate.AllowListFor(Entry("plain", new RegistryLockSource("ghcr.io", "acme/plain", "1.0.0", Some)), desired).Entries);
    }

    [Fact]
    public void An_incomplete_allow_list_fails_before_anything_is_fetched_and_off_reads_none()
    {
        var request = Request(new SkillReferenceItem("ghcr.io/acme/pdf", "1.0.0", new Dictionary<string, string> { ["AllowFinding"] = "SKOCI5120" }));

        var error = Assert.Throws<SkillsOciException>(() => SkillScanGate.Create(request, new SkillRestoreOptions(), request.ParseReferences()));
        Assert.Equal(ErrorCodes.ScanAllowIncomplete, error.Code);
        Assert.Contains("ghcr.io/acme/pdf", error.Message, StringComparison.Ordinal);

        Assert.Same(SkillScanGate.Off, SkillScanGate.Create(request, new SkillRestoreOptions { SecurityMode = SecurityMode.Off }, request.ParseReferences()));
    }
}
