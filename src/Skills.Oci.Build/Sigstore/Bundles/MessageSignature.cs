using System.Security.Cryptography;

namespace Skills.Oci.Build.Sigstore.Bundles;

/// <summary>A signature directly over an artifact, with the artifact's digest as the signer saw it.</summary>
public sealed record MessageSignature(HashAlgorithmName? DigestAlgorithm, byte[]? Digest, byte[] Signature);
