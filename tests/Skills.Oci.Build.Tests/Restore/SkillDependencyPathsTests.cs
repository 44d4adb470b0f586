using System.Text;
using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Restore;

namespace Skills.Oci.Build.Tests.Restore;

/// <summary><c>skills-oci why</c>'s answer from a lock: every path from a project, through collections and requiring skills, in ordinal order.</summary>
public sealed class SkillDependencyPathsTests
{
    private const string LockPath = "/repo/skills.lock.json";

    private static RegistryLockSource Source(string name, string tag) =>
        new("ghcr.io", "acme/" + name, tag, Digest.ComputeSha256(Encoding.UTF8.GetBytes(name + tag)));

    private static LockEntry Entry(string name, string tag, string[] projects, string? collection = null, params string[] requiredBy) => new()
    {
        Name = name,
        Path = LockEntry.PrimaryPath(name),
        Source = Source(name, tag),
        InstalledAt = "2026-04-02T08:11:09Z",
        Requests = projects.Select(p => new LockRequest(p, tag)).ToList(),
        Collection = collection,
        RequiredBy = requiredBy,
    };

    /// <summary>App references review and the collection dev-tools (lint, pdf), Lib dev-tools; review and lint require grilling, which requires helper.</summary>
    private static LockFile Example() => new()
    {
        Skills =
        [
            Entry("grilling", "1.1.0", ["src/App/App.csproj", "src/Lib/Lib.csproj"], null, "lint", "review"),
            Entry("helper", "2.0.0", ["src/App/App.csproj", "src/Lib/Lib.csproj"], null, "grilling"),
            Entry("lint", "1.4.0", ["src/App/App.csproj", "src/Lib/Lib.csproj"], "dev-tools"),
            Entry("pdf", "1.0.0", ["src/App/App.csproj", "src/Lib/Lib.csproj"], "dev-tools"),
            Entry("review", "1.0.0", ["src/App/App.csproj"]),
        ],
        Collections =
        [
            new CollectionLockEntry
            {
                Name = "dev-tools",
                Source = Source("dev-tools", "1.0.0"),
                Requests = [new LockRequest("src/App/App.csproj", "1.0.0"), new LockRequest("src/Lib/Lib.csproj", "1.0.0")],
                Members = ["lint", "pdf"],
            },
        ],
    };

    private static List<string> Why(LockFile lockFile, string name) =>
        SkillDependencyPaths.Find(lockFile, name, LockPath).Select(p => p.ToString()).ToList();

    [Fact]
    public void A_transitive_dependency_has_one_path_per_project_and_requirer_through_collections_sorted()
    {
        Assert.Equal(
            [
                "src/App/App.csproj > collection dev-tools 1.0.0 > lint 1.4.0 > grilling 1.1.0 > helper 2.0.0",
                "src/App/App.csproj > review 1.0.0 > grilling 1.1.0 > helper 2.0.0",
                "src/Lib/Lib.csproj > collection dev-tools 1.0.0 > lint 1.4.0 > grilling 1.1.0 > helper 2.0.0",
            ],
            Why(Example(), "helper"));
    }

    [Fact]
    public void A_direct_reference_and_a_collection_are_paths_of_one_step()
    {
        Assert.Equal(["src/App/App.csproj > review 1.0.0"], Why(Example(), "review"));
        Assert.Equal(["src/App/App.csproj > collection dev-tools 1.0.0", "src/Lib/Lib.csproj > collection dev-tools 1.0.0"], Why(Example(), "dev-tools"));
        var steps = SkillDependencyPaths.Find(Example(), "pdf", LockPath)[0].Steps;
        Assert.Equal([SkillPathStepKind.Collection, SkillPathStepKind.Skill], steps.Select(s => s.Kind));
    }

    [Fact]
    public void An_unknown_name_is_a_coded_error_listing_the_known_names()
    {
        var error = Assert.Throws<SkillsOciException>(() => SkillDependencyPaths.Find(Example(), "grillng", LockPath));

        Assert.Equal(ErrorCodes.WhyUnknownSkill, error.Diagnostic.Code);
        Assert.Equal(LockPath, error.Diagnostic.File);
        Assert.Contains("It knows: dev-tools, grilling, helper, lint, pdf, review.", error.Message, StringComparison.Ordinal);
        Assert.Contains("Restore first", Assert.Throws<SkillsOciException>(() => SkillDependencyPaths.Find(LockFile.Empty, "pdf", LockPath)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_hand_edited_cycle_ends_each_path_instead_of_looping()
    {
        var lockFile = new LockFile
        {
            Skills =
            [
                Entry("a", "1.0.0", ["src/App/App.csproj"], null, "b"),
                Entry("b", "1.0.0", ["src/App/App.csproj"], null, "a"),
            ],
        };

        Assert.Empty(Why(lockFile, "a"));
    }
}
