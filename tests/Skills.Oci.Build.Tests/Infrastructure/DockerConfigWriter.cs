using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Skills.Oci.Build.Tests.Infrastructure;

/// <summary>
/// Builds a Docker <c>config.json</c> for a test's <c>DOCKER_CONFIG</c> folder: <c>auths</c> entries
/// (user/password as base64 <c>auth</c>, or an <c>identitytoken</c>), <c>credHelpers</c> and <c>credsStore</c>.
/// </summary>
public sealed class DockerConfigWriter
{
    private readonly JsonObject _auths = [];
    private readonly JsonObject _credHelpers = [];
    private string? _credsStore;

    /// <summary>An <c>auths</c> entry with <c>auth</c> = base64(<c>user:password</c>), as <c>docker login</c> writes it.</summary>
    public DockerConfigWriter WithAuth(string server, string username, string password)
    {
        _auths[server] = new JsonObject { ["auth"] = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{username}:{password}")) };
        return this;
    }

    /// <summary>
    /// An <c>auths</c> entry holding an identity (refresh) token. Docker writes the user name with an
    /// empty password next to it (ACR uses the all-zero GUID as user name).
    /// </summary>
    public DockerConfigWriter WithIdentityToken(string server, string identityToken, string username = "00000000-0000-0000-0000-000000000000")
    {
        _auths[server] = new JsonObject
        {
            ["auth"] = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{username}:")),
            ["identitytoken"] = identityToken,
        };
        return this;
    }

    /// <summary>A raw <c>auths</c> entry, for malformed-config tests.</summary>
    public DockerConfigWriter WithRawAuthEntry(string server, JsonObject entry)
    {
        _auths[server] = entry;
        return this;
    }

    /// <summary>A <c>credHelpers</c> entry: this server's credentials come from <c>docker-credential-&lt;helper&gt;</c>.</summary>
    public DockerConfigWriter WithCredentialHelper(string server, string helper)
    {
        _credHelpers[server] = helper;
        return this;
    }

    /// <summary>The default helper for every server without an <c>auths</c> or <c>credHelpers</c> entry.</summary>
    public DockerConfigWriter WithCredentialStore(string helper)
    {
        _credsStore = helper;
        return this;
    }

    public string ToJson()
    {
        var root = new JsonObject { ["auths"] = _auths.DeepClone() };
        if (_credHelpers.Count > 0)
        {
            root["credHelpers"] = _credHelpers.DeepClone();
        }

        if (_credsStore is not null)
        {
            root["credsStore"] = _credsStore;
        }

        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>Writes <c>config.json</c> into <paramref name="dockerConfigFolder"/> (created if needed); returns the file path.</summary>
    public string Write(string dockerConfigFolder)
    {
        Directory.CreateDirectory(dockerConfigFolder);
        var path = Path.Combine(dockerConfigFolder, "config.json");
        File.WriteAllText(path, ToJson());
        return path;
    }
}
