namespace Skills.Oci.Build.Tests.Infrastructure;

/// <summary>
/// skopeo 1.9 as an independent OCI client: reads what our code pushed (and pushes what our code
/// must read) so tests do not only check our client against itself. Use <c>inspect --raw</c>;
/// plain <c>inspect</c> rejects non-image artifacts.
/// </summary>
public static class Skopeo
{
    public static Task<ProcessResult> RunAsync(IEnumerable<string> arguments, CancellationToken cancellationToken = default) =>
        ProcessRunner.RunAsync("skopeo", arguments, configureEnvironment: Isolate, timeout: TimeSpan.FromMinutes(1), cancellationToken: cancellationToken);

    /// <summary>The exact manifest bytes at <c>docker://HOST:PORT/REPOSITORY:TAG</c> (or <c>@DIGEST</c>), over plain HTTP or untrusted TLS.</summary>
    public static async Task<byte[]> InspectRawAsync(string hostPort, string repositoryAndReference, CancellationToken cancellationToken = default)
    {
        // stdout goes through a string reader, which would normalise the bytes; write to a file instead.
        using var folder = new TempFolder("skopeo");
        var file = folder.Combine("manifest.json");
        var result = await ProcessRunner.RunAsync(
            "sh",
            ["-c", "skopeo inspect --raw --tls-verify=false \"$1\" > \"$2\"", "skopeo", $"docker://{hostPort}/{repositoryAndReference}", file],
            configureEnvironment: Isolate,
            timeout: TimeSpan.FromMinutes(1),
            cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"skopeo inspect failed: {result}");
        }

        return await File.ReadAllBytesAsync(file, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Keeps the developer's registry logins away from skopeo.</summary>
    private static void Isolate(IDictionary<string, string?> environment)
    {
        environment["REGISTRY_AUTH_FILE"] = Path.Combine(Path.GetTempPath(), $"{TempFolder.Prefix}no-auth-file.json");
        environment["DOCKER_CONFIG"] = Path.Combine(Path.GetTempPath(), $"{TempFolder.Prefix}no-docker-config");
    }
}
