using System.Formats.Asn1;
using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Security;
using Skills.Oci.Build.Sigstore.Serialization;

namespace Skills.Oci.Build.Sigstore.Keys;

/// <summary>
/// A private key that signs: ECDSA (P-256, P-384, P-521; DER signatures, hash by curve), RSA
/// (PKCS#1 v1.5, SHA-256) or Ed25519. Read from cosign's encrypted PEM or a plain PKCS#8 PEM. The key
/// material is zeroed on dispose and never appears in messages.
/// </summary>
public sealed class SigningKey : IDisposable
{
    private readonly byte[] _pkcs8;
    private readonly byte[]? _ed25519Seed;
    private bool _disposed;

    private SigningKey(byte[] pkcs8, KeyAlgorithm algorithm, VerificationKey publicKey, byte[]? ed25519Seed)
    {
        _pkcs8 = pkcs8;
        Algorithm = algorithm;
        PublicKey = publicKey;
        _ed25519Seed = ed25519Seed;
    }

    public KeyAlgorithm Algorithm { get; }

    public VerificationKey PublicKey { get; }

    /// <summary>
    /// Reads a private key PEM: cosign's <c>ENCRYPTED SIGSTORE PRIVATE KEY</c> or
    /// <c>ENCRYPTED COSIGN PRIVATE KEY</c> (with <paramref name="password"/>, which may be empty), or an
    /// unencrypted <c>PRIVATE KEY</c> (PKCS#8), <c>EC PRIVATE KEY</c> or <c>RSA PRIVATE KEY</c>.
    /// </summary>
    public static SigningKey FromPem(string pem, ReadOnlySpan<char> password = default)
    {
        var block = PemBlock.ReadSingle(pem, "private key", SigstoreFailureKind.KeyInvalid);
        try
        {
            switch (block.Label)
            {
                case CosignEncryptedKey.SigstoreLabel or CosignEncryptedKey.CosignLabel:
                    var pkcs8 = CosignEncryptedKey.Decrypt(block.Data, password);
                    try
                    {
                        return FromPkcs8(pkcs8);
                    }
                    finally
                    {
                        CryptographicOperations.ZeroMemory(pkcs8);
                    }

                case "PRIVATE KEY":
                    return FromPkcs8(block.Data);
                case "EC PRIVATE KEY":
                    using (var ecdsa = ECDsa.Create())
                    {
                        ecdsa.ImportECPrivateKey(block.Data, out _);
                        return FromPkcs8(ecdsa.ExportPkcs8PrivateKey());
                    }

                case "RSA PRIVATE KEY":
                    using (var rsa = RSA.Create())
                    {
                        rsa.ImportRSAPrivateKey(block.Data, out _);
                        return FromPkcs8(rsa.ExportPkcs8PrivateKey());
                    }

                case "ENCRYPTED PRIVATE KEY":
                    throw new SigstoreException(SigstoreFailureKind.KeyInvalid, "PKCS#8 'ENCRYPTED PRIVATE KEY' files are not supported; use a cosign key (cosign generate-key-pair) or an unencrypted PKCS#8 key.");
                default:
                    throw new SigstoreException(SigstoreFailureKind.KeyInvalid, $"A PEM '{block.Label}' block is not a private key.");
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(block.Data);
        }
    }

    public static async Task<SigningKey> FromPemFileAsync(string path, string? password, CancellationToken cancellationToken) =>
        FromPem(await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false), password);

    /// <summary>Reads an unencrypted PKCS#8 DER private key.</summary>
    public static SigningKey FromPkcs8(ReadOnlySpan<byte> pkcs8)
    {
        var der = pkcs8.ToArray();
        try
        {
            var info = new AsnReader(der, AsnEncodingRules.BER).ReadSequence();
            info.ReadInteger();
            var algorithmOid = info.ReadSequence().ReadObjectIdentifier();
            switch (algorithmOid)
            {
                case VerificationKey.Ed25519Oid:
                    {
                        var seed = new AsnReader(info.ReadOctetString(), AsnEncodingRules.DER).ReadOctetString();
                        if (seed.Length != 32)
                        {
                            throw new SigstoreException(SigstoreFailureKind.KeyInvalid, "An Ed25519 private key must hold a 32-byte seed.");
                        }

                        var publicKey = new Ed25519PrivateKeyParameters(seed, 0).GeneratePublicKey().GetEncoded();
                        return new SigningKey(der, KeyAlgorithm.Ed25519, Ed25519SubjectPublicKeyInfo(publicKey), seed);
                    }

                case VerificationKey.EcPublicKeyOid:
                    using (var ecdsa = ECDsa.Create())
                    {
                        ecdsa.ImportPkcs8PrivateKey(der, out _);
                        var publicKey = VerificationKey.FromSubjectPublicKeyInfo(ecdsa.ExportSubjectPublicKeyInfo());
                        return new SigningKey(der, publicKey.Algorithm, publicKey, null);
                    }

                case VerificationKey.RsaEncryptionOid:
                    using (var rsa = RSA.Create())
                    {
                        rsa.ImportPkcs8PrivateKey(der, out _);
                        return new SigningKey(der, KeyAlgorithm.Rsa, VerificationKey.FromSubjectPublicKeyInfo(rsa.ExportSubjectPublicKeyInfo()), null);
                    }

                default:
                    throw new SigstoreException(SigstoreFailureKind.KeyInvalid, $"The private key algorithm '{algorithmOid}' is not supported.");
            }
        }
        catch (Exception e) when (e is AsnContentException or CryptographicException)
        {
            CryptographicOperations.ZeroMemory(der);
            throw new SigstoreException(SigstoreFailureKind.KeyInvalid, "The private key is not a valid PKCS#8 key.", innerException: e);
        }
    }

