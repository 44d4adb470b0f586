namespace Skills.Oci.Build.Diagnostics;

/// <summary>Codes of <c>skills-oci sync</c> and <c>skills-oci clean</c> (band 6xxx, 6001-6019); each has a page in docs/errors/.</summary>
public static partial class ErrorCodes
{
    /// <summary>Warning: sync could not reach the registry for a skill that is missing; what was installed stays, and the session goes on.</summary>
    public const string SyncRegistryUnreachable = "SKOCI6001";

    /// <summary>The lock records a key signer (<c>verifiedBy: key:sha256:…</c>) and no public key file in the repository has that fingerprint.</summary>
    public const string SyncKeyNotFound = "SKOCI6002";

    /// <summary>A skill sync installed does not match the lock: its folder's content digest or its verified signer differs from what the lock records.</summary>
    public const string SyncLockMismatch = "SKOCI6003";

    /// <summary>The lock file given with <c>--lock</c> does not exist.</summary>
    public const string SyncLockMissing = "SKOCI6004";
}
