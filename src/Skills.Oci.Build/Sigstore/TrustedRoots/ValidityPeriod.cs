namespace Skills.Oci.Build.Sigstore.TrustedRoots;

/// <summary>
/// When a trusted authority may be relied on. Both ends are inclusive, as in the Sigstore
/// trusted-root spec; a missing end means "still valid".
/// </summary>
public readonly record struct ValidityPeriod(DateTimeOffset Start, DateTimeOffset? End)
{
    public bool Contains(DateTimeOffset time) => time >= Start && (End is null || time <= End.Value);

    public override string ToString() => $"{Start:O} .. {(End is null ? "open" : End.Value.ToString("O", System.Globalization.CultureInfo.InvariantCulture))}";
}
