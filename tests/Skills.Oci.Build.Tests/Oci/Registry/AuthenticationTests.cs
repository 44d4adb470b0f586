using System.Security.Cryptography.X509Certificates;
using Skills.Oci.Build.Auth;
using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Registry;

namespace Skills.Oci.Build.Tests.Oci.Registry;

/// <summary>Real registries with htpasswd, token auth and TLS; credentials from the environment, Docker's config and helpers.</summary>
public sealed class AuthenticationTests : IDisposable
{
    private const string Secret = "testpass";
    private readonly TempFolder _temp = new("skoci-auth");

    public void Dispose() => _temp.Dispose();

    private static RegistryClient ClientWith(IReadOnlyDictionary<string, string?> environment, RegistryClientOptions? options = null) =>
        TestClients.Isolated((options ?? new RegistryClientOptions()) with { Environment = key => environment.GetValueOrDefault(key) });

    private static Dictionary<string, string?> EnvironmentCredentials(string user, string password) => new()
    {
        [Skills.Oci.Build.Auth.EnvironmentCredentials.Username] = user,
        [Skills.Oci.Build.Auth.EnvironmentCredentials.Password] = password,
        ["HOME"] = "/nonexistent-home",
    };

    [Fact]
    public async Task Basic_auth_works_with_good_credentials()
    {
        await using var registry = await RegistryProcess.StartAsync(new RegistryOptions { BasicAuth = BasicAuthUser.Default });
        using var client = ClientWith(EnvironmentCredentials("testuser", Secret));
        var repository = ImageReference.Parse($"{registry.HostPort}/auth/basic");
        var artifact = SampleArtifact.Create("basic");

        await artifact.PushAsync(client, repository, "1.0.0");

        Assert.Equal(artifact.Manifest, (await client.FetchManifestAsync(repository.WithTag("1.0.0"))).Bytes);
    }

