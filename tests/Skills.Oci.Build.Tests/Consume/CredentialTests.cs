using System.IO.Compression;
using System.Text;
using Skills.Oci.Build.Auth;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Registry;

namespace Skills.Oci.Build.Tests.Consume;

/// <summary>Restores from registries that authenticate, and registry addressing; each test runs its own registry.</summary>
public sealed class CredentialTests
{
    private const string Secret = "consume-Secret-4711-do-not-log";

    [Fact]
    public async Task Credentials_from_environment_variables_and_from_a_Docker_config_restore_and_the_secret_appears_in_no_output_binlog_or_file()
    {
        await using var registry = await RegistryProcess.StartAsync(new RegistryOptions { BasicAuth = new BasicAuthUser("consumer", Secret) });
        using var publisher = new RegistrySkillPublisher(registry, "consume-auth", new RegistryClientOptions
        {
            Environment = name => name switch
            {
                EnvironmentCredentials.Username => "consumer",
                EnvironmentCredentials.Password => Secret,
                _ => null,
            },
        });
        await publisher.PublishAsync("pdf", "1.0.0");

        using var fromEnvironment = await ConsumerWorkspace.CreateAsync();
        fromEnvironment.WriteProject("App.csproj", (publisher.Repo("pdf"), "1.0.0"));
        var environmentBinlog = fromEnvironment.File("restore.binlog");
        var viaEnvironment = await fromEnvironment.Cli(environment: new Dictionary<string, string?>
        {
            [EnvironmentCredentials.Username] = "consumer",
            [EnvironmentCredentials.Password] = Secret,
        }).RunAsync("restore", "-v:diag", $"-bl:{environmentBinlog}");

        using var fromDockerConfig = await ConsumerWorkspace.CreateAsync();
        fromDockerConfig.WriteProject("App.csproj", (publisher.Repo("pdf"), "1.0.0"));
        new DockerConfigWriter().WithAuth(registry.HostPort, "consumer", Secret).Write(fromDockerConfig.Workspace.DockerConfigFolder);
        var dockerBinlog = fromDockerConfig.File("restore.binlog");
        var viaDockerConfig = await fromDockerConfig.Cli().RunAsync("restore", "-v:diag", $"-bl:{dockerBinlog}");

        // And a failing restore (no credentials at all) reports the registry, not a secret.
        using var anonymous = await ConsumerWorkspace.CreateAsync();
        anonymous.WriteProject("App.csproj", (publisher.Repo("pdf"), "1.0.0"));
        var denied = await anonymous.Cli().RunAsync("restore", "-v:d");

        Assert.True(viaEnvironment.Succeeded, viaEnvironment.ToString());
        Assert.True(viaDockerConfig.Succeeded, viaDockerConfig.ToString());
        Assert.True(File.Exists(fromEnvironment.SkillFile("pdf")));
        Assert.True(File.Exists(fromDockerConfig.SkillFile("pdf")));
        Assert.Equal(1, denied.ExitCode);
        Assert.Equal(["SKOCI1002"], denied.ErrorCodes());
        foreach (var run in new[] { viaEnvironment, viaDockerConfig, denied })
        {
            Assert.DoesNotContain(Secret, run.AllOutput, StringComparison.Ordinal);
        }

        foreach (var binlog in new[] { environmentBinlog, dockerBinlog })
        {
            Assert.DoesNotContain(Secret, BinaryLogText.Read(binlog), StringComparison.Ordinal);
        }

        foreach (var repo in new[] { fromEnvironment, fromDockerConfig })
        {
            AssertNoFileContains(repo.Root, Secret, except: Path.Combine(repo.Workspace.DockerConfigFolder, "config.json"));
        }
    }

    [Fact]
    public async Task A_token_registry_granting_anonymous_pull_tokens_restores_without_credentials_addressed_as_localhost()
    {
        await using var issuer = await TokenIssuer.StartAsync(new TokenIssuerOptions { Users = new Dictionary<string, string> { ["publisher"] = Secret } });
        await using var registry = await RegistryProcess.StartAsync(new RegistryOptions { TokenAuth = issuer });
        using var publisher = new RegistrySkillPublisher(registry, "consume-token", new RegistryClientOptions
        {
            Environment = name => name switch
            {
                EnvironmentCredentials.Username => "publisher",
                EnvironmentCredentials.Password => Secret,
                _ => null,
            },
        });
        await publisher.PublishAsync("pdf", "1.0.0");
        using var repo = await ConsumerWorkspace.CreateAsync();
        // localhost:<port>, plain HTTP, no setting: the loopback HTTPS-to-HTTP fallback.
        repo.WriteProject("App.csproj", ($"localhost:{registry.Port}/consume-token/pdf", "1.0.0"));

        var result = await repo.Cli().RunAsync("restore");

        Assert.True(result.Succeeded, result.ToString());
        Assert.True(File.Exists(repo.SkillFile("pdf")));
        Assert.Contains($"localhost:{registry.Port}/consume-token/pdf:1.0.0@sha256:", repo.ReadLock(), StringComparison.Ordinal);
        Assert.Contains(issuer.Requests, r => r.Account is null && r.Scopes.Any(s => s.Contains("consume-token/pdf:pull", StringComparison.Ordinal)));
    }


    private static void AssertNoFileContains(string root, string secret, string except)
    {
        foreach (var file in Directory.EnumerateFiles(root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }))
        {
            if (file == except || file.EndsWith(".binlog", StringComparison.Ordinal) || file.Contains("/.nuget-packages/", StringComparison.Ordinal))
            {
                continue;
            }

            Assert.False(File.ReadAllText(file, Encoding.Latin1).Contains(secret, StringComparison.Ordinal), $"{file} contains the secret");
        }
    }
}
