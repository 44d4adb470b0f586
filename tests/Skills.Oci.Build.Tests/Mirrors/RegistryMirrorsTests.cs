using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Registry;

namespace Skills.Oci.Build.Tests.Mirrors;

/// <summary>The mirror settings' three forms, their precedence, and how a reference is rewritten to its mirror.</summary>
public sealed class RegistryMirrorsTests
{
    [Theory]
    [InlineData("docker.io/pdf:1.0", "artifactory.acme.internal/dockerhub-remote/library/pdf:1.0")]
    [InlineData("acme/pdf@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "artifactory.acme.internal/dockerhub-remote/acme/pdf@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    [InlineData("index.docker.io/acme/pdf:2", "artifactory.acme.internal/dockerhub-remote/acme/pdf:2")]
    public void A_Docker_Hub_reference_moves_under_the_mirror_prefix_with_its_library_segment_tag_and_digest(string reference, string expected)
    {
        var mirrors = RegistryMirrors.ParseList("docker.io=artifactory.acme.internal/dockerhub-remote", "test");

        var mirror = mirrors.For(ImageReference.Parse(reference));

        Assert.NotNull(mirror);
        Assert.Equal(expected, mirror.Rewrite(ImageReference.Parse(reference)).ToString());
        Assert.True(mirror.Fallback);
    }

    [Fact]
    public void The_environment_form_lists_several_registries_with_a_fallback_option_and_leaves_others_alone()
    {
        var mirrors = RegistryMirrors.ParseList(" ghcr.io=mirror.local:5000 ; docker.io=hub.local/remote,fallback=false ", "SKILLS_OCI_MIRRORS");

        Assert.Equal("mirror.local:5000/acme/pdf:1", mirrors.For(ImageReference.Parse("ghcr.io/acme/pdf:1"))!.Rewrite(ImageReference.Parse("ghcr.io/acme/pdf:1")).ToString());
        Assert.False(mirrors.For(ImageReference.Parse("docker.io/x/y"))!.Fallback);
        Assert.Null(mirrors.For(ImageReference.Parse("quay.io/x/y")));
    }

    [Theory]
    [InlineData("docker.io")]
    [InlineData("docker.io=https://hub.local")]
    [InlineData("docker.io=hub.local/Upper")]
    [InlineData("docker.io=hub.local,fallback=maybe")]
    [InlineData("docker.io=docker.io")]
    [InlineData("not a registry=hub.local")]
    public void A_malformed_setting_is_SKOCI8041_naming_where_it_was_set(string value)
    {
        var error = Assert.Throws<SkillsOciException>(() => RegistryMirrors.ParseList(value, "SKILLS_OCI_MIRRORS"));

        Assert.Equal(ErrorCodes.MirrorSettingInvalid, error.Diagnostic.Code);
        Assert.Contains("SKILLS_OCI_MIRRORS", error.Diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Items_win_over_the_environment_variable_which_wins_over_the_repository_file()
    {
        using var root = new TempFolder("mirrors");
        File.WriteAllText(root.CreateFolder(".skills-oci") + "/mirrors.json", """
            {
              // comments are allowed
              "mirrors": [
                { "registry": "ghcr.io", "mirror": "file.local/ghcr" },
                { "registry": "quay.io", "mirror": "file.local/quay", "fallback": false },
                { "registry": "docker.io", "mirror": "file.local/hub" }
              ]
            }
            """);
        var items = RegistryMirrors.Of([RegistryMirrors.Create("ghcr.io", "item.local", fallback: true, "App.csproj")]);

        var mirrors = await RegistryMirrors.LoadAsync(root.Path, items, name => name == RegistryMirrors.EnvironmentVariable ? "ghcr.io=env.local;docker.io=env.local/hub" : null, CancellationToken.None);

        Assert.Equal("item.local", mirrors.For(ImageReference.Parse("ghcr.io/a/b"))!.Location);
        Assert.Equal("env.local/hub", mirrors.For(ImageReference.Parse("docker.io/a/b"))!.Location);
        var quay = mirrors.For(ImageReference.Parse("quay.io/a/b"))!;
        Assert.Equal("file.local/quay", quay.Location);
        Assert.False(quay.Fallback);
    }

    [Fact]
    public async Task A_broken_repository_file_is_SKOCI8041_at_the_file_and_line()
    {
        using var root = new TempFolder("mirrors");
        var path = Path.Combine(root.CreateFolder(".skills-oci"), "mirrors.json");
        File.WriteAllText(path, "{\n  \"mirrors\": [\n    { \"registry\": \"ghcr.io\" \"mirror\": \"x.local\" }\n  ]\n}\n");

        var error = await Assert.ThrowsAsync<SkillsOciException>(() => RegistryMirrors.LoadAsync(root.Path, RegistryMirrors.None, _ => null, CancellationToken.None));

        Assert.Equal(ErrorCodes.MirrorSettingInvalid, error.Diagnostic.Code);
        Assert.Equal(path, error.Diagnostic.File);
        Assert.Equal(3, error.Diagnostic.Line);
    }
}
