using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Sigstore;
using Skills.Oci.Build.Sigstore.Keys;
using Skills.Oci.Build.Trust.Policy;

namespace Skills.Oci.Build.Restore;

/// <summary>
/// The trust a lock records, as policies: each entry with a <c>verifiedBy</c> becomes a SkillTrustPolicy
/// covering exactly its repository and demanding exactly that signer, so sync verifies what the restore
/// that wrote the lock verified, never less. A keyless signer is an exact issuer and identity (stricter
/// than any pattern that matched it). A key signer names the key by the fingerprint of its public key;
/// the key file is found in the repository (see <see cref="KeyFinder"/>): the lock pins the fingerprint,
/// so any file with that fingerprint is that key wherever it lies, and none found is an error.
/// </summary>
public static class LockTrustPolicies
{
    private const string KeyPrefix = "key:";
    private const string KeylessPrefix = "keyless:";
    private const string ProvenanceMarker = "+provenance:";

    /// <summary>The signer part of a <c>verifiedBy</c> (what the trust verdict reports), without the provenance suffix.</summary>
    public static string SignerOf(string verifiedBy)
    {
        var marker = verifiedBy.IndexOf(ProvenanceMarker, StringComparison.Ordinal);
        return marker < 0 ? verifiedBy : verifiedBy[..marker];
    }

    /// <summary>
    /// Policies for <paramref name="entries"/>; an entry whose key cannot be found, or whose
    /// <c>verifiedBy</c> is not a form Skills.Oci writes, is a coded error in <paramref name="errors"/>.
    /// </summary>
    public static async Task<SkillTrustPolicySet> BuildAsync(IEnumerable<LockEntry> entries, KeyFinder keys, string lockPath, List<Diagnostic> errors, CancellationToken cancellationToken)
    {
        var items = new List<SkillTrustPolicyItem>();
        foreach (var entry in entries.Where(e => e.VerifiedBy is not null))
        {
            var verifiedBy = entry.VerifiedBy!;
            var signer = SignerOf(verifiedBy);
            var metadata = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            if (signer.Length < verifiedBy.Length)
            {
                metadata["SourceRepository"] = verifiedBy[(signer.Length + ProvenanceMarker.Length)..];
            }

            if (signer.StartsWith(KeylessPrefix, StringComparison.Ordinal) && signer.IndexOf('|', StringComparison.Ordinal) is var bar and > 0)
            {
                metadata["Issuer"] = signer[KeylessPrefix.Length..bar];
                metadata["Identity"] = signer[(bar + 1)..];
            }
            else if (signer.StartsWith(KeyPrefix, StringComparison.Ordinal))
            {
                var fingerprint = signer[KeyPrefix.Length..];
                if (await keys.FindAsync(fingerprint, cancellationToken).ConfigureAwait(false) is not { } file)
                {
                    errors.Add(Diagnostic.Error(ErrorCodes.SyncKeyNotFound,
                        $"The skill '{entry.Name}' is locked as verified by the key {fingerprint}, and no public key file in '{keys.Root}' (*.pub, *.pem) has that fingerprint, so it cannot be verified and was not synced. Commit the public key the SkillTrustPolicy names, or run 'dotnet restore'.",
                        lockPath));
                    continue;
                }

                metadata["Key"] = file;
            }
            else
            {
                errors.Add(Diagnostic.Error(ErrorCodes.InvalidLockFile,
                    $"The lock entry '{entry.Name}' has verifiedBy '{verifiedBy}', which is neither 'key:sha256:<hex>' nor 'keyless:<issuer>|<identity>'.", lockPath));
                continue;
            }

            items.Add(new SkillTrustPolicyItem(entry.RegistrySource.RepositoryKey, metadata));
        }

        return items.Count == 0 ? SkillTrustPolicySet.Empty : await SkillTrustPolicySet.LoadAsync(items, null, cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>
/// Finds a public key file by fingerprint under the repository: <c>*.pub</c> and <c>*.pem</c> files up to
/// 64 KB, skipping <c>.git</c>, the skills Skills.Oci installs (<c>.agents</c>), build output and
/// dependencies, and never following a link out of the tree.
/// The walk happens only when a skill needs verifying, never on an up-to-date sync.
/// </summary>
public sealed class KeyFinder(string root)
{
    private const long MaxKeyFileBytes = 64 * 1024;
    private const int MaxDepth = 8;
    private static readonly HashSet<string> SkippedFolders = new(StringComparer.OrdinalIgnoreCase) { ".git", ".agents", "node_modules", "bin", "obj", ".vs", ".idea" };
    private Dictionary<string, string>? _byFingerprint;

    public string Root { get; } = root;

    /// <summary>The full path of a key file whose public key has <paramref name="fingerprint"/> (<c>sha256:…</c>), or null.</summary>
    public async Task<string?> FindAsync(string fingerprint, CancellationToken cancellationToken)
    {
        _byFingerprint ??= await IndexAsync(cancellationToken).ConfigureAwait(false);
        return _byFingerprint.GetValueOrDefault(fingerprint);
    }

    private async Task<Dictionary<string, string>> IndexAsync(CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in Candidates(Root, 0))
        {
            try
            {
                if (new FileInfo(file).Length > MaxKeyFileBytes)
                {
                    continue;
                }

                var key = VerificationKey.FromPem(await File.ReadAllTextAsync(file, cancellationToken).ConfigureAwait(false));
                found.TryAdd(key.Fingerprint, file);
            }
            catch (Exception ex) when (ex is SigstoreException || RestoreIo.IsIo(ex))
            {
                // Not a public key (a certificate, a private key, something else): not a candidate.
            }
        }

        return found;
    }

    private static IEnumerable<string> Candidates(string folder, int depth)
    {
        var options = new EnumerationOptions { AttributesToSkip = FileAttributes.ReparsePoint, IgnoreInaccessible = true };
        foreach (var file in Directory.EnumerateFiles(folder, "*", options).Order(StringComparer.Ordinal))
        {
            if (file.EndsWith(".pub", StringComparison.OrdinalIgnoreCase) || file.EndsWith(".pem", StringComparison.OrdinalIgnoreCase))
            {
                yield return file;
            }
        }

        if (depth >= MaxDepth)
        {
            yield break;
        }

        foreach (var sub in Directory.EnumerateDirectories(folder, "*", options).Where(d => !SkippedFolders.Contains(Path.GetFileName(d))).Order(StringComparer.Ordinal))
        {
            foreach (var file in Candidates(sub, depth + 1))
            {
                yield return file;
            }
        }
    }
}
