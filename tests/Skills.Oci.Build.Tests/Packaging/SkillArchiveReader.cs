using System.Formats.Tar;
using System.IO.Compression;
using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Format;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Packaging;

namespace Skills.Oci.Build.Tests.Packaging;

/// <summary>Packs folders in memory and reads archives back, for assertions on every header field.</summary>
internal static class SkillArchiveReader
{
    public sealed record Packed(byte[] Bytes, SkillArchive Archive);

    public sealed record Entry(string Name, TarEntryType Type, TarEntryFormat Format, UnixFileMode Mode, DateTimeOffset ModificationTime, int Uid, int Gid, string UserName, string GroupName, byte[] Data);

    /// <summary>Every file under <paramref name="folder"/>, as MSBuild's default glob would give them.</summary>
    public static List<SkillFileItem> FilesUnder(string folder, Func<string, bool?>? executable = null) =>
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Select(f => new SkillFileItem(f, executable?.Invoke(Path.GetRelativePath(folder, f).Replace('\\', '/'))))
            .ToList();

    public static async Task<Packed> PackAsync(string name, string folder, IEnumerable<SkillFileItem>? files = null, OciLimits? limits = null)
    {
        var diagnostics = new List<Diagnostic>();
        var content = SkillContent.Create(SkillName.Parse(name), folder, files ?? FilesUnder(folder), limits ?? OciLimits.Default, diagnostics);
        Assert.True(content is not null, string.Join(" | ", diagnostics));
        using var output = new MemoryStream();
        var archive = await SkillArchiveWriter.WriteAsync(content.Name, content.Entries, output, limits ?? OciLimits.Default, CancellationToken.None);
        return new Packed(output.ToArray(), archive);
    }

    public static byte[] Gunzip(byte[] gzip)
    {
        using var input = new GZipStream(new MemoryStream(gzip), CompressionMode.Decompress);
        using var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }

    public static List<Entry> ReadEntries(byte[] gzip)
    {
        var entries = new List<Entry>();
        using var reader = new TarReader(new MemoryStream(Gunzip(gzip)));
        while (reader.GetNextEntry(copyData: true) is { } entry)
        {
            var posix = Assert.IsAssignableFrom<PosixTarEntry>(entry);
            using var data = new MemoryStream();
            entry.DataStream?.CopyTo(data);
            entries.Add(new Entry(entry.Name, entry.EntryType, entry.Format, entry.Mode, entry.ModificationTime, entry.Uid, entry.Gid, posix.UserName, posix.GroupName, data.ToArray()));
        }

        return entries;
    }
}
