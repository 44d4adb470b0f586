using System.Diagnostics;
using System.Text;

namespace Skills.Oci.Build.Tests.Packaging;

/// <summary>
/// A folder under the system temp path (outside the repository), deleted on dispose. Files are
/// written with LF and no BOM unless the test writes bytes itself.
/// </summary>
internal sealed class PackagingTempFolder : IDisposable
{
    public PackagingTempFolder()
    {
        Root = Path.Combine(Path.GetTempPath(), "skoci-pack-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    public string PathOf(string relative) => Path.Combine(Root, relative.Replace('/', Path.DirectorySeparatorChar));

    public string Write(string relative, string content, UnixFileMode? mode = null) =>
        WriteBytes(relative, Encoding.UTF8.GetBytes(content), mode);

    public string WriteBytes(string relative, byte[] content, UnixFileMode? mode = null)
    {
        var path = PathOf(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
        if (mode is { } m && !OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, m);
        }

        return path;
    }

    /// <summary>Writes a minimal valid skill folder <paramref name="folder"/> with the given SKILL.md frontmatter lines.</summary>
    public string WriteSkill(string folder, params string[] frontmatter)
    {
        Write($"{folder}/SKILL.md", "---\n" + string.Join("\n", frontmatter) + "\n---\n# Instructions\n\nDo the thing.\n");
        return PathOf(folder);
    }

    public static void Run(string fileName, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(fileName, arguments) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{fileName} {string.Join(' ', arguments)} failed: {process.StandardError.ReadToEnd()}");
    }

    public void Dispose()
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            try
            {
                if (Directory.Exists(Root))
                {
                    Directory.Delete(Root, recursive: true);
                }

                return;
            }
            catch (IOException) when (attempt < 4)
            {
                Thread.Sleep(100 * (attempt + 1));
            }
            catch (UnauthorizedAccessException) when (attempt < 4)
            {
                Thread.Sleep(100 * (attempt + 1));
            }
        }
    }
}
