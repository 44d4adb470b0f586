namespace Skills.Oci.Build.FileSystem;

/// <summary>
/// A cross-process exclusive lock held as an open lock file. Parallel restores (<c>-m</c>, static
/// graph in another process) and concurrent cache writers take it around shared state.
/// </summary>
public sealed class FileLock : IDisposable
{
    private readonly FileStream _stream;

    private FileLock(FileStream stream, string path)
    {
        _stream = stream;
        Path = path;
    }

    public string Path { get; }

    /// <summary>Waits for the lock, retrying with back-off, until <paramref name="timeout"/>.</summary>
    /// <exception cref="TimeoutException">Another process held the lock for the whole timeout.</exception>
    public static async Task<FileLock> AcquireAsync(string path, TimeSpan timeout, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        var deadline = DateTime.UtcNow + timeout;
        var delay = TimeSpan.FromMilliseconds(10);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
                return new FileLock(stream, path);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 250));
            }
            catch (IOException ex)
            {
                throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0} s waiting for the lock file '{path}' held by another process.", ex);
            }
        }
    }

    public void Dispose() => _stream.Dispose();
}
