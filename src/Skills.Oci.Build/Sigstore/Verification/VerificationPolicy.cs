using Skills.Oci.Build.Sigstore.Keys;

namespace Skills.Oci.Build.Sigstore.Verification;

/// <summary>
/// Who must have signed: either the holder of a public key, or a keyless (Fulcio) identity. Keyless
/// verification always needs a transparency log entry or timestamp to date the certificate; keyed
/// verification needs one only when <see cref="RequireTransparencyLog"/> says so, because cosign's
/// key-signed bundles made without Rekor carry none.
/// </summary>
public sealed class VerificationPolicy
{
    private VerificationPolicy(VerificationKey? key, CertificateIdentity? identity, bool requireTransparencyLog)
    {
        Key = key;
        Identity = identity;
        RequireTransparencyLog = requireTransparencyLog;
    }

    public VerificationKey? Key { get; }

    public CertificateIdentity? Identity { get; }

    public bool RequireTransparencyLog { get; }

    public static VerificationPolicy ForKey(VerificationKey key, bool requireTransparencyLog = false) =>
        new(key ?? throw new ArgumentNullException(nameof(key)), null, requireTransparencyLog);

    public static VerificationPolicy ForIdentity(CertificateIdentity identity) =>
        new(null, identity ?? throw new ArgumentNullException(nameof(identity)), true);

    public override string ToString() => Key is not null ? $"key {Key.Fingerprint}" : $"identity {Identity}";
}
