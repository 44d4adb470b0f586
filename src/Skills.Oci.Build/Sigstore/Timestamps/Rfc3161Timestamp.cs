using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Skills.Oci.Build.Sigstore.Certificates;
using Skills.Oci.Build.Sigstore.Keys;
using Skills.Oci.Build.Sigstore.TrustedRoots;

namespace Skills.Oci.Build.Sigstore.Timestamps;

/// <summary>
/// An RFC 3161 timestamp token (CMS SignedData over a TSTInfo), parsed with System.Formats.Asn1 so
/// that the task needs no CMS package inside MSBuild. Accepts a bare token or a TimeStampResp.
/// </summary>
internal sealed class Rfc3161Timestamp
{
    private const string SignedDataOid = "1.2.840.113549.1.7.2";
    private const string TstInfoOid = "1.2.840.113549.1.9.16.1.4";
    private const string ContentTypeAttributeOid = "1.2.840.113549.1.9.3";
    private const string MessageDigestAttributeOid = "1.2.840.113549.1.9.4";
    private const string TimeStampingEkuOid = "1.3.6.1.5.5.7.3.8";

    private Rfc3161Timestamp(
        HashAlgorithmName imprintAlgorithm,
        byte[] imprint,
        DateTimeOffset generationTime,
        byte[] tstInfo,
        HashAlgorithmName signerDigestAlgorithm,
        byte[]? signedAttributes,
        string signatureAlgorithmOid,
        byte[] signature,
        IReadOnlyList<byte[]> certificates)
    {
        ImprintAlgorithm = imprintAlgorithm;
        Imprint = imprint;
        GenerationTime = generationTime;
        TstInfo = tstInfo;
        SignerDigestAlgorithm = signerDigestAlgorithm;
        SignedAttributes = signedAttributes;
        SignatureAlgorithmOid = signatureAlgorithmOid;
        Signature = signature;
        Certificates = certificates;
    }

    public HashAlgorithmName ImprintAlgorithm { get; }

    public byte[] Imprint { get; }

    public DateTimeOffset GenerationTime { get; }

    private byte[] TstInfo { get; }

    private HashAlgorithmName SignerDigestAlgorithm { get; }

    /// <summary>The signed attributes re-tagged as the SET OF they are signed as.</summary>
    private byte[]? SignedAttributes { get; }

    private string SignatureAlgorithmOid { get; }

    private byte[] Signature { get; }

    private IReadOnlyList<byte[]> Certificates { get; }

    public static Rfc3161Timestamp Parse(byte[] der)
    {
        try
        {
            return ParseCore(der);
        }
        catch (AsnContentException e)
        {
            throw Invalid("it is not DER: " + e.Message, e);
        }
    }

    /// <summary>
    /// Verifies the token over <paramref name="signedBytes"/> (the artifact signature it timestamps) and
    /// that a timestamp authority of the trusted root signed it while valid; returns the time.
    /// </summary>
    public static DateTimeOffset Verify(byte[] der, ReadOnlySpan<byte> signedBytes, TrustedRoot root)
    {
        var token = Parse(der);
        if (!VerificationKey.Hash(token.ImprintAlgorithm, signedBytes).AsSpan().SequenceEqual(token.Imprint))
        {
            throw Invalid("its message imprint is not the hash of the bundle's signature");
        }

        token.CheckSignedAttributes();
        var reasons = new List<string>();
        foreach (var authority in root.TimestampAuthorities)
        {
            if (!authority.Validity.Contains(token.GenerationTime))
            {
                reasons.Add($"{authority.Uri} is trusted only {authority.Validity}");
                continue;
            }

            // The signer is an embedded certificate or the authority's own leaf; either must chain to
            // the authority's root at the generation time.
            foreach (var candidate in token.Certificates.Append(authority.Chain[0]).Distinct(ByteArrayComparer.Instance))
            {
                if (!token.IsSignedBy(candidate))
                {
                    continue;
                }

                if (CertificateChainVerifier.TryBuild(candidate, authority, token.GenerationTime, out var why) is null)
                {
                    reasons.Add($"the signing certificate {why}");
                    continue;
                }

                if (!HasTimeStampingUsage(candidate))
                {
                    reasons.Add("the signing certificate is not for timestamping");
                    continue;
                }

                return token.GenerationTime;
            }
        }

        throw Invalid(reasons.Count == 0
            ? "no timestamp authority of the trusted root signed it"
            : "no timestamp authority of the trusted root signed it (" + string.Join("; ", reasons.Distinct()) + ")");
    }

    private void CheckSignedAttributes()
    {
        if (SignedAttributes is null)
        {
            throw Invalid("its signer has no signed attributes");
        }

        var contentTypeOk = false;
        byte[]? digest = null;
        var attributes = new AsnReader(SignedAttributes, AsnEncodingRules.DER).ReadSetOf();
        while (attributes.HasData)
        {
            var attribute = attributes.ReadSequence();
            var oid = attribute.ReadObjectIdentifier();
            var values = attribute.ReadSetOf();
            switch (oid)
            {
                case ContentTypeAttributeOid:
                    contentTypeOk = values.ReadObjectIdentifier() == TstInfoOid;
                    break;
                case MessageDigestAttributeOid:
                    digest = values.ReadOctetString();
                    break;
            }
        }

        if (!contentTypeOk || digest is null || !digest.AsSpan().SequenceEqual(VerificationKey.Hash(SignerDigestAlgorithm, TstInfo)))
        {
            throw Invalid("its signed attributes do not bind the TSTInfo (content type or message digest)");
        }
    }

