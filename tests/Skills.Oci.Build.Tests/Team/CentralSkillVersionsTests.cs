using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Restore;

namespace Skills.Oci.Build.Tests.Team;

/// <summary><see cref="CentralSkillVersions"/>: SkillVersion items set the versions of Version-less SkillReference items.</summary>
public sealed class CentralSkillVersionsTests
{
    private const string Props = "/repo/Directory.Packages.props";
    private const string Project = "/repo/src/App/App.csproj";

    private static CentralSkillVersions Central(List<Diagnostic> diagnostics, params (string Include, string? Version)[] items) =>
        CentralSkillVersions.Create(items.Select(i => new SkillVersionItem(i.Include, i.Version, Props)), Props, diagnostics);

    private static SkillReferenceItem Reference(string include, string? version = null, string? versionOverride = null) =>
        new(include, version, versionOverride is null ? null : new Dictionary<string, string> { ["VersionOverride"] = versionOverride });

    [Theory]
    [InlineData(null, "true", true)]
    [InlineData("", "TRUE", true)]
    [InlineData(null, null, false)]
    [InlineData("false", "true", false)]
    [InlineData("true", null, true)]
    [InlineData("true", "false", true)]
    public void The_setting_defaults_to_ManagePackageVersionsCentrally(string? skills, string? packages, bool expected) =>
        Assert.Equal(expected, CentralSkillVersions.IsEnabled(skills, packages));

    [Fact]
    public void A_reference_without_Version_takes_the_central_version_matched_by_canonical_name()
    {
        var diagnostics = new List<Diagnostic>();
        var central = Central(diagnostics, ("ghcr.io/acme/skills/pdf", "1.2.0"), ("docker.io/library/review", "[2.0.0]"), ("GHCR.IO/acme/lint", "3.*"));

        var applied = central.Apply([Reference("ghcr.io/acme/skills/pdf"), Reference("review"), Reference("docker.io/review"), Reference("ghcr.io/acme/lint")], Project, diagnostics);

        Assert.Empty(diagnostics);
        Assert.Equal(["1.2.0", "[2.0.0]", "[2.0.0]", "3.*"], applied.Select(r => r.Version));
        Assert.Equal(["docker.io/library/review", "ghcr.io/acme/lint", "ghcr.io/acme/skills/pdf"], central.Repositories);
    }

    [Fact]
    public void VersionOverride_wins_over_the_central_version_and_needs_none()
    {
        var diagnostics = new List<Diagnostic>();
        var central = Central(diagnostics, ("ghcr.io/acme/skills/pdf", "1.2.0"));

        var applied = central.Apply([Reference("ghcr.io/acme/skills/pdf", versionOverride: "[1.0.0]"), Reference("ghcr.io/acme/skills/other", versionOverride: "2.0.0")], Project, diagnostics);

        Assert.Empty(diagnostics);
        Assert.Equal(["[1.0.0]", "2.0.0"], applied.Select(r => r.Version));
        // The metadata stays, so a changed override is a changed reference for the stamp.
        Assert.Equal("[1.0.0]", applied[0].Metadata!["VersionOverride"]);
    }

