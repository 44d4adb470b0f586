using System.Security.Cryptography;
using Skills.Oci.Build.Diagnostics;

namespace Skills.Oci.Build.Trust.Serialization;

/// <summary>One PEM block (RFC 7468): its label and decoded content.</summary>
internal sealed record PemBlock(string Label, byte[] Data)
{
    /// <summary>Every PEM block in <paramref name="text"/>, in order; text between blocks is ignored.</summary>
    public static IReadOnlyList<PemBlock> ReadAll(string text, string code)
    {
        var blocks = new List<PemBlock>();
        var rest = text.AsMemory();
        while (PemEncoding.TryFind(rest.Span, out var fields))
        {
            var span = rest.Span;
            var label = span[fields.Label].ToString();
            var data = new byte[fields.DecodedDataLength];
            if (!Convert.TryFromBase64Chars(span[fields.Base64Data], data, out var written))
            {
                throw new SkillsOciException(code, $"The PEM block '{label}' is not valid base64.");
            }

            blocks.Add(new PemBlock(label, data[..written]));
            rest = rest[fields.Location.End..];
        }

        return blocks;
    }

    public static PemBlock ReadSingle(string text, string what, string code)
    {
        var blocks = ReadAll(text, code);
        return blocks.Count switch
        {
            0 => throw new SkillsOciException(code, $"The {what} is not PEM: no '-----BEGIN ...-----' block was found."),
            _ => blocks[0],
        };
    }

    public static string Write(string label, ReadOnlySpan<byte> data) =>
        new string(PemEncoding.Write(label, data)) + "\n";
}
