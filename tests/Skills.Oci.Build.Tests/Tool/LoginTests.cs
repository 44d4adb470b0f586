using System.Text;
using System.Text.Json.Nodes;
using Skills.Oci.Build.Auth;

namespace Skills.Oci.Build.Tests.Tool;

/// <summary>
/// <c>skills-oci login</c>/<c>logout</c> through the installed tool against a real htpasswd registry:
/// credentials are checked before anything is saved, saved as Docker saves them (inline, or through a
/// credential helper), read back by the same credential lookup restore uses, and removed again.
/// </summary>
public sealed class LoginTests
{
    private static readonly BasicAuthUser User = new("skills", "s3cret-pass");

    [Fact]
    public async Task Login_checks_saves_inline_for_restore_to_find_and_logout_removes_it_keeping_other_settings()
    {
        await using var registry = await RegistryProcess.StartAsync(new RegistryOptions { BasicAuth = User });
        var tool = await SkillsOciTool.GetAsync();
        using var home = new TempFolder("login");
        var dockerConfig = home.CreateFolder(".docker");
        var configPath = home.Write(".docker/config.json", "{\n  \"proxies\": { \"default\": { \"noProxy\": \"localhost\" } },\n  \"auths\": { \"other.example\": { \"auth\": \"b3RoZXI6eA==\" } }\n}\n");
        var cli = tool.CreateCli(home.Path, dockerConfig);

        var login = await cli.RunWithInputAsync(User.Password + "\n", "login", registry.HostPort, "-u", User.Username, "--password-stdin");

        Assert.True(login.Succeeded, login.ToString());
        Assert.Contains($"Login succeeded for {registry.HostPort}", login.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(User.Password, login.AllOutput, StringComparison.Ordinal);
        var found = DockerConfig.Load(configPath).FindInline(registry.HostPort);
        Assert.NotNull(found);
        Assert.Equal((User.Username, User.Password), (found.Username, found.Password));
        var saved = JsonNode.Parse(File.ReadAllText(configPath))!;
        Assert.Equal("localhost", saved["proxies"]?["default"]?["noProxy"]?.GetValue<string>());
        Assert.NotNull(saved["auths"]?["other.example"]);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(configPath));
        }

        var logout = await cli.RunAsync("logout", registry.HostPort);
        var again = await cli.RunAsync("logout", registry.HostPort);

        Assert.True(logout.Succeeded, logout.ToString());
        Assert.Contains("Removed the saved credentials", logout.Output, StringComparison.Ordinal);
        Assert.Null(DockerConfig.Load(configPath).FindInline(registry.HostPort));
        Assert.NotNull(DockerConfig.Load(configPath).FindInline("other.example"));
        Assert.True(again.Succeeded, again.ToString());
        Assert.Contains("Not logged in", again.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rejected_credentials_are_SKOCI1002_and_nothing_is_saved()
    {
        await using var registry = await RegistryProcess.StartAsync(new RegistryOptions { BasicAuth = User });
        var tool = await SkillsOciTool.GetAsync();
        using var home = new TempFolder("login");
        var dockerConfig = home.CreateFolder(".docker");
        var cli = tool.CreateCli(home.Path, dockerConfig);

        var login = await cli.RunWithInputAsync("wrong-password", "login", registry.HostPort, "-u", User.Username, "--password-stdin");

        Assert.Equal(1, login.ExitCode);
        Assert.Equal(["SKOCI1002"], login.ErrorCodes());
        Assert.DoesNotContain("   at ", login.AllOutput, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(dockerConfig, "config.json")));
    }

    [Fact]
    public async Task With_a_credential_store_configured_the_secret_goes_to_the_helper_and_logout_erases_it()
    {
        await using var registry = await RegistryProcess.StartAsync(new RegistryOptions { BasicAuth = User });
        var tool = await SkillsOciTool.GetAsync();
        using var home = new TempFolder("login");
        var dockerConfig = home.CreateFolder(".docker");
        var configPath = home.Write(".docker/config.json", "{ \"credsStore\": \"teststore\" }");
        var helper = CredentialHelperScript.Create(home.Combine("helpers"), "teststore", new Dictionary<string, HelperCredential>());
        var cli = tool.CreateCli(home.Path, dockerConfig, new Dictionary<string, string?> { ["PATH"] = helper.PathWithHelper });

        var login = await cli.RunWithInputAsync(User.Password, "login", registry.HostPort, "-u", User.Username, "--password-stdin");
        var savedConfig = File.ReadAllText(configPath);
        var logout = await cli.RunAsync("logout", registry.HostPort);

        Assert.True(login.Succeeded, login.ToString());
        Assert.Contains("docker-credential-teststore", login.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(User.Password, savedConfig, StringComparison.Ordinal);
        Assert.Equal("teststore", JsonNode.Parse(savedConfig)!["credsStore"]?.GetValue<string>());
        Assert.NotNull(JsonNode.Parse(savedConfig)!["auths"]?[registry.HostPort]);
        Assert.True(logout.Succeeded, logout.ToString());
        var calls = helper.ReadInvocations();
        var store = Assert.Single(calls, call => call.Verb == "store");
        var stored = JsonNode.Parse(store.ServerUrl)!;
        Assert.Equal((registry.HostPort, User.Username, User.Password), (stored["ServerURL"]?.GetValue<string>(), stored["Username"]?.GetValue<string>(), stored["Secret"]?.GetValue<string>()));
        Assert.Contains(calls, call => call.Verb == "erase" && call.ServerUrl == registry.HostPort);
        Assert.Null(JsonNode.Parse(File.ReadAllText(configPath))!["auths"]?[registry.HostPort]);
    }

    [Fact]
    public async Task Without_a_terminal_or_password_stdin_login_is_SKOCI6100_before_any_request()
    {
        var tool = await SkillsOciTool.GetAsync();
        using var home = new TempFolder("login");
        var cli = tool.CreateCli(home.Path, home.CreateFolder(".docker"));

        // Nothing listens on port 9: a request would fail with another code.
        var login = await cli.RunAsync("login", "127.0.0.1:9", "-u", "someone");

        Assert.Equal(1, login.ExitCode);
        Assert.Equal(["SKOCI6100"], login.ErrorCodes());
    }

    [Fact]
    public async Task A_password_on_the_command_line_works_with_a_warning()
    {
        await using var registry = await RegistryProcess.StartAsync(new RegistryOptions { BasicAuth = User });
        var tool = await SkillsOciTool.GetAsync();
        using var home = new TempFolder("login");
        var cli = tool.CreateCli(home.Path, home.CreateFolder(".docker"));

        var login = await cli.RunAsync("login", registry.HostPort, "-u", User.Username, "-p", User.Password);

        Assert.True(login.Succeeded, login.ToString());
        Assert.Equal(["SKOCI6101"], login.WarningCodes());
        Assert.Equal(
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{User.Username}:{User.Password}")),
            JsonNode.Parse(File.ReadAllText(home.Combine(".docker", "config.json")))!["auths"]?[registry.HostPort]?["auth"]?.GetValue<string>());
    }
}