    [Fact]
    public void A_reference_with_Version_is_refused_pointing_at_VersionOverride_and_the_central_file()
    {
        var diagnostics = new List<Diagnostic>();
        var central = Central(diagnostics, ("ghcr.io/acme/skills/pdf", "1.2.0"));

        var applied = central.Apply([Reference("ghcr.io/acme/skills/pdf", "1.0.0"), Reference("ghcr.io/acme/skills/pdf", "1.0.0", "1.1.0")], Project, diagnostics);

        Assert.Empty(applied);
        Assert.Equal([ErrorCodes.CentralVersionNotAllowed, ErrorCodes.CentralVersionNotAllowed], diagnostics.Select(d => d.Code));
        var error = diagnostics[0];
        Assert.Equal(Project, error.File);
        Assert.Contains("'ghcr.io/acme/skills/pdf'", error.Message, StringComparison.Ordinal);
        Assert.Contains("VersionOverride=\"1.0.0\"", error.Message, StringComparison.Ordinal);
        Assert.Contains(Props, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_reference_with_no_central_version_is_refused_naming_the_file_and_the_item_to_add()
    {
        var diagnostics = new List<Diagnostic>();
        var central = Central(diagnostics, ("ghcr.io/acme/skills/pdf", "1.2.0"));

        var applied = central.Apply([Reference("ghcr.io/acme/skills/pdf"), Reference("ghcr.io/acme/skills/review")], Project, diagnostics);

        Assert.Equal(["ghcr.io/acme/skills/pdf"], applied.Select(r => r.Include));
        var error = Assert.Single(diagnostics);
        Assert.Equal(ErrorCodes.CentralVersionMissing, error.Code);
        Assert.Contains($"<SkillVersion Include=\"ghcr.io/acme/skills/review\" Version=\"1.0.0\" /> to {Props}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_tag_or_digest_in_the_Include_is_its_own_version_and_passes_as_written()
    {
        var diagnostics = new List<Diagnostic>();
        var central = Central(diagnostics);
        var digest = "ghcr.io/acme/skills/pdf@sha256:" + new string('a', 64);

        var applied = central.Apply([Reference("ghcr.io/acme/skills/pdf:latest"), Reference(digest), Reference("Not A Reference")], Project, diagnostics);

        Assert.Empty(diagnostics);
        Assert.Equal(["ghcr.io/acme/skills/pdf:latest", digest, "Not A Reference"], applied.Select(r => r.Include));
        Assert.All(applied, r => Assert.Null(r.Version));
    }

    [Fact]
    public void Malformed_and_repeated_SkillVersion_items_are_each_reported_at_their_file_and_the_valid_ones_still_apply()
    {
        var diagnostics = new List<Diagnostic>();
        var central = Central(diagnostics,
            ("ghcr.io/acme/skills/pdf", "1.2.0"),
            ("ghcr.io/acme/skills/pdf:1.0.0", "1.0.0"),
            ("Bad Name", "1.0.0"),
            ("ghcr.io/acme/skills/none", null),
            ("ghcr.io/acme/skills/range", "[1.0"),
            ("GHCR.io/acme/skills/pdf", "2.0.0"));

        Assert.Equal(
            [ErrorCodes.SkillVersionInvalid, ErrorCodes.SkillVersionInvalid, ErrorCodes.SkillVersionInvalid, ErrorCodes.SkillVersionInvalid, ErrorCodes.SkillVersionDuplicate],
            diagnostics.Select(d => d.Code));
        Assert.All(diagnostics, d => Assert.Equal(Props, d.File));
        Assert.Contains("already sets to 1.2.0", diagnostics[^1].Message, StringComparison.Ordinal);
        Assert.Equal(["ghcr.io/acme/skills/pdf"], central.Repositories);
    }

    [Fact]
    public void The_central_file_is_DirectoryPackagesPropsPath_else_the_nearest_one_up_else_one_at_the_root()
    {
        using var temp = new TempFolder("skoci-central");
        var project = Directory.CreateDirectory(temp.Combine("src/App")).FullName;

        Assert.Equal(temp.Combine("Directory.Packages.props"), CentralSkillVersions.LocatePropsFile(null, project, temp.Path));

        File.WriteAllText(temp.Combine("src/Directory.Packages.props"), "<Project />");
        Assert.Equal(temp.Combine("src/Directory.Packages.props"), CentralSkillVersions.LocatePropsFile("  ", project, temp.Path));
        Assert.Equal(temp.Combine("eng/Versions.props"), CentralSkillVersions.LocatePropsFile("../../eng/Versions.props", project, temp.Path));
    }
}

/// <summary>The project editor's two central edits: a Version-less SkillReference, and a SkillVersion item in Directory.Packages.props.</summary>
public sealed class CentralVersionEditTests
{
    [Fact]
    public void A_central_reference_is_written_without_Version_and_an_existing_Version_is_taken_away()
    {
        var editor = Skills.Oci.Build.Hosting.ProjectFileEditor.Parse("""
            <Project Sdk="Microsoft.NET.Sdk">
              <ItemGroup>
                <SkillReference Include="ghcr.io/acme/skills/pdf" Version = "1.0.0" Skills="a" />
              </ItemGroup>
            </Project>
            """u8.ToArray(), "/p/app.csproj");

        var updated = editor.AddOrUpdate("ghcr.io/acme/skills/pdf", null, i => i == "ghcr.io/acme/skills/pdf");
        var added = editor.AddOrUpdate("ghcr.io/acme/skills/review", null, i => i == "ghcr.io/acme/skills/review");

        Assert.Equal(Skills.Oci.Build.Hosting.ProjectEdit.Updated, updated);
        Assert.Equal(Skills.Oci.Build.Hosting.ProjectEdit.Added, added);
        Assert.Equal("""
            <Project Sdk="Microsoft.NET.Sdk">
              <ItemGroup>
                <SkillReference Include="ghcr.io/acme/skills/pdf" Skills="a" />
                <SkillReference Include="ghcr.io/acme/skills/review" />
              </ItemGroup>
            </Project>
            """, editor.Text);
        Assert.Equal(Skills.Oci.Build.Hosting.ProjectEdit.Unchanged, editor.AddOrUpdate("ghcr.io/acme/skills/pdf", null, i => i == "ghcr.io/acme/skills/pdf"));
    }

    [Fact]
    public void SkillVersion_items_are_added_beside_the_PackageVersion_file_content_and_updated_in_place()
    {
        var editor = Skills.Oci.Build.Hosting.ProjectFileEditor.Parse("""
            <Project>
              <PropertyGroup>
                <ManagePackageVersionsCentrally>true</ManagePackageVersionsCentrally>
              </PropertyGroup>
            </Project>
            """u8.ToArray(), "/r/Directory.Packages.props", "SkillVersion");

        editor.AddOrUpdate("ghcr.io/acme/skills/pdf", "1.0.0", i => i == "ghcr.io/acme/skills/pdf");
        editor.AddOrUpdate("ghcr.io/acme/skills/pdf", "1.2.0", i => i == "ghcr.io/acme/skills/pdf");

        Assert.Equal("""
            <Project>
              <PropertyGroup>
                <ManagePackageVersionsCentrally>true</ManagePackageVersionsCentrally>
              </PropertyGroup>

              <ItemGroup>
                <SkillVersion Include="ghcr.io/acme/skills/pdf" Version="1.2.0" />
              </ItemGroup>
            </Project>
            """, editor.Text);
    }
}

/// <summary>
/// <see cref="RestorePlan"/> across projects after a central version moved: another project whose record
/// is stale does not hold this project's changed request back; a fresh one, or an unchanged request, keeps the union.
/// </summary>
public sealed class StaleRequestPlanTests
{
    private static readonly Skills.Oci.Build.Oci.Digest Pinned = Skills.Oci.Build.Oci.Digest.ComputeSha256("shared"u8.ToArray());

    private static readonly LockFile Locked = LockFile.Empty with
    {
        Skills =
        [
            new LockEntry
            {
                Name = "shared",
                Path = LockEntry.PrimaryPath("shared"),
                Source = new RegistryLockSource("ghcr.io", "acme/shared", "1.0.0", Pinned),
                InstalledAt = "2026-01-01T00:00:00Z",
                Requests = [new LockRequest("App/App.csproj", "[1.0.0]"), new LockRequest("Lib/Lib.csproj", "[1.0.0]")],
            },
        ],
    };

    private static IReadOnlyList<LockRequest> Plan(string version, bool libIsStale)
    {
        var request = SkillRequest.Parse("App/App.csproj", "/r/App/App.csproj", new SkillReferenceItem("ghcr.io/acme/shared", version));
        var plan = RestorePlan.Create(Locked, "App/App.csproj", [request], new SkillRestoreOptions(), _ => true, p => libIsStale && p == "Lib/Lib.csproj");
        return Assert.Single(plan.Groups).Requests;
    }

    [Fact]
    public void A_changed_request_drops_the_request_of_a_project_whose_record_is_stale() =>
        Assert.Equal([new LockRequest("App/App.csproj", "[1.1.0]")], Plan("[1.1.0]", libIsStale: true));

    [Fact]
    public void A_fresh_project_keeps_its_request_against_a_changed_one() =>
        Assert.Equal(["App/App.csproj", "Lib/Lib.csproj"], Plan("[1.1.0]", libIsStale: false).Select(r => r.Project));

    [Fact]
    public void An_unchanged_request_keeps_even_a_stale_project_so_locked_mode_sees_no_change() =>
        Assert.Equal(Locked.Skills[0].Requests, Plan("[1.0.0]", libIsStale: true));
}
