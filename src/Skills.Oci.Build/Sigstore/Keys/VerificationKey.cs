using System.Formats.Asn1;
using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Skills.Oci.Build.Sigstore.Serialization;

namespace Skills.Oci.Build.Sigstore.Keys;

/// <summary>
/// A public key that verifies signatures: ECDSA (P-256, P-384, P-521), RSA (PKCS#1 v1.5 or PSS) or
/// Ed25519. Held as its SubjectPublicKeyInfo DER, the form every Sigstore format carries, so that
/// equality and fingerprints are byte comparisons and no disposable key object outlives a call.
/// </summary>
public sealed class VerificationKey : IEquatable<VerificationKey>
{
    internal const string EcPublicKeyOid = "1.2.840.10045.2.1";
    internal const string RsaEncryptionOid = "1.2.840.113549.1.1.1";
    internal const string RsaPssOid = "1.2.840.113549.1.1.10";
    internal const string Ed25519Oid = "1.3.101.112";
    private const string P256Oid = "1.2.840.10045.3.1.7";
    private const string P384Oid = "1.3.132.0.34";
    private const string P521Oid = "1.3.132.0.35";

    private readonly byte[] _spki;

    private VerificationKey(byte[] spki, KeyAlgorithm algorithm)
    {
        _spki = spki;
        Algorithm = algorithm;
    }

    public KeyAlgorithm Algorithm { get; }

    /// <summary>The DER SubjectPublicKeyInfo.</summary>
    public ReadOnlyMemory<byte> SubjectPublicKeyInfo => _spki;

    /// <summary><c>sha256:</c> and the lower-case hex SHA-256 of the SubjectPublicKeyInfo DER.</summary>
    public string Fingerprint => "sha256:" + Convert.ToHexString(SHA256.HashData(_spki)).ToLowerInvariant();

    /// <summary>The hash ECDSA signs with for this key's curve, as Sigstore's key details pair them.</summary>
    public HashAlgorithmName DefaultHashAlgorithm => Algorithm switch
    {
        KeyAlgorithm.EcdsaP384 => HashAlgorithmName.SHA384,
        KeyAlgorithm.EcdsaP521 => HashAlgorithmName.SHA512,
        _ => HashAlgorithmName.SHA256,
    };

    public static VerificationKey FromSubjectPublicKeyInfo(ReadOnlySpan<byte> der)
    {
        var spki = der.ToArray();
        string algorithmOid;
        string? parameterOid = null;
        try
        {
            var reader = new AsnReader(spki, AsnEncodingRules.DER);
            var sequence = reader.ReadSequence();
            reader.ThrowIfNotEmpty();
            var algorithm = sequence.ReadSequence();
            algorithmOid = algorithm.ReadObjectIdentifier();
            if (algorithm.HasData && algorithm.PeekTag().HasSameClassAndValue(Asn1Tag.ObjectIdentifier))
            {
                parameterOid = algorithm.ReadObjectIdentifier();
            }
        }
        catch (AsnContentException e)
        {
            throw new SigstoreException(SigstoreFailureKind.KeyInvalid, "The public key is not a DER SubjectPublicKeyInfo.", innerException: e);
        }

        var keyAlgorithm = algorithmOid switch
        {
            EcPublicKeyOid => parameterOid switch
            {
                P256Oid => KeyAlgorithm.EcdsaP256,
                P384Oid => KeyAlgorithm.EcdsaP384,
                P521Oid => KeyAlgorithm.EcdsaP521,
                _ => throw new SigstoreException(SigstoreFailureKind.KeyInvalid, $"The EC curve '{parameterOid}' is not supported; use P-256, P-384 or P-521."),
            },
            RsaEncryptionOid or RsaPssOid => KeyAlgorithm.Rsa,
            Ed25519Oid => KeyAlgorithm.Ed25519,
            _ => throw new SigstoreException(SigstoreFailureKind.KeyInvalid, $"The public key algorithm '{algorithmOid}' is not supported."),
        };

        var key = new VerificationKey(spki, keyAlgorithm);
        key.CheckImportable();
        return key;
    }

    /// <summary>Reads a <c>PUBLIC KEY</c> PEM (or the key of a <c>CERTIFICATE</c> PEM).</summary>
    public static VerificationKey FromPem(string pem)
    {
        var block = PemBlock.ReadSingle(pem, "public key", SigstoreFailureKind.KeyInvalid);
        return block.Label switch
        {
            "PUBLIC KEY" => FromSubjectPublicKeyInfo(block.Data),
            "CERTIFICATE" => FromCertificate(block.Data),
            "RSA PUBLIC KEY" => FromRsaPublicKey(block.Data),
            _ => throw new SigstoreException(SigstoreFailureKind.KeyInvalid, $"A PEM '{block.Label}' block is not a public key; expected 'PUBLIC KEY'."),
        };
    }