    /// <summary>A fresh key pair, for tests and for users without one.</summary>
    public static SigningKey Generate(KeyAlgorithm algorithm)
    {
        switch (algorithm)
        {
            case KeyAlgorithm.Ed25519:
                {
                    var key = new Ed25519PrivateKeyParameters(new SecureRandom());
                    var writer = new AsnWriter(AsnEncodingRules.DER);
                    using (writer.PushSequence())
                    {
                        writer.WriteInteger(0);
                        using (writer.PushSequence())
                        {
                            writer.WriteObjectIdentifier(VerificationKey.Ed25519Oid);
                        }

                        var inner = new AsnWriter(AsnEncodingRules.DER);
                        inner.WriteOctetString(key.GetEncoded());
                        writer.WriteOctetString(inner.Encode());
                    }

                    return FromPkcs8(writer.Encode());
                }

            case KeyAlgorithm.Rsa:
                using (var rsa = RSA.Create(3072))
                {
                    return FromPkcs8(rsa.ExportPkcs8PrivateKey());
                }

            default:
                using (var ecdsa = ECDsa.Create(algorithm switch
                {
                    KeyAlgorithm.EcdsaP384 => ECCurve.NamedCurves.nistP384,
                    KeyAlgorithm.EcdsaP521 => ECCurve.NamedCurves.nistP521,
                    _ => ECCurve.NamedCurves.nistP256,
                }))
                {
                    return FromPkcs8(ecdsa.ExportPkcs8PrivateKey());
                }
        }
    }

    /// <summary>Signs <paramref name="message"/> as Sigstore verifiers expect for this key type.</summary>
    public byte[] Sign(ReadOnlySpan<byte> message)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        switch (Algorithm)
        {
            case KeyAlgorithm.Ed25519:
                {
                    var signer = new Ed25519Signer();
                    signer.Init(true, new Ed25519PrivateKeyParameters(_ed25519Seed!, 0));
                    signer.BlockUpdate(message);
                    return signer.GenerateSignature();
                }

            case KeyAlgorithm.Rsa:
                using (var rsa = RSA.Create())
                {
                    rsa.ImportPkcs8PrivateKey(_pkcs8, out _);
                    return rsa.SignData(message.ToArray(), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
                }

            default:
                using (var ecdsa = ECDsa.Create())
                {
                    ecdsa.ImportPkcs8PrivateKey(_pkcs8, out _);
                    return ecdsa.SignData(message, PublicKey.DefaultHashAlgorithm, DSASignatureFormat.Rfc3279DerSequence);
                }
        }
    }

    /// <summary>This key as cosign's encrypted PEM (scrypt + secretbox), protected by <paramref name="password"/>.</summary>
    public string ToEncryptedPem(ReadOnlySpan<char> password)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return CosignEncryptedKey.Encrypt(_pkcs8, password);
    }

    public void Dispose()
    {
        if (!_disposed)
        {
            CryptographicOperations.ZeroMemory(_pkcs8);
            if (_ed25519Seed is not null)
            {
                CryptographicOperations.ZeroMemory(_ed25519Seed);
            }

            _disposed = true;
        }
    }

    public override string ToString() => $"{Algorithm} private key for {PublicKey.Fingerprint}";

    private static VerificationKey Ed25519SubjectPublicKeyInfo(byte[] raw)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            using (writer.PushSequence())
            {
                writer.WriteObjectIdentifier(VerificationKey.Ed25519Oid);
            }

            writer.WriteBitString(raw);
        }

        return VerificationKey.FromSubjectPublicKeyInfo(writer.Encode());
    }
}