    [Fact]
    public async Task Basic_auth_with_bad_credentials_is_unauthorized_and_names_the_source_but_not_the_secret()
    {
        await using var registry = await RegistryProcess.StartAsync(new RegistryOptions { BasicAuth = BasicAuthUser.Default });
        using var client = ClientWith(EnvironmentCredentials("testuser", "wrong-secret-value"));
        var repository = ImageReference.Parse($"{registry.HostPort}/auth/basic-bad");

        var error = await Assert.ThrowsAsync<RegistryException>(() => client.ListTagsAsync(repository));

        Assert.Equal(RegistryErrorKind.Unauthorized, error.Kind);
        Assert.Contains(registry.HostPort, error.Message, StringComparison.Ordinal);
        Assert.Contains("auth/basic-bad", error.Message, StringComparison.Ordinal);
        Assert.Contains("SKILLS_OCI_REGISTRY_USERNAME", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-secret-value", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-secret-value", RegistryErrorMapping.ToDiagnostic(error).ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Basic_auth_without_credentials_says_where_it_looked()
    {
        await using var registry = await RegistryProcess.StartAsync(new RegistryOptions { BasicAuth = BasicAuthUser.Default });
        using var client = ClientWith(new Dictionary<string, string?> { ["DOCKER_CONFIG"] = _temp.CreateFolder("empty-docker") });
        var repository = ImageReference.Parse($"{registry.HostPort}/auth/basic-none");

        var error = await Assert.ThrowsAsync<RegistryException>(() => client.ListTagsAsync(repository));

        Assert.Equal(RegistryErrorKind.Unauthorized, error.Kind);
        Assert.Equal("anonymous", error.CredentialSource);
        Assert.Contains("No credentials were found", error.Message, StringComparison.Ordinal);
        Assert.Contains("empty-docker", error.Message, StringComparison.Ordinal);
        Assert.Equal(ErrorCodes.RegistryUnauthorized, RegistryErrorMapping.ToDiagnostic(error).Code);
    }

    [Fact]
    public async Task Bearer_tokens_are_requested_with_push_scope_and_reused_for_pulls()
    {
        await using var issuer = await TokenIssuer.StartAsync();
        await using var registry = await RegistryProcess.StartAsync(new RegistryOptions { TokenAuth = issuer });
        using var client = ClientWith(EnvironmentCredentials("testuser", Secret));
        var repository = ImageReference.Parse($"{registry.HostPort}/auth/token");
        var artifact = SampleArtifact.Create("token");

        await artifact.PushAsync(client, repository, "1.0.0");
        var tokensAfterPush = issuer.Requests.Count;
        await client.FetchManifestAsync(repository.WithTag("1.0.0"));
        await client.ListTagsAsync(repository);

        Assert.Contains(issuer.Requests, r => r.Scopes.Contains("repository:auth/token:pull,push") && r.Account == "testuser" && r.HadAuthorization && r.Status == 200);
        Assert.All(issuer.Requests, r => Assert.Equal("test-registry", r.Service));
        // Pulls after the push needed one more token at most (pull scope), not one per request.
        Assert.True(issuer.Requests.Count <= tokensAfterPush + 1, $"tokens: {issuer.Requests.Count}, after push: {tokensAfterPush}");
    }

    [Fact]
    public async Task Anonymous_pull_tokens_serve_public_pulls_but_not_pushes()
    {
        await using var issuer = await TokenIssuer.StartAsync();
        await using var registry = await RegistryProcess.StartAsync(new RegistryOptions { TokenAuth = issuer });
        var repository = ImageReference.Parse($"{registry.HostPort}/auth/public");
        var artifact = SampleArtifact.Create("public");
        using (var publisher = ClientWith(EnvironmentCredentials("testuser", Secret)))
        {
            await artifact.PushAsync(publisher, repository, "1.0.0");
        }

        issuer.ClearRequests();
        using var anonymous = ClientWith(new Dictionary<string, string?> { ["DOCKER_CONFIG"] = _temp.CreateFolder("no-docker") });
        var manifest = await anonymous.FetchManifestAsync(repository.WithTag("1.0.0"));
        var push = await Assert.ThrowsAsync<RegistryException>(() => SampleArtifact.Create("public", seed: 5).PushAsync(anonymous, repository, "2.0.0"));

        Assert.Equal(artifact.Manifest, manifest.Bytes);
        Assert.Contains(issuer.Requests, r => !r.HadAuthorization && r.Status == 200 && r.Scopes.Contains("repository:auth/public:pull"));
        Assert.Equal(RegistryErrorKind.Unauthorized, push.Kind);
        Assert.Contains("No credentials were found", push.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Once_a_registry_named_its_token_service_a_new_repository_gets_its_token_without_a_401_first()
    {
        await using var issuer = await TokenIssuer.StartAsync();
        await using var registry = await RegistryProcess.StartAsync(new RegistryOptions { TokenAuth = issuer, AccessLog = true });
        using (var publisher = ClientWith(EnvironmentCredentials("testuser", Secret)))
        {
            foreach (var name in new[] { "one", "two", "three" })
            {
                await SampleArtifact.Create(name).PushAsync(publisher, ImageReference.Parse($"{registry.HostPort}/ahead/{name}"), "1.0.0");
            }
        }

        using var client = ClientWith(EnvironmentCredentials("testuser", Secret));
        await client.FetchManifestAsync(ImageReference.Parse($"{registry.HostPort}/ahead/one:1.0.0"));
        registry.ClearRequests();
        issuer.ClearRequests();

        await client.FetchManifestAsync(ImageReference.Parse($"{registry.HostPort}/ahead/two:1.0.0"));
        await client.FetchManifestAsync(ImageReference.Parse($"{registry.HostPort}/ahead/three:1.0.0"));

        var requests = (await registry.WaitForRequestsAsync()).Where(r => r.PathAndQuery.StartsWith("/v2/ahead/", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, requests.Count);
        Assert.All(requests, r => Assert.Equal(200, r.Status));
        Assert.Equal(2, issuer.Requests.Count(r => r.Status == 200));
        Assert.Contains(issuer.Requests, r => r.Scopes.Contains("repository:ahead/two:pull"));
    }

    [Fact]
    public async Task A_user_without_push_rights_is_denied()
    {
        await using var issuer = await TokenIssuer.StartAsync(new TokenIssuerOptions
        {
            Users = new Dictionary<string, string> { ["testuser"] = Secret, ["reader"] = "readerpass" },
            ReadOnlyUsers = ["reader"],
        });
        await using var registry = await RegistryProcess.StartAsync(new RegistryOptions { TokenAuth = issuer });
        using var client = ClientWith(EnvironmentCredentials("reader", "readerpass"));
        var repository = ImageReference.Parse($"{registry.HostPort}/auth/readonly");

        var error = await Assert.ThrowsAsync<RegistryException>(() => SampleArtifact.Create("readonly").PushAsync(client, repository, "1.0.0"));

        Assert.Equal(RegistryErrorKind.Denied, error.Kind);
        Assert.Equal(ErrorCodes.RegistryDenied, RegistryErrorMapping.ToDiagnostic(error).Code);
    }

    [Fact]
    public async Task Bad_credentials_for_a_token_service_are_unauthorized()
    {
        await using var issuer = await TokenIssuer.StartAsync();
        await using var registry = await RegistryProcess.StartAsync(new RegistryOptions { TokenAuth = issuer });
        using var client = ClientWith(EnvironmentCredentials("testuser", "not-the-password"));

        var error = await Assert.ThrowsAsync<RegistryException>(() => client.ListTagsAsync(ImageReference.Parse($"{registry.HostPort}/auth/bad-token")));

        Assert.Equal(RegistryErrorKind.Unauthorized, error.Kind);
        Assert.Contains("rejected the credentials", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_identity_token_is_exchanged_with_the_oauth2_refresh_grant()
    {
        await using var issuer = await TokenIssuer.StartAsync(new TokenIssuerOptions
        {
            IdentityTokens = new Dictionary<string, string> { ["refresh-123"] = "testuser" },
        });
        await using var registry = await RegistryProcess.StartAsync(new RegistryOptions { TokenAuth = issuer });
        var dockerConfig = _temp.CreateFolder("docker-identity");
        new DockerConfigWriter().WithIdentityToken(registry.HostPort, "refresh-123").Write(dockerConfig);
        using var client = ClientWith(new Dictionary<string, string?> { ["DOCKER_CONFIG"] = dockerConfig });
        var repository = ImageReference.Parse($"{registry.HostPort}/auth/identity");

        await SampleArtifact.Create("identity").PushAsync(client, repository, "1.0.0");

        Assert.Contains(issuer.Requests, r => r.Method == "POST" && r.GrantType == "refresh_token" && r.Status == 200);
    }

    [Fact]
    public async Task Docker_config_auths_are_used()
    {
        await using var registry = await RegistryProcess.StartAsync(new RegistryOptions { BasicAuth = BasicAuthUser.Default });
        var dockerConfig = _temp.CreateFolder("docker-auths");
        new DockerConfigWriter().WithAuth(registry.HostPort, "testuser", Secret).Write(dockerConfig);
        using var client = ClientWith(new Dictionary<string, string?> { ["DOCKER_CONFIG"] = dockerConfig });
        var repository = ImageReference.Parse($"{registry.HostPort}/auth/docker-config");

        await SampleArtifact.Create("docker-config").PushAsync(client, repository, "1.0.0");

        Assert.Equal(["1.0.0"], await client.ListTagsAsync(repository));
    }

    [Fact]
    public async Task A_credential_helper_named_in_docker_config_is_run_with_the_server_url()
    {
        await using var registry = await RegistryProcess.StartAsync(new RegistryOptions { BasicAuth = BasicAuthUser.Default });
        var helper = CredentialHelperScript.Create(_temp.CreateFolder("helpers"), "test",
            new Dictionary<string, HelperCredential> { [registry.HostPort] = new("testuser", Secret) });
        var dockerConfig = _temp.CreateFolder("docker-helper");
        new DockerConfigWriter().WithCredentialHelper(registry.HostPort, "test").Write(dockerConfig);
        var previousPath = Environment.GetEnvironmentVariable("PATH");
        Environment.SetEnvironmentVariable("PATH", helper.PathWithHelper);
        try
        {
            using var client = ClientWith(new Dictionary<string, string?> { ["DOCKER_CONFIG"] = dockerConfig });
            var repository = ImageReference.Parse($"{registry.HostPort}/auth/helper");

            await SampleArtifact.Create("helper").PushAsync(client, repository, "1.0.0");

            var invocation = Assert.Single(helper.ReadInvocations());
            Assert.Equal("get", invocation.Verb);
            Assert.Equal(registry.HostPort, invocation.ServerUrl);
        }
        finally
        {
            Environment.SetEnvironmentVariable("PATH", previousPath);
        }
    }

    [Fact]
    public async Task A_missing_credential_helper_is_a_coded_error_naming_it()
    {
        await using var registry = await RegistryProcess.StartAsync(new RegistryOptions { BasicAuth = BasicAuthUser.Default });
        var dockerConfig = _temp.CreateFolder("docker-missing-helper");
        new DockerConfigWriter().WithCredentialStore("does-not-exist").Write(dockerConfig);
        using var client = ClientWith(new Dictionary<string, string?> { ["DOCKER_CONFIG"] = dockerConfig });

        var error = await Assert.ThrowsAsync<SkillsOciException>(() => client.ListTagsAsync(ImageReference.Parse($"{registry.HostPort}/auth/missing-helper")));

        Assert.Equal(ErrorCodes.CredentialHelperFailed, error.Code);
        Assert.Contains("docker-credential-does-not-exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tls_with_a_certificate_the_client_trusts_works()
    {
        await using var registry = await RegistryProcess.StartAsync(new RegistryOptions { Tls = true });
        using var client = ClientWith(new Dictionary<string, string?>(), new RegistryClientOptions
        {
            AdditionalTrustedCertificates = [registry.TlsCertificate!],
        });
        var repository = ImageReference.Parse($"{registry.HostPort}/auth/tls");
        var artifact = SampleArtifact.Create("tls");

        await artifact.PushAsync(client, repository, "1.0.0");

        Assert.Equal(artifact.Manifest, (await client.FetchManifestAsync(repository.WithTag("1.0.0"))).Bytes);
        Assert.Equal("https", client.SchemeFor(registry.HostPort));
    }

    [Fact]
    public async Task Tls_requests_go_over_http2_and_concurrent_ones_share_one_connection()
    {
        await using var registry = await RegistryProcess.StartAsync(new RegistryOptions { Tls = true, AccessLog = true });
        using var client = ClientWith(new Dictionary<string, string?>(), new RegistryClientOptions
        {
            AdditionalTrustedCertificates = [registry.TlsCertificate!],
        });
        var repository = ImageReference.Parse($"{registry.HostPort}/auth/h2");
        var artifact = SampleArtifact.Create("h2");
        await artifact.PushAsync(client, repository, "1.0.0");
        var manifest = await client.FetchManifestAsync(repository.WithTag("1.0.0"));

        // Over HTTP/1.1 eight requests in flight need eight connections; over HTTP/2 they are streams of one.
        var fetched = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => client.FetchManifestAsync(repository, manifest.Descriptor)));

        Assert.All(fetched, f => Assert.Equal(artifact.Manifest, f.Bytes));
        var requests = await registry.WaitForRequestsAsync();
        Assert.Contains(requests, r => r.Method == "PUT");
        Assert.All(requests, r => Assert.Equal("HTTP/2.0", r.Protocol));
        Assert.Single(RemoteAddresses(registry.StandardError, "/v2/auth/h2/"));
    }

    [Fact]
    public async Task Plain_http_requests_stay_on_http1()
    {
        await using var registry = await RegistryProcess.StartAsync(new RegistryOptions { AccessLog = true });
        using var client = ClientWith(new Dictionary<string, string?>());
        var repository = ImageReference.Parse($"{registry.HostPort}/auth/h1");

        await SampleArtifact.Create("h1").PushAsync(client, repository, "1.0.0");

        var requests = await registry.WaitForRequestsAsync();
        Assert.NotEmpty(requests);
        Assert.All(requests, r => Assert.Equal("HTTP/1.1", r.Protocol));
    }

    [Fact]
    public async Task Tls_with_an_untrusted_certificate_fails_as_unreachable_and_says_why()
    {
        await using var registry = await RegistryProcess.StartAsync(new RegistryOptions { Tls = true });
        using var client = ClientWith(new Dictionary<string, string?>());

        var error = await Assert.ThrowsAsync<RegistryException>(() => client.ListTagsAsync(ImageReference.Parse($"{registry.HostPort}/auth/untrusted")));

        Assert.Equal(RegistryErrorKind.Unreachable, error.Kind);
        Assert.Contains("SSL", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_registry_listed_as_insecure_accepts_an_unverified_certificate()
    {
        await using var registry = await RegistryProcess.StartAsync(new RegistryOptions { Tls = true });
        using var client = ClientWith(new Dictionary<string, string?> { [RegistryClientOptions.InsecureRegistriesVariable] = "example.invalid; " + registry.HostPort });
        var repository = ImageReference.Parse($"{registry.HostPort}/auth/insecure");

        await SampleArtifact.Create("insecure").PushAsync(client, repository, "1.0.0");

        Assert.Equal("https", client.SchemeFor(registry.HostPort));
    }

    [Fact]
    public async Task Token_and_tls_together()
    {
        await using var issuer = await TokenIssuer.StartAsync();
        await using var registry = await RegistryProcess.StartAsync(new RegistryOptions { TokenAuth = issuer, Tls = true });
        using var client = ClientWith(EnvironmentCredentials("testuser", Secret), new RegistryClientOptions
        {
            AdditionalTrustedCertificates = new X509Certificate2Collection(registry.TlsCertificate!),
        });
        var repository = ImageReference.Parse($"{registry.HostPort}/auth/token-tls");

        await SampleArtifact.Create("token-tls").PushAsync(client, repository, "1.0.0");

        Assert.Equal(["1.0.0"], await client.ListTagsAsync(repository));
    }

    /// <summary>The client address and port of each request under <paramref name="path"/> in distribution's application log: one per connection.</summary>
    private static HashSet<string> RemoteAddresses(string log, string path) =>
        log.Split('\n')
            .Where(line => line.Contains("msg=\"response completed\"", StringComparison.Ordinal) && line.Contains($"http.request.uri=\"{path}", StringComparison.Ordinal))
            .Select(line => System.Text.RegularExpressions.Regex.Match(line, "http\\.request\\.remoteaddr=\"(?<address>[^\"]+)\"").Groups["address"].Value)
            .ToHashSet(StringComparer.Ordinal);
}
