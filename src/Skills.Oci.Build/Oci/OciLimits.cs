namespace Skills.Oci.Build.Oci;

/// <summary>
/// Size limits applied while reading (and, by the packer, while writing) so that a hostile or broken
/// registry cannot exhaust memory or disk. The defaults are the table in docs/format.md.
/// </summary>
public sealed record OciLimits
{
    public static OciLimits Default { get; } = new();

    public long MaxManifestBytes { get; init; } = 4L * 1024 * 1024;
    public long MaxConfigBytes { get; init; } = 1L * 1024 * 1024;
    public long MaxLayerBytes { get; init; } = 64L * 1024 * 1024;
    public long MaxUncompressedBytes { get; init; } = 256L * 1024 * 1024;
    public int MaxArchiveEntries { get; init; } = 10_000;
    public int MaxEntryPathBytes { get; init; } = 4_096;
}
