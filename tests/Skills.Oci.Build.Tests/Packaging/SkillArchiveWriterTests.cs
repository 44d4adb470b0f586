using System.Buffers.Binary;
using System.Formats.Tar;
using System.IO.Hashing;
using System.Text;
using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Format;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Packaging;


namespace Skills.Oci.Build.Tests.Packaging;

/// <summary>The content layer is reproducible byte for byte: same files, same bytes, whatever the times, modes, order or OS.</summary>
public sealed class SkillArchiveWriterTests : IDisposable
{
    private const UnixFileMode Mode0755 = (UnixFileMode)0b111_101_101;
    private const UnixFileMode Mode0644 = (UnixFileMode)0b110_100_100;

    /// <summary>
    /// The layer digest of testassets/skills/golden-sample on the runtime the tests run on (.NET 10,
    /// zlib-ng). A change means the archive format or the compression changed: every published digest
    /// would change too. Update it only deliberately.
    /// </summary>
    private const string GoldenLayerDigest = "sha256:075e2ade74333663e9e95fce24668be31ae49a6e1d7f390bc02bb4c33905b95b";

    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private void WriteSample(string folder, bool reverseOrder = false, bool restrictiveModes = false, DateTime? mtime = null)
    {
        var files = new (string Path, string Content, bool Executable)[]
        {
            ("SKILL.md", "---\nname: pdf\ndescription: Extract text.\n---\n# PDF\n", false),
            ("scripts/extract.sh", "#!/bin/sh\npdftotext \"$1\" -\n", true),
            ("references/guide.md", "# Guide\n", false),
            ("references/deep/notes.txt", "notes\n", false),
        };
        foreach (var (path, content, executable) in reverseOrder ? files.Reverse() : files)
        {
            var mode = executable
                ? (restrictiveModes ? UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute : Mode0755)
                : (restrictiveModes ? UnixFileMode.UserRead | UnixFileMode.UserWrite : Mode0644);
            var full = _temp.Write($"{folder}/{path}", content, mode);
            if (mtime is { } time)
            {
                File.SetLastWriteTimeUtc(full, time);
            }
        }

        if (restrictiveModes && !OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(_temp.Combine($"{folder}/references"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    private static bool? ScriptsExecutable(string relative) => relative.StartsWith("scripts/", StringComparison.Ordinal) ? true : null;

    [Fact]
    public async Task Packing_the_same_folder_twice_gives_identical_bytes()
    {
        WriteSample("pdf");
        var first = await SkillArchiveReader.PackAsync("pdf", _temp.Combine("pdf"));
        var second = await SkillArchiveReader.PackAsync("pdf", _temp.Combine("pdf"));
        Assert.Equal(first.Bytes, second.Bytes);
        Assert.Equal(first.Archive.Digest, second.Archive.Digest);
        Assert.Equal(Digest.ComputeSha256(first.Bytes), first.Archive.Digest);
        Assert.Equal(first.Bytes.Length, first.Archive.Size);
    }

    [Fact]
    public async Task Copies_with_other_mtimes_modes_and_creation_order_give_the_same_digest()
    {
        WriteSample("a/pdf", mtime: new DateTime(2001, 2, 3, 4, 5, 6, DateTimeKind.Utc));
        WriteSample("b/pdf", reverseOrder: true, restrictiveModes: true, mtime: new DateTime(2025, 12, 31, 23, 59, 59, DateTimeKind.Utc));
        var a = await SkillArchiveReader.PackAsync("pdf", _temp.Combine("a/pdf"), SkillArchiveReader.FilesUnder(_temp.Combine("a/pdf"), ScriptsExecutable));
        var b = await SkillArchiveReader.PackAsync("pdf", _temp.Combine("b/pdf"), SkillArchiveReader.FilesUnder(_temp.Combine("b/pdf"), ScriptsExecutable).AsEnumerable().Reverse());
        Assert.Equal(a.Archive.Digest, b.Archive.Digest);
    }

    [Fact]
    public async Task Every_header_field_is_normalised()
    {
        WriteSample("pdf", restrictiveModes: true);
        var packed = await SkillArchiveReader.PackAsync("pdf", _temp.Combine("pdf"), SkillArchiveReader.FilesUnder(_temp.Combine("pdf"), OperatingSystem.IsWindows() ? ScriptsExecutable : null));
        var entries = SkillArchiveReader.ReadEntries(packed.Bytes);

        Assert.Equal(
            ["pdf/", "pdf/SKILL.md", "pdf/references/", "pdf/references/deep/", "pdf/references/deep/notes.txt", "pdf/references/guide.md", "pdf/scripts/", "pdf/scripts/extract.sh"],
            entries.Select(e => e.Name));
        foreach (var entry in entries)
        {
            Assert.Equal(TarEntryFormat.Ustar, entry.Format);
            Assert.Equal(DateTimeOffset.UnixEpoch, entry.ModificationTime);
            Assert.Equal(0, entry.Uid);
            Assert.Equal(0, entry.Gid);
            Assert.Equal(string.Empty, entry.UserName);
            Assert.Equal(string.Empty, entry.GroupName);
            var expected = entry.Type == TarEntryType.Directory || entry.Name.EndsWith(".sh", StringComparison.Ordinal) ? Mode0755 : Mode0644;
            Assert.Equal(expected, entry.Mode);
        }

        Assert.Equal(TarEntryType.Directory, entries[0].Type);
        Assert.Equal("notes\n", Encoding.UTF8.GetString(entries[4].Data));
        Assert.Equal(8, packed.Archive.EntryCount);
    }

    [Fact]
    public async Task Executable_metadata_wins_over_the_file_mode_on_every_os()
    {
        _temp.Write("pdf/SKILL.md", "---\nname: pdf\ndescription: x\n---\n", Mode0755);
        _temp.Write("pdf/run.cmd", "echo\n", Mode0644);
        var packed = await SkillArchiveReader.PackAsync("pdf", _temp.Combine("pdf"), SkillArchiveReader.FilesUnder(_temp.Combine("pdf"), r => r == "run.cmd"));
        var modes = SkillArchiveReader.ReadEntries(packed.Bytes).ToDictionary(e => e.Name, e => e.Mode);
        Assert.Equal(Mode0755, modes["pdf/run.cmd"]);
        Assert.Equal(Mode0644, modes["pdf/SKILL.md"]);
    }

    [Fact]
    public async Task Entries_are_sorted_by_utf8_bytes_and_folders_precede_their_contents()
    {
        new SkillFixture("pdf").WriteFolder(_temp.Combine("pdf"));
        foreach (var name in new[] { "z.md", "a/x.md", "a-b.md", "B.md", "\u00e9.md", "\U0001F600.md", "\uFF21.md" })
        {
            _temp.Write($"pdf/{name}", name);
        }

        var packed = await SkillArchiveReader.PackAsync("pdf", _temp.Combine("pdf"));
        var names = SkillArchiveReader.ReadEntries(packed.Bytes).Select(e => e.Name).ToList();
        // U+FF21 (EF BC A1 in UTF-8) sorts before U+1F600 (F0 ...), unlike UTF-16 ordinal order.
        Assert.Equal(["pdf/", "pdf/B.md", "pdf/SKILL.md", "pdf/a/", "pdf/a-b.md", "pdf/a/x.md", "pdf/z.md", "pdf/\u00e9.md", "pdf/\uFF21.md", "pdf/\U0001F600.md"], names);
    }

    [Fact]
    public async Task Gzip_header_is_fixed_and_trailer_matches_the_tar()
    {
        WriteSample("pdf");
        var packed = await SkillArchiveReader.PackAsync("pdf", _temp.Combine("pdf"));
        Assert.Equal(new byte[] { 0x1F, 0x8B, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03 }, packed.Bytes[..10]);
        var tar = SkillArchiveReader.Gunzip(packed.Bytes);
        Assert.Equal(Crc32.HashToUInt32(tar), BinaryPrimitives.ReadUInt32LittleEndian(packed.Bytes.AsSpan(packed.Bytes.Length - 8)));
        Assert.Equal((uint)tar.Length, BinaryPrimitives.ReadUInt32LittleEndian(packed.Bytes.AsSpan(packed.Bytes.Length - 4)));
        Assert.Equal(tar.Length, packed.Archive.UncompressedSize);
    }

    [Fact]
    public async Task Tar_ends_with_two_zero_blocks_and_no_record_padding()
    {
        new SkillFixture("pdf").WriteFolder(_temp.Combine("pdf"));
        _temp.Write("pdf/big.bin", new string('x', 1500));
        var packed = await SkillArchiveReader.PackAsync("pdf", _temp.Combine("pdf"));
        var tar = SkillArchiveReader.Gunzip(packed.Bytes);
        // Root dir header, SKILL.md header + 1 block, big.bin header + 3 blocks, 2 end blocks.
        Assert.Equal(512 * (1 + 2 + 4 + 2), tar.Length);
        Assert.All(tar[^1024..], b => Assert.Equal(0, b));
    }

    [Fact]
    public async Task A_300_byte_path_is_a_gnu_long_name_entry_and_reads_back()
    {
        new SkillFixture("pdf").WriteFolder(_temp.Combine("pdf"));
        var relative = "references/" + new string('a', 120) + "/" + new string('b', 120) + "/" + new string('c', 44) + ".md";
        Assert.Equal(300, Encoding.UTF8.GetByteCount(relative));
        _temp.Write("pdf/" + relative, "long");
        var packed = await SkillArchiveReader.PackAsync("pdf", _temp.Combine("pdf"));
        var entries = SkillArchiveReader.ReadEntries(packed.Bytes);
        var file = Assert.Single(entries, e => e.Name == "pdf/" + relative);
        Assert.Equal(TarEntryFormat.Gnu, file.Format);
        Assert.Equal("long", Encoding.UTF8.GetString(file.Data));
        Assert.Equal(DateTimeOffset.UnixEpoch, file.ModificationTime);
        Assert.Equal(Mode0644, file.Mode);
        Assert.Equal(string.Empty, file.UserName);
        // The folders that fit stay ustar.
        Assert.Equal(TarEntryFormat.Ustar, entries.Single(e => e.Name == "pdf/references/").Format);
        Assert.DoesNotContain(entries, e => e.Format == TarEntryFormat.Pax);
    }

    [Fact]
    public async Task No_pax_header_is_ever_written()
    {
        new SkillFixture("pdf").WriteFolder(_temp.Combine("pdf"));
        _temp.Write("pdf/" + new string('n', 200) + ".md", "x");
        _temp.Write("pdf/\u00fcnicode-\u00e9.md", "x");
        var tar = SkillArchiveReader.Gunzip((await SkillArchiveReader.PackAsync("pdf", _temp.Combine("pdf"))).Bytes);
        Assert.DoesNotContain("PaxHeaders", Encoding.Latin1.GetString(tar), StringComparison.Ordinal);
        for (var offset = 0; offset + 512 <= tar.Length; offset += 512)
        {
            // Type flags 'x' and 'g' are PAX headers; check every header-looking block.
            if (Encoding.ASCII.GetString(tar, offset + 257, 5) == "ustar")
            {
                Assert.NotEqual((byte)'x', tar[offset + 156]);
                Assert.NotEqual((byte)'g', tar[offset + 156]);
            }
        }
    }

    [Fact]
    public async Task Golden_sample_layer_digest_is_stable()
    {
        var sample = Path.Combine(RepositoryRoot.Path, "testassets", "skills", "golden-sample");
        var files = SkillArchiveReader.FilesUnder(sample, r => r.StartsWith("scripts/", StringComparison.Ordinal));
        var packed = await SkillArchiveReader.PackAsync("golden-sample", sample, files);
        Assert.True(GoldenLayerDigest == packed.Archive.Digest.ToString(), $"Layer digest changed: {packed.Archive.Digest}");
    }

    [Fact]
    public async Task Limits_stop_packing_with_coded_errors()
    {
        WriteSample("pdf");
        var folder = _temp.Combine("pdf");
        var diagnostics = new List<Diagnostic>();
        Assert.Null(SkillContent.Create(SkillName.Parse("pdf"), folder, SkillArchiveReader.FilesUnder(folder), OciLimits.Default with { MaxArchiveEntries = 3 }, diagnostics));
        Assert.Contains(diagnostics, d => d.Code == ErrorCodes.TooManyEntries);

        diagnostics.Clear();
        Assert.Null(SkillContent.Create(SkillName.Parse("pdf"), folder, SkillArchiveReader.FilesUnder(folder), OciLimits.Default with { MaxEntryPathBytes = 20 }, diagnostics));
        Assert.Contains(diagnostics, d => d.Code == ErrorCodes.EntryPathTooLong && d.File!.EndsWith("notes.txt", StringComparison.Ordinal));

        var content = SkillContent.Create(SkillName.Parse("pdf"), folder, SkillArchiveReader.FilesUnder(folder), OciLimits.Default, diagnostics)!;
        var tooSmallLayer = await Assert.ThrowsAsync<SkillsOciException>(() => SkillArchiveWriter.WriteAsync(content.Name, content.Entries, Stream.Null, OciLimits.Default with { MaxLayerBytes = 50 }, CancellationToken.None));
        Assert.Equal(ErrorCodes.LayerTooLarge, tooSmallLayer.Code);
        var tooLargeTar = await Assert.ThrowsAsync<SkillsOciException>(() => SkillArchiveWriter.WriteAsync(content.Name, content.Entries, Stream.Null, OciLimits.Default with { MaxUncompressedBytes = 2048 }, CancellationToken.None));
        Assert.Equal(ErrorCodes.UncompressedContentTooLarge, tooLargeTar.Code);
    }
}
