using System.Text;
using Skills.Oci.Build.Auth;
using Skills.Oci.Build.Diagnostics;

namespace Skills.Oci.Build.Tests.Auth;

public sealed class CredentialSourceTests : IDisposable
{
    private readonly TempFolder _folder = new("cred");

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Operation_specific_environment_variables_win_over_the_generic_pair()
    {
        var environment = new Dictionary<string, string?>
        {
            [EnvironmentCredentials.Username] = "generic",
            [EnvironmentCredentials.Password] = "generic-secret",
            [EnvironmentCredentials.PushUsername] = "pusher",
            [EnvironmentCredentials.PushPassword] = "push-secret",
        };

        var push = EnvironmentCredentials.Find("ghcr.io", RegistryOperation.Push, k => environment.GetValueOrDefault(k));
        var pull = EnvironmentCredentials.Find("ghcr.io", RegistryOperation.Pull, k => environment.GetValueOrDefault(k));

        Assert.Equal("pusher", push!.Username);
        Assert.Equal("generic", pull!.Username);
        Assert.Contains(EnvironmentCredentials.PushUsername, push.Source, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", push.Source + push, StringComparison.Ordinal);
    }

    [Fact]
    public void Environment_credentials_can_be_limited_to_named_registries()
    {
        var environment = new Dictionary<string, string?>
        {
            [EnvironmentCredentials.Username] = "u",
            [EnvironmentCredentials.Password] = "p",
            [EnvironmentCredentials.Registries] = " GHCR.io ; localhost:5000",
        };

        Assert.NotNull(EnvironmentCredentials.Find("ghcr.io", RegistryOperation.Pull, k => environment.GetValueOrDefault(k)));
        Assert.NotNull(EnvironmentCredentials.Find("localhost:5000", RegistryOperation.Pull, k => environment.GetValueOrDefault(k)));
        Assert.Null(EnvironmentCredentials.Find("docker.io", RegistryOperation.Pull, k => environment.GetValueOrDefault(k)));
    }

    [Fact]
    public void The_sources_say_when_there_is_no_Docker_config()
    {
        var missing = _folder.Combine("nowhere");
        var present = _folder.Combine("present");
        Directory.CreateDirectory(present);
        File.WriteAllText(Path.Combine(present, "config.json"), "{}");

        var withoutConfig = new DefaultCredentialProvider(k => k == "DOCKER_CONFIG" ? missing : null).DescribeSources("ghcr.io");
        var withConfig = new DefaultCredentialProvider(k => k == "DOCKER_CONFIG" ? present : null).DescribeSources("ghcr.io");

        Assert.Contains($"no Docker config at {Path.Combine(missing, "config.json")}", withoutConfig, StringComparison.Ordinal);
        Assert.Contains($"the Docker configuration '{Path.Combine(present, "config.json")}'", withConfig, StringComparison.Ordinal);
        Assert.DoesNotContain("no Docker config", withConfig, StringComparison.Ordinal);
    }

    [Fact]
    public void Token_user_name_means_an_identity_token()
    {
        var credential = RegistryCredential.FromPassword("test", "<token>", "refresh-me");

        Assert.Null(credential.Username);
        Assert.Equal("refresh-me", credential.IdentityToken);
    }

    [Fact]
    public void Docker_config_auths_are_found_under_any_docker_hub_alias()
    {
        var path = WriteConfig("""{"auths":{"https://index.docker.io/v1/":{"auth":"%AUTH%"},"ghcr.io":{"identitytoken":"id-token"}}}"""
            .Replace("%AUTH%", Convert.ToBase64String(Encoding.UTF8.GetBytes("hubuser:hubpass")), StringComparison.Ordinal));

        var config = DockerConfig.Load(path);
        var hub = config.FindInline("docker.io");
        var ghcr = config.FindInline("ghcr.io");

        Assert.Equal("hubuser", hub!.Username);
        Assert.Equal("hubpass", hub.Password);
        Assert.Equal("id-token", ghcr!.IdentityToken);
        Assert.Null(config.FindInline("quay.io"));
        Assert.Contains(path, hub.Source, StringComparison.Ordinal);
    }

    [Fact]
    public void Credential_helpers_per_host_win_over_the_credential_store()
    {
        var path = WriteConfig("""{"credsStore":"desktop","credHelpers":{"ghcr.io":"gh","https://index.docker.io/v1/":"hub"}}""");

        var config = DockerConfig.Load(path);

        Assert.Equal("gh", config.FindHelper("ghcr.io"));
        Assert.Equal("hub", config.FindHelper("docker.io"));
        Assert.Equal("desktop", config.FindHelper("quay.io"));
        Assert.Equal("https://index.docker.io/v1/", DockerConfig.HelperServerUrl("docker.io"));
    }

    [Fact]
    public void Malformed_docker_config_is_a_coded_error_naming_the_file()
    {
        var path = WriteConfig("{\n  \"auths\": {,\n}");

        var error = Assert.Throws<SkillsOciException>(() => DockerConfig.Load(path));

        Assert.Equal(ErrorCodes.InvalidDockerConfig, error.Code);
        Assert.Equal(path, error.Diagnostic.File);
        Assert.Equal(2, error.Diagnostic.Line);
    }

    [Fact]
    public void Missing_docker_config_means_no_credentials()
    {
        var config = DockerConfig.Load(_folder.Combine("absent.json"));

        Assert.Null(config.FindInline("ghcr.io"));
        Assert.Null(config.FindHelper("ghcr.io"));
    }

    [Fact]
    public void Docker_config_location_follows_DOCKER_CONFIG()
    {
        Assert.Equal(Path.Combine("/x/y", "config.json"), DockerConfig.DefaultPath(k => k == "DOCKER_CONFIG" ? "/x/y" : null));
        Assert.Equal(Path.Combine("/home/me", ".docker", "config.json"), DockerConfig.DefaultPath(k => k == "HOME" ? "/home/me" : null));
    }

    private string WriteConfig(string json)
    {
        var path = _folder.Combine("config.json");
        File.WriteAllText(path, json);
        return path;
    }
}
