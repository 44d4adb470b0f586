using System.Text;
using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Restore;

namespace Skills.Oci.Build.Tests.Restore;

/// <summary>Reading and writing skills.lock.json (docs/lock-file.md).</summary>
public sealed class LockFileTests
{
    private const string Digest = "sha256:0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9";

    private static string Example(string digest = Digest, string paths = "\"additionalPaths\": [\n        \".claude/skills/pdf\"\n      ],", string registry = "ghcr.io") => $$"""
        {
          "lockfileVersion": 1,
          "generatedAt": "2026-04-02T08:11:09Z",
          "skills": [
            {
              "name": "pdf",
              "path": ".agents/skills/pdf",
              "source": {
                "registry": "{{registry}}",
                "repository": "myorg/skills/pdf",
                "tag": "1.0.0",
                "digest": "{{digest}}",
                "ref": "{{registry}}/myorg/skills/pdf:1.0.0@{{digest}}"
              },
              "installedAt": "2026-04-02T08:11:09Z",
              {{paths}}
              "projects": [
                "src/App/App.csproj"
              ],
              "requests": [
                {
                  "project": "src/App/App.csproj",
                  "version": "1.0.0"
                }
              ]
            }
          ]
        }

        """;

    [Fact]
    public void A_lock_written_before_per_project_requests_reads_its_one_requestedVersion_as_each_projects_request()
    {
        var legacy = Example().Replace("""
              "projects": [
                "src/App/App.csproj"
              ],
              "requests": [
                {
                  "project": "src/App/App.csproj",
                  "version": "1.0.0"
                }
              ]
        """, """
              "requestedVersion": "[1.0.0]",
              "projects": [
                "src/App/App.csproj",
                "src/Lib/Lib.csproj"
              ]
        """, StringComparison.Ordinal);
        Assert.NotEqual(Example(), legacy);

        var entry = Assert.Single(LockFile.Parse(Encoding.UTF8.GetBytes(legacy), "l.json").Skills);

        Assert.Equal([new LockRequest("src/App/App.csproj", "[1.0.0]"), new LockRequest("src/Lib/Lib.csproj", "[1.0.0]")], entry.Requests);
        Assert.DoesNotContain("requestedVersion", Encoding.UTF8.GetString((LockFile.Empty with { Skills = [entry] }).Serialize()), StringComparison.Ordinal);
    }

    [Fact]
    public void Requests_of_every_kind_round_trip()
    {
        var entry = Assert.Single(LockFile.Parse(Encoding.UTF8.GetBytes(Example()), "l.json").Skills) with
        {
            Requests =
            [
                new LockRequest("a/A.csproj", "1.*"),
                new LockRequest("b/B.csproj", Tag: "latest"),
                new LockRequest("c/C.csproj", Tag: "1.0.0", Digest: Skills.Oci.Build.Oci.Digest.Parse(Digest)),
            ],
        };
        var bytes = (LockFile.Empty with { GeneratedAt = "2026-04-02T08:11:09Z", Skills = [entry] }).Serialize();

        Assert.Equal(entry.Requests, LockFile.Parse(bytes, "l.json").Skills[0].Requests);
    }

    [Fact]
    public void The_lock_round_trips_byte_for_byte()
    {
        var bytes = Encoding.UTF8.GetBytes(Example());

        var lockFile = LockFile.Parse(bytes, "skills.lock.json");

        Assert.Equal(bytes, lockFile.Serialize());
        Assert.NotEqual(0xEF, lockFile.Serialize()[0]);
        Assert.DoesNotContain("\r", Encoding.UTF8.GetString(lockFile.Serialize()), StringComparison.Ordinal);
    }

    [Fact]
    public void A_digest_without_sha256_is_an_error_with_file_and_line()
    {
        var bytes = Encoding.UTF8.GetBytes(Example(digest: "0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9"));

        var ex = Assert.Throws<SkillsOciException>(() => LockFile.Parse(bytes, "/r/skills.lock.json"));

        Assert.Equal(ErrorCodes.InvalidLockDigest, ex.Code);
        Assert.Equal("/r/skills.lock.json", ex.Diagnostic.File);
        Assert.Equal(12, ex.Diagnostic.Line);
    }

    [Fact]
    public void Malformed_json_names_the_line()
    {
        var ex = Assert.Throws<SkillsOciException>(() => LockFile.Parse(Encoding.UTF8.GetBytes("{\n  \"lockfileVersion\": 1,\n  \"skills\": [,]\n}"), "l.json"));

        Assert.Equal(ErrorCodes.InvalidLockFile, ex.Code);
        Assert.Equal(3, ex.Diagnostic.Line);
    }

    [Fact]
    public void Both_agent_path_field_names_are_read_as_a_union()
    {
        var paths = "\"additionalPaths\": [\".claude/skills/pdf\"], \"additionalInstalledPaths\": [\".codex/skills/pdf\", \".claude/skills/pdf\"],";

        var entry = LockFile.Parse(Encoding.UTF8.GetBytes(Example(paths: paths)), "l.json").Skills[0];

        Assert.Equal([".claude/skills/pdf", ".codex/skills/pdf"], entry.AdditionalPaths);
    }

    [Fact]
    public void Docker_hub_host_is_normalised_to_docker_io()
    {
        var entry = LockFile.Parse(Encoding.UTF8.GetBytes(Example(registry: "registry-1.docker.io")), "l.json").Skills[0];

        Assert.Equal("docker.io", entry.RegistrySource.Registry);
        Assert.StartsWith("docker.io/", entry.Source.Ref, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"additionalPaths\": [\"../../etc\"],")]
    [InlineData("\"additionalPaths\": [\"/etc/passwd\"],")]
    public void Agent_paths_that_leave_the_root_are_refused(string paths)
    {
        var ex = Assert.Throws<SkillsOciException>(() => LockFile.Parse(Encoding.UTF8.GetBytes(Example(paths: paths)), "l.json"));

        Assert.Equal(ErrorCodes.InvalidLockFile, ex.Code);
        Assert.True(ex.Diagnostic.Line > 0);
    }

    [Fact]
    public void Windows_separators_from_the_go_cli_are_read_as_slashes()
    {
        var text = Example().Replace("\".agents/skills/pdf\"", "\".agents\\\\skills\\\\pdf\"", StringComparison.Ordinal);

        Assert.Equal(".agents/skills/pdf", LockFile.Parse(Encoding.UTF8.GetBytes(text), "l.json").Skills[0].Path);
    }
}
