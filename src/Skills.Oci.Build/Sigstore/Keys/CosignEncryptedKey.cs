using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Macs;
using Org.BouncyCastle.Crypto.Parameters;
using Skills.Oci.Build.Sigstore.Serialization;

namespace Skills.Oci.Build.Sigstore.Keys;

/// <summary>
/// cosign's password-protected private key (PEM <c>ENCRYPTED SIGSTORE PRIVATE KEY</c>, formerly
/// <c>ENCRYPTED COSIGN PRIVATE KEY</c>): JSON naming an scrypt KDF with its parameters and salt and a
/// NaCl secretbox (XSalsa20-Poly1305) nonce, around the PKCS#8 DER private key.
/// </summary>
internal static class CosignEncryptedKey
{
    public const string SigstoreLabel = "ENCRYPTED SIGSTORE PRIVATE KEY";
    public const string CosignLabel = "ENCRYPTED COSIGN PRIVATE KEY";

    /// <summary>Bounds on the KDF cost a key file may ask for, so a hostile file cannot exhaust memory.</summary>
    private const int MaxLogN = 20;

    private const int TagLength = 16;

    public static byte[] Decrypt(byte[] json, ReadOnlySpan<char> password)
    {
        var document = ProtoJson.Parse(json, "encrypted cosign key", SigstoreFailureKind.KeyInvalid);
        var kdf = document.RequiredObject("kdf");
        if (kdf.RequiredString("name") != "scrypt")
        {
            throw document.Error($"the key derivation '{kdf.RequiredString("name")}' is not supported; cosign keys use scrypt.");
        }

        var parameters = kdf.RequiredObject("params");
        var n = parameters.Required("N").AsInt64();
        var r = parameters.Required("r").AsInt64();
        var p = parameters.Required("p").AsInt64();
        if (n < 2 || (n & (n - 1)) != 0 || n > 1L << MaxLogN || r is < 1 or > 32 || p is < 1 or > 16)
        {
            throw document.Error($"the scrypt parameters N={n}, r={r}, p={p} are out of range.");
        }

        var salt = kdf.RequiredBytes("salt");
        var cipher = document.RequiredObject("cipher");
        if (cipher.RequiredString("name") != "nacl/secretbox")
        {
            throw document.Error($"the cipher '{cipher.RequiredString("name")}' is not supported; cosign keys use nacl/secretbox.");
        }

        var nonce = cipher.RequiredBytes("nonce");
        var ciphertext = document.RequiredBytes("ciphertext");
        if (nonce.Length != 24 || ciphertext.Length < TagLength)
        {
            throw document.Error("the nonce or ciphertext has the wrong length.");
        }

        var passwordBytes = System.Text.Encoding.UTF8.GetBytes(password.ToArray());
        var key = SCrypt.Generate(passwordBytes, salt, (int)n, (int)r, (int)p, 32);
        CryptographicOperations.ZeroMemory(passwordBytes);
        try
        {
            return SecretBoxOpen(ciphertext, nonce, key)
                ?? throw new SigstoreException(SigstoreFailureKind.KeyDecryptionFailed, "The encrypted private key could not be decrypted: the password is wrong or the key file is damaged.");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    public static string Encrypt(ReadOnlySpan<byte> pkcs8, ReadOnlySpan<char> password)
    {
        // cosign's defaults: scrypt N=32768, r=8, p=1, 32-byte salt.
        const int n = 32768;
        var salt = RandomNumberGenerator.GetBytes(32);
        var nonce = RandomNumberGenerator.GetBytes(24);
        var passwordBytes = System.Text.Encoding.UTF8.GetBytes(password.ToArray());
        var key = SCrypt.Generate(passwordBytes, salt, n, 8, 1, 32);
        CryptographicOperations.ZeroMemory(passwordBytes);
        var box = SecretBoxSeal(pkcs8, nonce, key);
        CryptographicOperations.ZeroMemory(key);
        var json = $$"""{"kdf":{"name":"scrypt","params":{"N":{{n}},"r":8,"p":1},"salt":"{{Convert.ToBase64String(salt)}}"},"cipher":{"name":"nacl/secretbox","nonce":"{{Convert.ToBase64String(nonce)}}"},"ciphertext":"{{Convert.ToBase64String(box)}}"}""";
        return PemBlock.Write(SigstoreLabel, System.Text.Encoding.UTF8.GetBytes(json));
    }

    /// <summary>NaCl secretbox: XSalsa20 keystream, first 32 bytes key Poly1305, tag before the box.</summary>
    private static byte[]? SecretBoxOpen(byte[] sealedBox, byte[] nonce, byte[] key)
    {
        var engine = new XSalsa20Engine();
        engine.Init(false, new ParametersWithIV(new KeyParameter(key), nonce));
        var macKey = new byte[32];
        engine.ProcessBytes(new byte[32], 0, 32, macKey, 0);

        var poly = new Poly1305();
        poly.Init(new KeyParameter(macKey));
        poly.BlockUpdate(sealedBox, TagLength, sealedBox.Length - TagLength);
        var tag = new byte[TagLength];
        poly.DoFinal(tag, 0);
        CryptographicOperations.ZeroMemory(macKey);
        if (!CryptographicOperations.FixedTimeEquals(tag, sealedBox.AsSpan(0, TagLength)))
        {
            return null;
        }

        var plain = new byte[sealedBox.Length - TagLength];
        engine.ProcessBytes(sealedBox, TagLength, plain.Length, plain, 0);
        return plain;
    }

    private static byte[] SecretBoxSeal(ReadOnlySpan<byte> plain, byte[] nonce, byte[] key)
    {
        var engine = new XSalsa20Engine();
        engine.Init(true, new ParametersWithIV(new KeyParameter(key), nonce));
        var macKey = new byte[32];
        engine.ProcessBytes(new byte[32], 0, 32, macKey, 0);
        var result = new byte[TagLength + plain.Length];
        engine.ProcessBytes(plain.ToArray(), 0, plain.Length, result, TagLength);
        var poly = new Poly1305();
        poly.Init(new KeyParameter(macKey));
        poly.BlockUpdate(result, TagLength, plain.Length);
        poly.DoFinal(result, 0);
        CryptographicOperations.ZeroMemory(macKey);
        return result;
    }
}
