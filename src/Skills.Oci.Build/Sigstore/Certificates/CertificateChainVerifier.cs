using System.Security.Cryptography.X509Certificates;
using Skills.Oci.Build.Sigstore.TrustedRoots;

namespace Skills.Oci.Build.Sigstore.Certificates;

/// <summary>
/// Builds a certificate's chain to one trusted authority's root, at a given time rather than now:
/// Fulcio certificates live ten minutes, so "valid" means valid when the signature was made.
/// </summary>
internal static class CertificateChainVerifier
{
    /// <summary>
    /// The DER of the certificate that issued <paramref name="leaf"/> when it chains to
    /// <paramref name="authority"/>'s root at <paramref name="time"/>; otherwise null and a reason.
    /// </summary>
    public static byte[]? TryBuild(byte[] leaf, CertificateAuthority authority, DateTimeOffset time, out string reason)
    {
        using var certificate = new X509Certificate2(leaf);
        using var chain = new X509Chain();
        var extras = new List<X509Certificate2>();
        try
        {
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            chain.ChainPolicy.DisableCertificateDownloads = true;
            chain.ChainPolicy.VerificationTime = time.UtcDateTime;
            chain.ChainPolicy.VerificationTimeIgnored = false;
            var root = new X509Certificate2(authority.Root);
            extras.Add(root);
            chain.ChainPolicy.CustomTrustStore.Add(root);
            foreach (var intermediate in authority.Chain.Take(authority.Chain.Count - 1))
            {
                var extra = new X509Certificate2(intermediate);
                extras.Add(extra);
                chain.ChainPolicy.ExtraStore.Add(extra);
            }

            if (!chain.Build(certificate))
            {
                var statuses = chain.ChainStatus.Select(s => s.Status.ToString()).Distinct();
                reason = $"it does not chain to {authority.Uri} at {time:O} ({string.Join(", ", statuses)})";
                return null;
            }

            reason = string.Empty;
            return chain.ChainElements.Count > 1 ? chain.ChainElements[1].Certificate.RawData : chain.ChainElements[0].Certificate.RawData;
        }
        finally
        {
            foreach (var element in chain.ChainElements)
            {
                element.Certificate.Dispose();
            }

            foreach (var extra in extras)
            {
                extra.Dispose();
            }
        }
    }
}
