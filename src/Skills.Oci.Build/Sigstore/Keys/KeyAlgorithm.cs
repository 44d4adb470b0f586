namespace Skills.Oci.Build.Sigstore.Keys;

/// <summary>The public-key algorithms Sigstore and cosign sign with.</summary>
public enum KeyAlgorithm
{
    EcdsaP256,
    EcdsaP384,
    EcdsaP521,
    Rsa,
    Ed25519,
}
