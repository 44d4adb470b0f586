using System.Security.Cryptography;
using Skills.Oci.Build.Sigstore.Attestations;
using Skills.Oci.Build.Sigstore.Bundles;
using Skills.Oci.Build.Sigstore.Certificates;
using Skills.Oci.Build.Sigstore.Keys;
using Skills.Oci.Build.Sigstore.Timestamps;
using Skills.Oci.Build.Sigstore.Transparency;
using Skills.Oci.Build.Sigstore.TrustedRoots;

namespace Skills.Oci.Build.Sigstore.Verification;

/// <summary>
/// Verifies Sigstore bundles offline against a trusted root and a policy: the signature over the
/// artifact (or the DSSE envelope and its in-toto subject), the signer (key, or Fulcio certificate
/// chain, SCT and identity at signing time), Rekor v1/v2 entries and RFC 3161 timestamps.
/// </summary>
public sealed class SigstoreVerifier
{
    /// <summary>How far in the future an integrated time may be before we call it forged.</summary>
    private static readonly TimeSpan AllowedClockSkew = TimeSpan.FromMinutes(5);

    private readonly TrustedRoot _root;
    private readonly TimeProvider _time;

    public SigstoreVerifier(TrustedRoot trustedRoot, TimeProvider? timeProvider = null)
    {
        _root = trustedRoot ?? throw new ArgumentNullException(nameof(trustedRoot));
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Parses and verifies a bundle; a malformed bundle is a failed result, not an exception.</summary>
    public VerificationResult Verify(ReadOnlyMemory<byte> bundleJson, SignedArtifact artifact, VerificationPolicy policy)
    {
        SigstoreBundle bundle;
        try
        {
            bundle = SigstoreBundle.Parse(bundleJson);
        }
        catch (SigstoreException e)
        {
            return VerificationResult.Failed(e.Kind, e.Message);
        }

        return Verify(bundle, artifact, policy);
    }

    public async Task<VerificationResult> VerifyFileAsync(string bundlePath, SignedArtifact artifact, VerificationPolicy policy, CancellationToken cancellationToken) =>
        Verify(await File.ReadAllBytesAsync(bundlePath, cancellationToken).ConfigureAwait(false), artifact, policy);

    public VerificationResult Verify(SigstoreBundle bundle, SignedArtifact artifact, VerificationPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        ArgumentNullException.ThrowIfNull(artifact);
        ArgumentNullException.ThrowIfNull(policy);
        try
        {
            return VerifyCore(bundle, artifact, policy);
        }
        catch (SigstoreException e)
        {
            return VerificationResult.Failed(e.Kind, e.Message);
        }
        catch (Exception e) when (e is CryptographicException or System.Formats.Asn1.AsnContentException or FormatException)
        {
            // Malformed DER inside otherwise well-formed JSON (a certificate, SCT list or timestamp):
            // the bundle cannot be verified, which is a verification failure, not a crash.
            return VerificationResult.Failed(SigstoreFailureKind.BundleInvalid, $"The bundle holds malformed cryptographic material: {e.Message}");
        }
    }

    private VerificationResult VerifyCore(SigstoreBundle bundle, SignedArtifact artifact, VerificationPolicy policy)
    {
        var (key, certificate) = ResolveSigner(bundle, policy);

        byte[] signature;
        byte[]? artifactSha256 = null;
        InTotoStatement? statement = null;
        if (bundle.MessageSignature is { } message)
        {
            signature = message.Signature;
            artifactSha256 = VerifyMessageSignature(message, artifact, key);
        }
        else
        {
            var envelope = bundle.DsseEnvelope!;
            signature = envelope.Signatures[0].Signature;
            statement = VerifyEnvelope(envelope, artifact, key);
        }

        var material = new SignedMaterial(certificate?.Der, key, artifactSha256, signature, bundle.DsseEnvelope);
        var times = new List<DateTimeOffset>();
        foreach (var entry in bundle.TransparencyLogEntries)
        {
            if (TransparencyLogVerifier.Verify(entry, _root, material) is { } integrated)
            {
                CheckNotInFuture(integrated);
                times.Add(integrated);
            }
        }

        foreach (var token in bundle.Rfc3161Timestamps)
        {
            times.Add(Rfc3161Timestamp.Verify(token, signature, _root));
        }

        if (policy.RequireTransparencyLog && bundle.TransparencyLogEntries.Count == 0)
        {
            throw new SigstoreException(SigstoreFailureKind.TransparencyLogInvalid, "The bundle has no transparency log entry, and the policy requires one.");
        }

        string? issuer = null;
        string? subject = null;
        if (certificate is not null)
        {
            (issuer, subject) = VerifyCertificate(certificate, times, policy.Identity!);
        }

        return VerificationResult.Succeeded(key.Fingerprint, issuer, subject, times, bundle.TransparencyLogEntries.Count, statement);
    }

    internal static (VerificationKey Key, FulcioCertificate? Certificate) ResolveSigner(SigstoreBundle bundle, VerificationPolicy policy)
    {
        if (bundle.IsKeySigned)
        {
            if (policy.Key is null)
            {
                throw new SigstoreException(SigstoreFailureKind.SignerMismatch, "The bundle is signed with a public key, but the policy expects a keyless (certificate) identity; give the verification key.");
            }

            return (policy.Key, null);
        }

        if (policy.Identity is null)
        {
            throw new SigstoreException(SigstoreFailureKind.SignerMismatch, "The bundle is signed with a certificate, but the policy expects a public key; give the expected certificate identity and issuer instead.");
        }

        var certificate = FulcioCertificate.Parse(bundle.LeafCertificate!);
        if (certificate.IsCertificateAuthority)
        {
            throw new SigstoreException(SigstoreFailureKind.CertificateInvalid, "The bundle's signing certificate is a CA certificate, not a leaf.");
        }

        return (certificate.PublicKey, certificate);
    }

    private static byte[]? VerifyMessageSignature(MessageSignature message, SignedArtifact artifact, VerificationKey key)
    {
        var hashAlgorithm = message.DigestAlgorithm ?? HashAlgorithmName.SHA256;
        byte[] hash;
        if (artifact.Content is { } content)
        {
            hash = VerificationKey.Hash(hashAlgorithm, content.Span);
        }
        else if (hashAlgorithm == HashAlgorithmName.SHA256 && artifact.Sha256 is { } sha256)
        {
            hash = sha256;
        }
        else
        {
            throw new SigstoreException(SigstoreFailureKind.ArtifactMismatch, $"The bundle signs a {hashAlgorithm.Name} digest, but only the artifact's {artifact.Digest.Algorithm} digest is known.");
        }

        if (message.Digest is { } recorded && !recorded.AsSpan().SequenceEqual(hash))
        {
            throw new SigstoreException(SigstoreFailureKind.ArtifactMismatch, $"The bundle's message digest is not the digest of the artifact {artifact.Digest}.");
        }

        var verified = key.Algorithm == KeyAlgorithm.Ed25519
            ? artifact.Content is { } bytes && key.VerifyMessage(bytes.Span, message.Signature)
            : key.VerifyHash(hash, hashAlgorithm, message.Signature);
        if (!verified)
        {
            throw new SigstoreException(SigstoreFailureKind.SignatureInvalid, $"The signature does not verify over the artifact {artifact.Digest} with the signer's {key.Algorithm} key.");
        }

        return artifact.Sha256;
    }

    private static InTotoStatement VerifyEnvelope(DsseEnvelope envelope, SignedArtifact artifact, VerificationKey key)
    {
        if (!key.VerifyMessage(envelope.PreAuthenticationEncoding(), envelope.Signatures[0].Signature))
        {
            throw new SigstoreException(SigstoreFailureKind.SignatureInvalid, $"The DSSE envelope's signature does not verify with the signer's {key.Algorithm} key.");
        }

        if (envelope.PayloadType != DsseEnvelope.InTotoPayloadType)
        {
            throw new SigstoreException(SigstoreFailureKind.ArtifactMismatch, $"The DSSE payload type is '{envelope.PayloadType}', not an in-toto statement, so it cannot be tied to the artifact.");
        }

        var statement = InTotoStatement.Parse(envelope.Payload);
        if (!statement.HasSubject(artifact.Digest))
        {
            throw new SigstoreException(SigstoreFailureKind.ArtifactMismatch, $"The in-toto statement's subjects do not include the artifact {artifact.Digest}; it attests to something else.");
        }

        return statement;
    }

    /// <summary>Rejects integrated times later than now (with clock skew allowed): a forged or broken log.</summary>
    internal void CheckNotInFuture(DateTimeOffset integrated)
    {
        if (integrated > _time.GetUtcNow() + AllowedClockSkew)
        {
            throw new SigstoreException(SigstoreFailureKind.TransparencyLogInvalid, $"The transparency log entry claims to be integrated at {integrated:O}, which is in the future.");
        }
    }

    internal TrustedRoot Root => _root;

    /// <summary>
    /// A keyless certificate is good when, at every trusted signing time, it chains to a Fulcio CA valid
    /// then, carries a valid SCT, and names the policy's issuer and subject.
    /// </summary>
    internal (string Issuer, string Subject) VerifyCertificate(FulcioCertificate certificate, IReadOnlyList<DateTimeOffset> times, CertificateIdentity identity)
    {
        if (times.Count == 0)
        {
            throw new SigstoreException(SigstoreFailureKind.TimestampInvalid, "No trusted signing time: the bundle has neither a transparency log entry with an integrated time nor a verified RFC 3161 timestamp, so its short-lived certificate cannot be checked.");
        }

        byte[]? issuerCertificate = null;
        foreach (var time in times)
        {
            var reasons = new List<string>();
            issuerCertificate = null;
            foreach (var authority in _root.CertificateAuthorities.Where(a => a.Validity.Contains(time)))
            {
                issuerCertificate = CertificateChainVerifier.TryBuild(certificate.Der, authority, time, out var why);
                if (issuerCertificate is not null)
                {
                    break;
                }

                reasons.Add(why);
            }

            if (issuerCertificate is null)
            {
                throw new SigstoreException(SigstoreFailureKind.CertificateInvalid, reasons.Count == 0
                    ? $"No certificate authority of the trusted root was valid at the signing time {time:O}."
                    : $"The signing certificate is not valid at the signing time {time:O}: {string.Join("; ", reasons)}.");
            }
        }

        if (SignedCertificateTimestamps.CountVerified(certificate.Der, issuerCertificate!, _root, out var sctReason) == 0)
        {
            throw new SigstoreException(SigstoreFailureKind.CertificateInvalid, $"The signing certificate has no valid certificate transparency timestamp: {sctReason}.");
        }

        if (!identity.IssuerMatches(certificate.Issuer))
        {
            throw new SigstoreException(SigstoreFailureKind.SignerMismatch, $"The certificate was issued for an identity from '{certificate.Issuer ?? "(no issuer)"}', not '{identity.Issuer}'.");
        }

        var subject = identity.MatchSubject(certificate.SubjectAlternativeNames)
            ?? throw new SigstoreException(SigstoreFailureKind.SignerMismatch, $"The certificate's identity ({string.Join(", ", certificate.SubjectAlternativeNames)}) is not '{identity.Subject}'.");
        return (certificate.Issuer!, subject);
    }
}
