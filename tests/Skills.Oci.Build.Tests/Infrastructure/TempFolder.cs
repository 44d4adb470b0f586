namespace Skills.Oci.Build.Tests.Infrastructure;

/// <summary>
/// A unique folder under the system temp folder, deleted with everything in it on dispose. It lives
/// outside any git repository so that MSBuild, NuGet and git never pick up the repository's own
/// configuration, and its name starts with <see cref="Prefix"/> so a leftover is easy to recognise.
/// </summary>
public sealed class TempFolder : IDisposable
{
    public const string Prefix = "skoci-";

    public TempFolder(string? purpose = null)
    {
        var name = Prefix + (purpose is null ? string.Empty : purpose + "-") + Guid.NewGuid().ToString("N")[..12];
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), name);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    /// <summary>The full path of <paramref name="parts"/> inside this folder (not created); a part may hold '/'.</summary>
    public string Combine(params string[] parts) =>
        System.IO.Path.Combine([Path, .. parts.Select(part => part.Replace('/', System.IO.Path.DirectorySeparatorChar))]);

    /// <summary>Creates (if needed) a sub-folder and returns its full path.</summary>
    public string CreateFolder(params string[] parts) => Directory.CreateDirectory(Combine(parts)).FullName;

    /// <summary>Writes UTF-8 text (no BOM, line endings as given), creating parent folders; returns the full path.</summary>
    public string Write(string relative, string content, UnixFileMode? mode = null) =>
        Write(relative, System.Text.Encoding.UTF8.GetBytes(content), mode);

    /// <summary>Writes bytes, creating parent folders, with <paramref name="mode"/> where the OS has modes; returns the full path.</summary>
    public string Write(string relative, byte[] content, UnixFileMode? mode = null)
    {
        var path = Combine(relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
        if (mode is { } unixMode && !OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, unixMode);
        }

        return path;
    }

    public void Dispose() => Delete(Path);

    /// <summary>
    /// Deletes a folder tree, also when a test left files or folders read-only. It tries again while
    /// a child process that was just killed still holds files open; a folder that still cannot be
    /// deleted after that is left behind (and reported on stderr) rather than failing a test that
    /// already ran.
    /// </summary>
    public static void Delete(string path)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(3);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                if (Directory.Exists(path))
                {
                    Directory.Delete(path, recursive: true);
                }

                return;
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                if (DateTime.UtcNow >= deadline)
                {
                    Console.Error.WriteLine($"TempFolder: could not delete '{path}': {exception}");
                    return;
                }

                MakeWritable(path);
                Thread.Sleep(20 * attempt);
            }
        }
    }

    /// <summary>Read-only files block deletion on Windows, folders without write permission on Unix.</summary>
    private static void MakeWritable(string path)
    {
        var root = new DirectoryInfo(path);
        if (!root.Exists)
        {
            return;
        }

        var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = false, AttributesToSkip = 0 };
        try
        {
            MakeWritable(root);
            foreach (var entry in root.EnumerateFileSystemInfos("*", options))
            {
                MakeWritable(entry);
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // A folder that cannot even be listed yet; the next attempt tries again from the top.
        }
    }

    private static void MakeWritable(FileSystemInfo entry)
    {
        if (entry.LinkTarget is not null)
        {
            // Never follow a link out of the tree; the link itself is deleted whatever its target's mode.
            return;
        }

        if (entry.Attributes.HasFlag(FileAttributes.ReadOnly))
        {
            entry.Attributes &= ~FileAttributes.ReadOnly;
        }

        if (!OperatingSystem.IsWindows() && entry is DirectoryInfo)
        {
            entry.UnixFileMode |= UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        }
    }
}
