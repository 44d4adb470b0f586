using System.IO.Compression;
using System.Text;

namespace Skills.Oci.Build.Tests.Infrastructure;

/// <summary>The decompressed bytes of an MSBuild binary log as text, to check that a secret is absent.</summary>
public static class BinaryLogText
{
    public static string Read(string binlog)
    {
        using var gzip = new GZipStream(File.OpenRead(binlog), CompressionMode.Decompress);
        using var copy = new MemoryStream();
        gzip.CopyTo(copy);
        // Strings are UTF-8 in the binlog; Latin-1 keeps every byte so an embedded ASCII secret stays findable.
        return Encoding.Latin1.GetString(copy.ToArray());
    }

    public static Task<string> ReadAsync(string binlog) => Task.FromResult(Read(binlog));
}
