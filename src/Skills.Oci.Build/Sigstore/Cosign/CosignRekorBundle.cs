using System.Text;
using Skills.Oci.Build.Sigstore.Serialization;
using Skills.Oci.Build.Sigstore.Transparency;

namespace Skills.Oci.Build.Sigstore.Cosign;

/// <summary>
/// The reader of the Rekor bundle cosign puts in a <c>.sig</c> or <c>.att</c> layer's
/// <c>dev.sigstore.cosign/bundle</c> annotation: the log entry and its signed entry timestamp.
/// </summary>
internal static class CosignRekorBundle
{
    /// <summary>
    /// cosign's Rekor bundle annotation: <c>{"SignedEntryTimestamp": base64, "Payload": {"body": base64,
    /// "integratedTime": n, "logIndex": n, "logID": hex}}</c>.
    /// </summary>
    public static TransparencyLogEntry Parse(string json)
    {
        var bundle = ProtoJson.Parse(Encoding.UTF8.GetBytes(json), "cosign Rekor bundle annotation", SigstoreFailureKind.TransparencyLogInvalid);
        var set = bundle.RequiredBytes("SignedEntryTimestamp");
        var payload = bundle.RequiredObject("Payload");
        var body = payload.RequiredBytes("body");
        var logIdHex = payload.RequiredString("logID");
        byte[] logId;
        try
        {
            logId = Convert.FromHexString(logIdHex);
        }
        catch (FormatException e)
        {
            throw new SigstoreException(SigstoreFailureKind.TransparencyLogInvalid, "The cosign Rekor bundle's logID is not hex.", innerException: e);
        }

        var header = ProtoJson.Parse(body, "Rekor entry body", SigstoreFailureKind.TransparencyLogInvalid);
        var logIndex = payload.Required("logIndex").AsInt64();
        var integratedTime = payload.Required("integratedTime").AsInt64();
        if (logIndex < 0 || integratedTime < 0)
        {
            throw bundle.Error("logIndex and integratedTime must not be negative.");
        }

        return new TransparencyLogEntry(logIndex, logId, header.RequiredString("kind"), header.RequiredString("apiVersion"), integratedTime, set, null, body);
    }
}
