using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Skills.Oci.Build.Sigstore.Keys;

namespace Skills.Oci.Build.Sigstore.Certificates;

/// <summary>
/// A short-lived Fulcio signing certificate, read for what a policy checks: the OIDC issuer (Fulcio
/// extension 1.3.6.1.4.1.57264.1.8, or the deprecated .1.1) and the subject alternative names (URI,
/// email, DNS, and the otherName Fulcio uses for usernames).
/// </summary>
public sealed class FulcioCertificate
{
    internal const string IssuerV2Oid = "1.3.6.1.4.1.57264.1.8";
    internal const string IssuerV1Oid = "1.3.6.1.4.1.57264.1.1";
    private const string SubjectAltNameOid = "2.5.29.17";

    private FulcioCertificate(byte[] der, string? issuer, IReadOnlyList<string> subjectAlternativeNames, VerificationKey key, DateTimeOffset notBefore, DateTimeOffset notAfter, bool isCertificateAuthority)
    {
        Der = der;
        Issuer = issuer;
        SubjectAlternativeNames = subjectAlternativeNames;
        PublicKey = key;
        NotBefore = notBefore;
        NotAfter = notAfter;
        IsCertificateAuthority = isCertificateAuthority;
    }

    public byte[] Der { get; }

    /// <summary>The OIDC issuer the identity token came from, or null when the certificate has none.</summary>
    public string? Issuer { get; }

    /// <summary>Every SAN value as text, in certificate order.</summary>
    public IReadOnlyList<string> SubjectAlternativeNames { get; }

    public VerificationKey PublicKey { get; }

    public DateTimeOffset NotBefore { get; }

    public DateTimeOffset NotAfter { get; }

    public bool IsCertificateAuthority { get; }

    public static FulcioCertificate Parse(byte[] der)
    {
        try
        {
            using var certificate = new X509Certificate2(der);
            string? issuer = null;
            var sans = new List<string>();
            var isCa = false;
            foreach (var extension in certificate.Extensions)
            {
                switch (extension.Oid?.Value)
                {
                    case IssuerV2Oid:
                        issuer = new AsnReader(extension.RawData, AsnEncodingRules.DER).ReadCharacterString(UniversalTagNumber.UTF8String);
                        break;
                    case IssuerV1Oid:
                        issuer ??= System.Text.Encoding.UTF8.GetString(extension.RawData);
                        break;
                    case SubjectAltNameOid:
                        sans.AddRange(ReadSubjectAlternativeNames(extension.RawData));
                        break;
                    case "2.5.29.19":
                        isCa = ((X509BasicConstraintsExtension)extension).CertificateAuthority;
                        break;
                }
            }

            return new FulcioCertificate(
                der,
                issuer,
                sans,
                VerificationKey.FromSubjectPublicKeyInfo(certificate.PublicKey.ExportSubjectPublicKeyInfo()),
                new DateTimeOffset(certificate.NotBefore.ToUniversalTime(), TimeSpan.Zero),
                new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero),
                isCa);
        }
        catch (Exception e) when (e is CryptographicException or AsnContentException or InvalidCastException)
        {
            throw new SigstoreException(SigstoreFailureKind.CertificateInvalid, "The signing certificate is not a valid DER X.509 certificate.", innerException: e);
        }
    }

    /// <summary>
    /// GeneralNames: rfc822Name [1], dNSName [2] and uniformResourceIdentifier [6] are IA5 strings;
    /// otherName [0] is an OID and an explicitly tagged value (Fulcio: a UTF8String username).
    /// </summary>
    private static List<string> ReadSubjectAlternativeNames(byte[] extension)
    {
        var names = new List<string>();
        var reader = new AsnReader(extension, AsnEncodingRules.DER).ReadSequence();
        while (reader.HasData)
        {
            var tag = reader.PeekTag();
            if (tag.TagClass != TagClass.ContextSpecific)
            {
                reader.ReadEncodedValue();
                continue;
            }

            switch (tag.TagValue)
            {
                case 1 or 2 or 6:
                    names.Add(reader.ReadCharacterString(UniversalTagNumber.IA5String, new Asn1Tag(TagClass.ContextSpecific, tag.TagValue)));
                    break;
                case 0:
                    {
                        var other = reader.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0));
                        other.ReadObjectIdentifier();
                        var value = other.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true));
                        var inner = value.PeekTag();
                        if (inner.TagClass == TagClass.Universal &&
                            inner.TagValue is (int)UniversalTagNumber.UTF8String or (int)UniversalTagNumber.IA5String or (int)UniversalTagNumber.PrintableString)
                        {
                            names.Add(value.ReadCharacterString((UniversalTagNumber)inner.TagValue));
                        }

                        break;
                    }

                default:
                    reader.ReadEncodedValue();
                    break;
            }
        }

        return names;
    }
}