    private bool IsSignedBy(byte[] certificateDer)
    {
        VerificationKey key;
        try
        {
            key = VerificationKey.FromCertificate(certificateDer);
        }
        catch (SigstoreException)
        {
            // An embedded certificate with a key we cannot use cannot be the signer we accept.
            return false;
        }

        var hashAlgorithm = SignatureAlgorithmOid switch
        {
            "1.2.840.10045.4.3.2" or "1.2.840.113549.1.1.11" => HashAlgorithmName.SHA256,
            "1.2.840.10045.4.3.3" or "1.2.840.113549.1.1.12" => HashAlgorithmName.SHA384,
            "1.2.840.10045.4.3.4" or "1.2.840.113549.1.1.13" => HashAlgorithmName.SHA512,
            _ => SignerDigestAlgorithm,
        };
        return key.VerifyMessage(SignedAttributes!, Signature, hashAlgorithm);
    }

    private static bool HasTimeStampingUsage(byte[] certificateDer)
    {
        using var certificate = new X509Certificate2(certificateDer);
        var usages = certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().FirstOrDefault();
        return usages is null || usages.EnhancedKeyUsages.Cast<Oid>().Any(o => o.Value == TimeStampingEkuOid);
    }

    private static Rfc3161Timestamp ParseCore(byte[] der)
    {
        var outer = new AsnReader(der, AsnEncodingRules.BER).ReadSequence();
        // A TimeStampResp starts with PKIStatusInfo (a SEQUENCE); a token starts with the content type OID.
        if (outer.PeekTag().HasSameClassAndValue(Asn1Tag.Sequence))
        {
            var status = outer.ReadSequence();
            if (!status.TryReadInt32(out var value) || value is not (0 or 1))
            {
                throw Invalid("the timestamp response's status is not 'granted'");
            }

            if (!outer.HasData)
            {
                throw Invalid("the timestamp response has no token");
            }

            outer = outer.ReadSequence();
        }

        if (outer.ReadObjectIdentifier() != SignedDataOid)
        {
            throw Invalid("it is not CMS SignedData");
        }

        var signedData = outer.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0)).ReadSequence();
        signedData.ReadInteger();
        signedData.ReadSetOf();
        var encapsulated = signedData.ReadSequence();
        if (encapsulated.ReadObjectIdentifier() != TstInfoOid)
        {
            throw Invalid("its content is not a TSTInfo");
        }

        var tstInfo = encapsulated.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0)).ReadOctetString();

        var certificates = new List<byte[]>();
        var certificatesTag = new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true);
        if (signedData.HasData && signedData.PeekTag() == certificatesTag)
        {
            var set = signedData.ReadSetOf(certificatesTag);
            while (set.HasData)
            {
                var tag = set.PeekTag();
                var encoded = set.ReadEncodedValue().ToArray();
                if (tag.HasSameClassAndValue(Asn1Tag.Sequence))
                {
                    certificates.Add(encoded);
                }
            }
        }

        var crlsTag = new Asn1Tag(TagClass.ContextSpecific, 1, isConstructed: true);
        if (signedData.HasData && signedData.PeekTag() == crlsTag)
        {
            signedData.ReadEncodedValue();
        }

        var signerInfos = signedData.ReadSetOf();
        if (!signerInfos.HasData)
        {
            throw Invalid("it has no signer");
        }

        var signer = signerInfos.ReadSequence();
        if (signerInfos.HasData)
        {
            throw Invalid("it has more than one signer");
        }

        signer.ReadInteger();
        signer.ReadEncodedValue();
        var digestAlgorithm = DigestAlgorithm(signer.ReadSequence().ReadObjectIdentifier());
        byte[]? signedAttributes = null;
        var signedAttributesTag = new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true);
        if (signer.PeekTag() == signedAttributesTag)
        {
            signedAttributes = signer.ReadEncodedValue().ToArray();
            // Signed as an explicit SET OF (RFC 5652 §5.4): swap the [0] IMPLICIT tag for SET.
            signedAttributes[0] = 0x31;
        }

        var signatureAlgorithm = signer.ReadSequence().ReadObjectIdentifier();
        var signature = signer.ReadOctetString();

        var info = new AsnReader(tstInfo, AsnEncodingRules.DER).ReadSequence();
        info.ReadInteger();
        info.ReadObjectIdentifier();
        var imprint = info.ReadSequence();
        var imprintAlgorithm = DigestAlgorithm(imprint.ReadSequence().ReadObjectIdentifier());
        var hashed = imprint.ReadOctetString();
        info.ReadInteger();
        var generationTime = info.ReadGeneralizedTime();

        return new Rfc3161Timestamp(imprintAlgorithm, hashed, generationTime, tstInfo, digestAlgorithm, signedAttributes, signatureAlgorithm, signature, certificates);
    }

    private static HashAlgorithmName DigestAlgorithm(string oid) => oid switch
    {
        "2.16.840.1.101.3.4.2.1" => HashAlgorithmName.SHA256,
        "2.16.840.1.101.3.4.2.2" => HashAlgorithmName.SHA384,
        "2.16.840.1.101.3.4.2.3" => HashAlgorithmName.SHA512,
        _ => throw Invalid($"the digest algorithm {oid} is not supported"),
    };

    private static SigstoreException Invalid(string why, Exception? inner = null) =>
        new(SigstoreFailureKind.TimestampInvalid, $"The RFC 3161 timestamp does not verify: {why}.", innerException: inner);

    private sealed class ByteArrayComparer : IEqualityComparer<byte[]>
    {
        public static readonly ByteArrayComparer Instance = new();

        public bool Equals(byte[]? x, byte[]? y) => x is not null && y is not null && x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] obj) => obj.Length;
    }
}
