using System.Text;

namespace Skills.Oci.Build.FileSystem;

/// <summary>
/// The one way this project writes a file that others read: into a temporary file beside the target,
/// then moved over it, so a reader (or a crash) never sees a half-written file.
/// </summary>
public static class AtomicFile
{
    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    /// <param name="unixMode">The file's mode on Unix, set before it is visible (0600 for a file holding secrets); null for the default.</param>
    public static async Task WriteAsync(string path, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken, UnixFileMode? unixMode = null)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var temp = TempPathBeside(path);
        try
        {
            var fileOptions = new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                Share = FileShare.None,
                BufferSize = 81920,
                Options = FileOptions.Asynchronous,
            };
            if (unixMode is { } mode && !OperatingSystem.IsWindows())
            {
                fileOptions.UnixCreateMode = mode;
            }

            await using (var stream = new FileStream(temp, fileOptions))
            {
                await write(stream, cancellationToken).ConfigureAwait(false);
                await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
            }

            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    public static Task WriteAllBytesAsync(string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken, UnixFileMode? unixMode = null) =>
        WriteAsync(path, (stream, ct) => stream.WriteAsync(content, ct).AsTask(), cancellationToken, unixMode);

    /// <summary>Writes UTF-8 text without a BOM.</summary>
    public static Task WriteAllTextAsync(string path, string content, CancellationToken cancellationToken) =>
        WriteAllBytesAsync(path, Utf8NoBom.GetBytes(content), cancellationToken);

    /// <summary>
    /// Writes only when the content differs from what is on disk, so unchanged files keep their
    /// timestamps (no churn for incremental builds and file watchers). Returns true when written.
    /// </summary>
    public static async Task<bool> WriteIfChangedAsync(string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        if (File.Exists(path))
        {
            var existing = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
            if (existing.AsSpan().SequenceEqual(content.Span))
            {
                return false;
            }
        }

        await WriteAllBytesAsync(path, content, cancellationToken).ConfigureAwait(false);
        return true;
    }

    public static Task<bool> WriteTextIfChangedAsync(string path, string content, CancellationToken cancellationToken) =>
        WriteIfChangedAsync(path, Utf8NoBom.GetBytes(content), cancellationToken);

    /// <summary>A unique temporary file name in the target's folder (same volume, so the move is atomic).</summary>
    public static string TempPathBeside(string path) => TempName.Beside(path);

    public static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
