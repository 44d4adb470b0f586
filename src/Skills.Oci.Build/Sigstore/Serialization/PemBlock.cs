using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace Skills.Oci.Build.Sigstore.Serialization;

/// <summary>One PEM block (RFC 7468): its label and decoded content.</summary>
internal sealed partial record PemBlock(string Label, byte[] Data)
{
    /// <summary>
    /// Every PEM block in <paramref name="text"/>, in order. Lax like Go's encoding/pem: text around and
    /// right after a block is ignored, because keys pasted from source code often carry stray characters
    /// (cosign's own test key ends in a backtick).
    /// </summary>
    public static IReadOnlyList<PemBlock> ReadAll(string text, SigstoreFailureKind kind)
    {
        var blocks = new List<PemBlock>();
        foreach (Match match in Block().Matches(text))
        {
            var label = match.Groups["label"].Value;
            if (!Base64Text.TryDecode(match.Groups["body"].Value, out var data))
            {
                throw new SigstoreException(kind, $"The PEM block '{label}' is not valid base64.");
            }

            blocks.Add(new PemBlock(label, data));
        }

        return blocks;
    }

    public static PemBlock ReadSingle(string text, string what, SigstoreFailureKind kind)
    {
        var blocks = ReadAll(text, kind);
        return blocks.Count switch
        {
            0 => throw new SigstoreException(kind, $"The {what} is not PEM: no '-----BEGIN ...-----' block was found."),
            _ => blocks[0],
        };
    }

    public static string Write(string label, ReadOnlySpan<byte> data) =>
        new string(PemEncoding.Write(label, data)) + "\n";

    [GeneratedRegex(@"-----BEGIN (?<label>[A-Z0-9 ]+)-----(?<body>[A-Za-z0-9+/=\s]*)-----END \k<label>-----", RegexOptions.CultureInvariant)]
    private static partial Regex Block();
}
