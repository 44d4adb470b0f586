using System.Net;
using System.Text.Json;

namespace Skills.Oci.Build.Tests.Infrastructure.Tests;

public sealed class CredentialHelperScriptTests : IDisposable
{
    private readonly TempFolder _temp = new("helper");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Get_returns_the_secret_for_a_known_server_and_logs_every_invocation()
    {
        var helper = CredentialHelperScript.Create(_temp.CreateFolder("bin"), "skillstest", new Dictionary<string, HelperCredential>
        {
            ["127.0.0.1:5000"] = new("helper-user", "it's a \"secret\""),
        });

        var known = await ProcessRunner.RunAsync(helper.ScriptPath, ["get"], standardInput: "127.0.0.1:5000\n");
        var unknown = await ProcessRunner.RunAsync("sh", ["-c", "docker-credential-skillstest get"], configureEnvironment: env => env["PATH"] = helper.PathWithHelper, standardInput: "other.example");

        Assert.True(known.Succeeded, known.ToString());
        using var json = JsonDocument.Parse(known.Output);
        Assert.Equal("127.0.0.1:5000", json.RootElement.GetProperty("ServerURL").GetString());
        Assert.Equal("helper-user", json.RootElement.GetProperty("Username").GetString());
        Assert.Equal("it's a \"secret\"", json.RootElement.GetProperty("Secret").GetString());
        Assert.Equal(1, unknown.ExitCode);
        Assert.Equal("credentials not found in native keychain", unknown.Output.Trim());
        Assert.Equal([new HelperInvocation("get", "127.0.0.1:5000"), new HelperInvocation("get", "other.example")], helper.ReadInvocations());
    }
}

public sealed class DockerConfigWriterTests : IDisposable
{
    private readonly TempFolder _temp = new("docker-config");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Writes_auths_identity_tokens_cred_helpers_and_creds_store()
    {
        var path = new DockerConfigWriter()
            .WithAuth("127.0.0.1:5000", "testuser", "testpass")
            .WithIdentityToken("myregistry.azurecr.io", "refresh-me")
            .WithCredentialHelper("ghcr.io", "skillstest")
            .WithCredentialStore("desktop")
            .Write(_temp.Combine("docker"));

        using var json = JsonDocument.Parse(File.ReadAllText(path));
        var root = json.RootElement;
        Assert.Equal(_temp.Combine("docker/config.json"), path);
        Assert.Equal("dGVzdHVzZXI6dGVzdHBhc3M=", root.GetProperty("auths").GetProperty("127.0.0.1:5000").GetProperty("auth").GetString());
        Assert.Equal("refresh-me", root.GetProperty("auths").GetProperty("myregistry.azurecr.io").GetProperty("identitytoken").GetString());
        Assert.Equal("skillstest", root.GetProperty("credHelpers").GetProperty("ghcr.io").GetString());
        Assert.Equal("desktop", root.GetProperty("credsStore").GetString());
    }
}

[Collection(RegistryCollectionDefinition.Name)]
public sealed class SkopeoTests(RegistryFixture fixture) : IDisposable
{
    private readonly CancellationTokenSource _hangGuard = new(TimeSpan.FromSeconds(60));

    public void Dispose() => _hangGuard.Dispose();

    [Fact]
    public async Task Skopeo_reads_a_manifest_pushed_with_HttpClient_byte_for_byte()
    {
        var registry = fixture.Registry;
        using var client = registry.CreateHttpClient();
        var manifest = await RegistryBlobs.PushSmallArtifactAsync(client, "skills/skopeo-read", "1.0.0", _hangGuard.Token);

        var read = await Skopeo.InspectRawAsync(registry.HostPort, "skills/skopeo-read:1.0.0", _hangGuard.Token);

        Assert.Equal(manifest, read);
        var requests = await registry.WaitForRequestsAsync(_hangGuard.Token);
        Assert.Contains(requests, r => r.Method == "GET" && r.Path == "/v2/skills/skopeo-read/manifests/1.0.0" && r.Status == (int)HttpStatusCode.OK && r.UserAgent.Contains("skopeo", StringComparison.OrdinalIgnoreCase));
    }
}

public sealed class DotnetCliTests : IDisposable
{
    private readonly TempFolder _temp = new("dotnet-cli");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Child_environment_is_isolated_and_diagnostic_codes_are_extracted()
    {
        _temp.Write("env.proj", """
            <Project>
              <Target Name="Show">
                <Message Importance="high" Text="PACKAGES=$(NUGET_PACKAGES)|DOCKER=$(DOCKER_CONFIG)|NOREUSE=$(MSBUILDDISABLENODEREUSE)|LEAK=$(SKILLS_OCI_LEAK)|EXTRA=$(EXTRA_VAR)" />
                <Warning Code="SKOCI5001" Text="a warning" />
                <Error Code="SKOCI1001" Text="an error" />
              </Target>
            </Project>
            """);
        var cli = new DotnetCli(_temp.Path)
        {
            NuGetPackagesFolder = _temp.Combine("packages"),
            DockerConfigFolder = _temp.Combine("docker"),
            Environment = { ["EXTRA_VAR"] = "extra" },
        };
        Environment.SetEnvironmentVariable("SKILLS_OCI_LEAK", "leaked");
        DotnetResult result;
        try
        {
            result = await cli.RunAsync("msbuild", "env.proj", "-t:Show");
        }
        finally
        {
            Environment.SetEnvironmentVariable("SKILLS_OCI_LEAK", null);
        }

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"PACKAGES={_temp.Combine("packages")}|DOCKER={_temp.Combine("docker")}|NOREUSE=1|LEAK=|EXTRA=extra", result.Output, StringComparison.Ordinal);
        Assert.Equal(["SKOCI1001"], result.ErrorCodes());
        Assert.Equal(["SKOCI5001"], result.WarningCodes());
        Assert.Contains("-nodeReuse:false", result.Arguments);
    }

    [Fact]
    public async Task Timeout_kills_the_process_and_reports_it()
    {
        _temp.Write("slow.proj", """
            <Project>
              <Target Name="Slow"><Exec Command="sleep 30" /></Target>
            </Project>
            """);
        var cli = new DotnetCli(_temp.Path) { Timeout = TimeSpan.FromSeconds(3) };

        var result = await cli.RunAsync("msbuild", "slow.proj", "-t:Slow");

        Assert.True(result.TimedOut);
        Assert.False(result.Succeeded);
    }
}
