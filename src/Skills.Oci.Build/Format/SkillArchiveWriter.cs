using System.Formats.Tar;
using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.IO;
using Skills.Oci.Build.Oci;

namespace Skills.Oci.Build.Format;

/// <summary>What was written: the layer's digest and size (compressed), and what it holds.</summary>
public sealed record SkillArchive(Digest Digest, long Size, long UncompressedSize, int EntryCount);

/// <summary>An entry of the archive below the root folder <c>&lt;name&gt;/</c>.</summary>
/// <param name="RelativePath">
/// <c>/</c>-joined path relative to the skill root, without a trailing <c>/</c>, valid under
/// <see cref="ArchivePathRules.Writing"/>.
/// </param>
public sealed record SkillContentEntry(string RelativePath, bool IsDirectory, string? SourcePath, bool Executable, long Length);

/// <summary>
/// Writes a skill's content layer: a tar (ustar; GNU long-name entries only where ustar cannot hold a
/// name; never PAX) inside a deterministic gzip member: fixed times, owners and modes, so the same
/// files give the same bytes on every OS (docs/format.md). Everything streams in one pass: file bytes
/// are read once, and the tar, gzip and SHA-256 are produced as they flow to the destination; the
/// size limits readers apply stop the pass early. <see cref="SkillArchiveExtractor"/> reads it back.
/// </summary>
public static class SkillArchiveWriter
{
    private const UnixFileMode ExecutableMode =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
        UnixFileMode.GroupRead | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    private const UnixFileMode RegularMode =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    private const long TarBlock = 512;

    /// <summary>
    /// Writes <c>&lt;name&gt;/</c> and then <paramref name="entries"/> in the order given (packing sorts
    /// them by their UTF-8 bytes, so a folder precedes its contents).
    /// </summary>
    public static async Task<SkillArchive> WriteAsync(SkillName name, IReadOnlyList<SkillContentEntry> entries, Stream destination, OciLimits limits, CancellationToken cancellationToken)
    {
        var estimate = EstimateTarLength(entries);
        if (estimate > limits.MaxUncompressedBytes)
        {
            throw UncompressedTooLarge(estimate, limits);
        }

        using var compressed = new HashingWriteStream(destination, computeSha256: true, limits.MaxLayerBytes, size => LayerTooLarge(size, limits));
        using var gzip = new DeterministicGzipStream(compressed);
        using var tarStream = new HashingWriteStream(gzip, computeSha256: false, limits.MaxUncompressedBytes, size => UncompressedTooLarge(size, limits));
        var root = name.Value + "/";
        await using (var tar = new TarWriter(tarStream, TarEntryFormat.Ustar, leaveOpen: true))
        {
            await WriteEntryAsync(tar, root, isDirectory: true, executable: true, null, cancellationToken).ConfigureAwait(false);
            foreach (var entry in entries)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var path = root + entry.RelativePath + (entry.IsDirectory ? "/" : string.Empty);
                if (entry.IsDirectory)
                {
                    await WriteEntryAsync(tar, path, isDirectory: true, executable: true, null, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                var source = new FileStream(entry.SourcePath!, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.Asynchronous | FileOptions.SequentialScan);
                await using (source.ConfigureAwait(false))
                {
                    await WriteEntryAsync(tar, path, isDirectory: false, entry.Executable, source, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        await gzip.FinishAsync(cancellationToken).ConfigureAwait(false);
        return new SkillArchive(Digest.FromSha256Hash(compressed.GetHash()), compressed.BytesWritten, tarStream.BytesWritten, entries.Count + 1);
    }

    /// <summary>A lower bound of the tar stream length (headers, padded data, end blocks), to fail before packing.</summary>
    private static long EstimateTarLength(IReadOnlyList<SkillContentEntry> entries) =>
        TarBlock + entries.Sum(e => TarBlock + ((e.Length + TarBlock - 1) / TarBlock * TarBlock)) + (2 * TarBlock);

    private static async Task WriteEntryAsync(TarWriter tar, string name, bool isDirectory, bool executable, Stream? data, CancellationToken cancellationToken)
    {
        var type = isDirectory ? TarEntryType.Directory : TarEntryType.RegularFile;
        try
        {
            await tar.WriteEntryAsync(Prepare(new UstarTarEntry(type, name), executable, data), cancellationToken).ConfigureAwait(false);
        }
        catch (ArgumentException)
        {
            // ustar could not split the name into its prefix (155) and name (100) fields. TarWriter
            // refuses before writing a byte, so the same entry can be written in GNU form, whose
            // ././@LongLink record holds any length. PAX is never used: .NET names its extended
            // headers after the process id, which would change the bytes on every run.
            data?.Seek(0, SeekOrigin.Begin);
            var gnu = new GnuTarEntry(type, name)
            {
                AccessTime = DateTimeOffset.UnixEpoch,
                ChangeTime = DateTimeOffset.UnixEpoch,
            };
            await tar.WriteEntryAsync(Prepare(gnu, executable, data), cancellationToken).ConfigureAwait(false);
        }
    }

    private static PosixTarEntry Prepare(PosixTarEntry entry, bool executable, Stream? data)
    {
        entry.ModificationTime = DateTimeOffset.UnixEpoch;
        entry.Mode = executable ? ExecutableMode : RegularMode;
        entry.Uid = 0;
        entry.Gid = 0;
        entry.UserName = string.Empty;
        entry.GroupName = string.Empty;
        if (data is not null)
        {
            entry.DataStream = data;
        }

        return entry;
    }

    private static SkillsOciException LayerTooLarge(long size, OciLimits limits) =>
        new(ErrorCodes.LayerTooLarge, $"The compressed skill archive exceeds {limits.MaxLayerBytes} bytes (reached {size}); readers refuse larger layers by default. Remove large files from the SkillFile items, or raise SkillMaxLayerBytes only if every consumer raises it too.");

    private static SkillsOciException UncompressedTooLarge(long size, OciLimits limits) =>
        new(ErrorCodes.UncompressedContentTooLarge, $"The skill's content is {size} bytes or more uncompressed; the limit is {limits.MaxUncompressedBytes} bytes, which readers apply while extracting. Remove large files from the SkillFile items, or raise SkillMaxUncompressedBytes only if every consumer raises it too.");
}
