namespace Skills.Oci.Build.Tests.Infrastructure;

/// <summary>
/// A unique folder under the system temp folder, deleted on dispose. It lives outside any git
/// repository so that MSBuild, NuGet and git never pick up the repository's own configuration.
/// </summary>
public sealed class TempDirectory : IDisposable
{
    private const string Prefix = "skills-oci-tests-";

    public TempDirectory(string? purpose = null)
    {
        var name = Prefix + (purpose is null ? string.Empty : purpose + "-") + Guid.NewGuid().ToString("N")[..12];
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), name);
        System.IO.Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    /// <summary>The full path of <paramref name="relative"/> inside this folder (not created).</summary>
    public string File(string relative) => System.IO.Path.Combine(Path, relative);

    /// <summary>Creates (if needed) and returns a sub-folder.</summary>
    public string Directory(string relative) => System.IO.Directory.CreateDirectory(File(relative)).FullName;

    /// <summary>Writes UTF-8 text (no BOM), creating parent folders; returns the full path.</summary>
    public string Write(string relative, string content)
    {
        var path = File(relative);
        System.IO.Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        System.IO.File.WriteAllText(path, content);
        return path;
    }

    /// <summary>Writes bytes, creating parent folders; returns the full path.</summary>
    public string Write(string relative, byte[] content)
    {
        var path = File(relative);
        System.IO.Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        System.IO.File.WriteAllBytes(path, content);
        return path;
    }

    public void Dispose() => DeleteWithRetries(Path);

    /// <summary>
    /// Deletes a folder tree, retrying because a child process that was just killed may still hold
    /// files open for a moment. A folder that still cannot be deleted is left behind rather than
    /// failing the test that already ran.
    /// </summary>
    public static void DeleteWithRetries(string path)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                if (System.IO.Directory.Exists(path))
                {
                    System.IO.Directory.Delete(path, recursive: true);
                }

                return;
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                if (attempt == 5)
                {
                    Console.Error.WriteLine($"TempDirectory: could not delete '{path}': {exception}");
                    return;
                }

                Thread.Sleep(100 * attempt);
            }
        }
    }
}
