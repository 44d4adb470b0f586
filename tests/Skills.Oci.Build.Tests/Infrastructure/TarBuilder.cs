using System.Formats.Tar;
using System.IO.Compression;
using System.Text;

namespace Skills.Oci.Build.Tests.Infrastructure;

/// <summary>
/// Builds tar archives entry by entry, as plain or gzip-compressed bytes, including the hostile ones
/// a real writer never produces. A well-formed skill starts from <see cref="SkillFixture.ToTar"/>.
/// </summary>
public sealed class TarBuilder
{
    private readonly List<Action<TarWriter>> _entries = [];
    private readonly TarEntryFormat _format;

    public TarBuilder(TarEntryFormat format = TarEntryFormat.Ustar)
    {
        _format = format;
    }

    public TarBuilder Directory(string name)
    {
        _entries.Add(w => w.WriteEntry(Create(TarEntryType.Directory, name, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute)));
        return this;
    }

    public TarBuilder File(string name, string content, UnixFileMode mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead) =>
        File(name, Encoding.UTF8.GetBytes(content), mode);

    public TarBuilder File(string name, byte[] content, UnixFileMode mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead)
    {
        _entries.Add(w =>
        {
            var entry = Create(_format == TarEntryFormat.V7 ? TarEntryType.V7RegularFile : TarEntryType.RegularFile, name, mode);
            entry.DataStream = new MemoryStream(content);
            w.WriteEntry(entry);
        });
        return this;
    }

    public TarBuilder Entry(TarEntryType type, string name, string? linkName = null)
    {
        _entries.Add(w =>
        {
            var entry = Create(type, name, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            if (linkName is not null)
            {
                entry.LinkName = linkName;
            }

            w.WriteEntry(entry);
        });
        return this;
    }

    public TarBuilder Raw(Action<TarWriter> write)
    {
        _entries.Add(write);
        return this;
    }

    public byte[] ToTar()
    {
        using var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, _format, leaveOpen: true))
        {
            foreach (var write in _entries)
            {
                write(writer);
            }
        }

        return tar.ToArray();
    }

    public byte[] ToGzip() => Gzip(ToTar());

    public static byte[] Gzip(byte[] content)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(content);
        }

        return output.ToArray();
    }

    /// <summary>
    /// A small gzip stream whose tar expands past <paramref name="claimedSize"/>: one ustar header
    /// claiming a huge file, followed by zeros streamed through the compressor.
    /// </summary>
    public static byte[] GzipBomb(string name, long claimedSize)
    {
        var header = new byte[512];
        void Put(int offset, string text) => Encoding.ASCII.GetBytes(text).CopyTo(header, offset);
        Put(0, name + "/big");
        Put(100, "0000644\0");
        Put(108, "0000000\0");
        Put(116, "0000000\0");
        Put(124, Convert.ToString(claimedSize, 8).PadLeft(11, '0') + "\0");
        Put(136, "00000000000\0");
        header[156] = (byte)'0';
        Put(257, "ustar\0");
        Put(263, "00");
        Put(148, "        ");
        var sum = header.Sum(b => b);
        Put(148, Convert.ToString(sum, 8).PadLeft(6, '0') + "\0 ");

        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            gzip.Write(header);
            var zeros = new byte[1 << 20];
            for (long written = 0; written < claimedSize; written += zeros.Length)
            {
                gzip.Write(zeros, 0, (int)Math.Min(zeros.Length, claimedSize - written));
            }
        }

        return output.ToArray();
    }

    private TarEntry Create(TarEntryType type, string name, UnixFileMode mode)
    {
        TarEntry entry = _format switch
        {
            TarEntryFormat.Pax => new PaxTarEntry(type, name),
            TarEntryFormat.Gnu => new GnuTarEntry(type, name),
            TarEntryFormat.V7 => new V7TarEntry(type, name),
            _ => new UstarTarEntry(type, name),
        };
        entry.Mode = mode;
        return entry;
    }
}