    public static async Task<VerificationKey> FromPemFileAsync(string path, CancellationToken cancellationToken) =>
        FromPem(await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false));

    internal static VerificationKey FromCertificate(ReadOnlySpan<byte> certificateDer)
    {
        using var certificate = new System.Security.Cryptography.X509Certificates.X509Certificate2(certificateDer.ToArray());
        return FromSubjectPublicKeyInfo(certificate.PublicKey.ExportSubjectPublicKeyInfo());
    }

    internal static VerificationKey FromRsaPublicKey(byte[] pkcs1)
    {
        using var rsa = RSA.Create();
        rsa.ImportRSAPublicKey(pkcs1, out _);
        return FromSubjectPublicKeyInfo(rsa.ExportSubjectPublicKeyInfo());
    }

    public string ToPem() => PemBlock.Write("PUBLIC KEY", _spki);

    /// <summary>Verifies a signature over <paramref name="message"/>; ECDSA and RSA hash it first.</summary>
    public bool VerifyMessage(ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature, HashAlgorithmName? hashAlgorithm = null)
    {
        if (Algorithm == KeyAlgorithm.Ed25519)
        {
            return VerifyEd25519(message, signature);
        }

        var hash = hashAlgorithm ?? DefaultHashAlgorithm;
        return VerifyHash(Hash(hash, message), hash, signature);
    }

    /// <summary>
    /// Verifies a signature over a precomputed hash. Ed25519 signs the whole message, so it can never
    /// verify a hash alone and answers false.
    /// </summary>
    public bool VerifyHash(ReadOnlySpan<byte> hash, HashAlgorithmName hashAlgorithm, ReadOnlySpan<byte> signature)
    {
        switch (Algorithm)
        {
            case KeyAlgorithm.Ed25519:
                return false;
            case KeyAlgorithm.Rsa:
                {
                    using var rsa = RSA.Create();
                    rsa.ImportSubjectPublicKeyInfo(_spki, out _);
                    return rsa.VerifyHash(hash, signature, hashAlgorithm, RSASignaturePadding.Pkcs1) ||
                           rsa.VerifyHash(hash, signature, hashAlgorithm, RSASignaturePadding.Pss);
                }

            default:
                {
                    using var ecdsa = ECDsa.Create();
                    ecdsa.ImportSubjectPublicKeyInfo(_spki, out _);
                    // Sigstore and cosign write ASN.1 DER signatures; a few signers emit r||s.
                    return ecdsa.VerifyHash(hash, signature, DSASignatureFormat.Rfc3279DerSequence) ||
                           (signature.Length == 2 * ((ecdsa.KeySize + 7) / 8) &&
                            ecdsa.VerifyHash(hash, signature, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
                }
        }
    }

    internal static byte[] Hash(HashAlgorithmName name, ReadOnlySpan<byte> data)
    {
        if (name == HashAlgorithmName.SHA384)
        {
            return SHA384.HashData(data);
        }

        if (name == HashAlgorithmName.SHA512)
        {
            return SHA512.HashData(data);
        }

        if (name == HashAlgorithmName.SHA256)
        {
            return SHA256.HashData(data);
        }

        throw new SigstoreException(SigstoreFailureKind.SignatureInvalid, $"The hash algorithm '{name.Name}' is not supported.");
    }

    private bool VerifyEd25519(ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (signature.Length != 64)
        {
            return false;
        }

        var verifier = new Ed25519Signer();
        verifier.Init(false, new Ed25519PublicKeyParameters(Ed25519RawKey(), 0));
        verifier.BlockUpdate(message);
        return verifier.VerifySignature(signature.ToArray());
    }

    private byte[] Ed25519RawKey()
    {
        var reader = new AsnReader(_spki, AsnEncodingRules.DER).ReadSequence();
        reader.ReadSequence();
        var raw = reader.ReadBitString(out _);
        return raw.Length == 32
            ? raw
            : throw new SigstoreException(SigstoreFailureKind.KeyInvalid, "An Ed25519 public key must be 32 bytes.");
    }

    private void CheckImportable()
    {
        try
        {
            switch (Algorithm)
            {
                case KeyAlgorithm.Ed25519:
                    _ = Ed25519RawKey();
                    break;
                case KeyAlgorithm.Rsa:
                    using (var rsa = RSA.Create())
                    {
                        rsa.ImportSubjectPublicKeyInfo(_spki, out _);
                    }

                    break;
                default:
                    using (var ecdsa = ECDsa.Create())
                    {
                        ecdsa.ImportSubjectPublicKeyInfo(_spki, out _);
                    }

                    break;
            }
        }
        catch (Exception e) when (e is CryptographicException or AsnContentException)
        {
            throw new SigstoreException(SigstoreFailureKind.KeyInvalid, $"The {Algorithm} public key is malformed.", innerException: e);
        }
    }

    public bool Equals(VerificationKey? other) => other is not null && _spki.AsSpan().SequenceEqual(other._spki);

    public override bool Equals(object? obj) => Equals(obj as VerificationKey);

    public override int GetHashCode() => BitConverter.ToInt32(SHA256.HashData(_spki), 0);

    public override string ToString() => $"{Algorithm} {Fingerprint}";
}
