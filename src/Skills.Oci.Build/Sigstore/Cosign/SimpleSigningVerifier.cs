using System.Security.Cryptography;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Sigstore.Certificates;
using Skills.Oci.Build.Sigstore.Keys;
using Skills.Oci.Build.Sigstore.Serialization;
using Skills.Oci.Build.Sigstore.Transparency;
using Skills.Oci.Build.Sigstore.TrustedRoots;
using Skills.Oci.Build.Sigstore.Verification;

namespace Skills.Oci.Build.Sigstore.Cosign;

/// <summary>
/// Verifies a legacy cosign signature (one layer of a <c>sha256-&lt;hex&gt;.sig</c> manifest): the
/// simple-signing payload bytes and the layer's annotations, against the manifest digest the caller
/// expects. Fetching the <c>.sig</c> manifest is the registry client's job, not this type's.
/// </summary>
public sealed class SimpleSigningVerifier
{
    private readonly SigstoreVerifier _verifier;

    public SimpleSigningVerifier(TrustedRoot trustedRoot, TimeProvider? timeProvider = null)
    {
        _verifier = new SigstoreVerifier(trustedRoot, timeProvider);
    }

    public VerificationResult Verify(ReadOnlyMemory<byte> payload, IReadOnlyDictionary<string, string> annotations, Digest expectedDigest, VerificationPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(annotations);
        ArgumentNullException.ThrowIfNull(policy);
        try
        {
            return VerifyCore(payload, annotations, expectedDigest, policy);
        }
        catch (SigstoreException e)
        {
            return VerificationResult.Failed(e.Kind, e.Message);
        }
        catch (Exception e) when (e is CryptographicException or System.Formats.Asn1.AsnContentException or FormatException)
        {
            return VerificationResult.Failed(SigstoreFailureKind.CosignPayloadInvalid, $"The signature holds malformed cryptographic material: {e.Message}");
        }
    }

    private VerificationResult VerifyCore(ReadOnlyMemory<byte> payload, IReadOnlyDictionary<string, string> annotations, Digest expectedDigest, VerificationPolicy policy)
    {
        if (!annotations.TryGetValue(CosignSignatureAnnotations.Signature, out var signatureText) || string.IsNullOrWhiteSpace(signatureText))
        {
            throw new SigstoreException(SigstoreFailureKind.CosignPayloadInvalid, $"The signature layer has no '{CosignSignatureAnnotations.Signature}' annotation.");
        }

        var signature = Base64Text.Decode(signatureText, "cosign signature annotation", SigstoreFailureKind.SignatureInvalid);
        VerificationKey key;
        FulcioCertificate? certificate = null;
        if (policy.Key is not null)
        {
            key = policy.Key;
        }
        else
        {
            if (!annotations.TryGetValue(CosignSignatureAnnotations.Certificate, out var certificatePem) || string.IsNullOrWhiteSpace(certificatePem))
            {
                throw new SigstoreException(SigstoreFailureKind.SignerMismatch, "The signature has no certificate, so it was made with a key; the policy expects a keyless identity.");
            }

            var block = PemBlock.ReadSingle(certificatePem, "cosign certificate annotation", SigstoreFailureKind.CertificateInvalid);
            certificate = FulcioCertificate.Parse(block.Data);
            key = certificate.PublicKey;
        }

        // cosign hashes with SHA-256 whatever the curve; try the curve's own hash too.
        if (!key.VerifyMessage(payload.Span, signature, HashAlgorithmName.SHA256) &&
            !(key.DefaultHashAlgorithm != HashAlgorithmName.SHA256 && key.VerifyMessage(payload.Span, signature)))
        {
            throw new SigstoreException(SigstoreFailureKind.SignatureInvalid, $"The cosign signature does not verify over the payload with the signer's {key.Algorithm} key.");
        }

        var parsed = SimpleSigningPayload.Parse(payload);
        if (parsed.ManifestDigest != expectedDigest)
        {
            throw new SigstoreException(SigstoreFailureKind.ArtifactMismatch, $"The cosign signature is for the manifest {parsed.ManifestDigest}, not {expectedDigest}.");
        }

        var times = new List<DateTimeOffset>();
        var entries = 0;
        if (annotations.TryGetValue(CosignSignatureAnnotations.Bundle, out var bundleJson) && !string.IsNullOrWhiteSpace(bundleJson))
        {
            var entry = CosignRekorBundle.Parse(bundleJson);
            var material = new SignedMaterial(certificate?.Der, key, SHA256.HashData(payload.Span), signature, null);
            var integrated = TransparencyLogVerifier.Verify(entry, _verifier.Root, material)!.Value;
            _verifier.CheckNotInFuture(integrated);
            times.Add(integrated);
            entries++;
        }

        if (policy.RequireTransparencyLog && entries == 0)
        {
            throw new SigstoreException(SigstoreFailureKind.TransparencyLogInvalid, $"The cosign signature has no '{CosignSignatureAnnotations.Bundle}' annotation, and the policy requires a transparency log entry.");
        }

        string? issuer = null;
        string? subject = null;
        if (certificate is not null)
        {
            (issuer, subject) = _verifier.VerifyCertificate(certificate, times, policy.Identity!);
        }

        return VerificationResult.Succeeded(key.Fingerprint, issuer, subject, times, entries, null);
    }
}
