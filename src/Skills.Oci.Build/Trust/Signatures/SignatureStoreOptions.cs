namespace Skills.Oci.Build.Trust.Signatures;

/// <summary>
/// Limits on what <see cref="SignatureStore"/> reads. Anyone who can push to a repository can attach
/// referrers to its manifests, so how many are examined and how big each may be are bounded.
/// </summary>
public sealed record SignatureStoreOptions
{
    /// <summary>Referrers examined per manifest; the rest are noted, not read.</summary>
    public int MaxReferrers { get; init; } = 64;

    /// <summary>Layers read from each legacy <c>.sig</c> or <c>.att</c> manifest.</summary>
    public int MaxLegacyLayers { get; init; } = 64;

    /// <summary>The largest bundle, payload or envelope read (1 MiB; real ones are a few KiB).</summary>
    public long MaxSignatureBytes { get; init; } = 1024 * 1024;
}
