using System.Globalization;
using Skills.Oci.Build.Sigstore.Serialization;

namespace Skills.Oci.Build.Sigstore.Transparency;

/// <summary>One signature line of a signed note: the signer's name, 4-byte key hint and signature.</summary>
internal sealed record NoteSignature(string Name, byte[] KeyHint, byte[] Signature);

/// <summary>
/// A transparency log checkpoint in the signed-note format (C2SP tlog-checkpoint, signed-note):
/// a text body of origin, tree size, base64 root hash and optional extension lines, a blank line, then
/// one or more <c>— name base64(keyhint || signature)</c> lines from the log and any witnesses.
/// </summary>
internal sealed class Checkpoint
{
    private const string SignaturePrefix = "\u2014 ";

    private Checkpoint(string origin, long treeSize, byte[] rootHash, byte[] signedBody, IReadOnlyList<NoteSignature> signatures)
    {
        Origin = origin;
        TreeSize = treeSize;
        RootHash = rootHash;
        SignedBody = signedBody;
        Signatures = signatures;
    }

    public string Origin { get; }

    public long TreeSize { get; }

    public byte[] RootHash { get; }

    /// <summary>The note text the signatures cover: every body line with its final newline.</summary>
    public byte[] SignedBody { get; }

    public IReadOnlyList<NoteSignature> Signatures { get; }

    public static Checkpoint Parse(string envelope)
    {
        var separator = envelope.IndexOf("\n\n", StringComparison.Ordinal);
        if (separator < 0)
        {
            throw Invalid("it has no blank line between the note and its signatures");
        }

        var body = envelope[..(separator + 1)];
        var lines = body.Split('\n');
        // lines ends with "" after the final newline: origin, size, hash and at least that.
        if (lines.Length < 4)
        {
            throw Invalid("the note needs an origin, a tree size and a root hash");
        }

        var origin = lines[0];
        if (origin.Length == 0)
        {
            throw Invalid("the origin line is empty");
        }

        if (!long.TryParse(lines[1], NumberStyles.None, CultureInfo.InvariantCulture, out var treeSize))
        {
            throw Invalid($"the tree size '{lines[1]}' is not a decimal number");
        }

        if (!Base64Text.TryDecode(lines[2], out var rootHash) || rootHash.Length != 32 || lines[2].Length == 0)
        {
            throw Invalid("the root hash line is not a base64 SHA-256 hash");
        }

        var signatures = new List<NoteSignature>();
        foreach (var line in envelope[(separator + 2)..].Split('\n'))
        {
            if (line.Length == 0)
            {
                continue;
            }

            if (!line.StartsWith(SignaturePrefix, StringComparison.Ordinal))
            {
                throw Invalid("a signature line does not start with '\u2014 '");
            }

            var rest = line[SignaturePrefix.Length..];
            var space = rest.LastIndexOf(' ');
            if (space <= 0 || !Base64Text.TryDecode(rest[(space + 1)..], out var blob) || blob.Length < 5)
            {
                throw Invalid("a signature line is not 'name base64-signature'");
            }

            signatures.Add(new NoteSignature(rest[..space], blob[..4], blob[4..]));
        }

        if (signatures.Count == 0)
        {
            throw Invalid("it has no signature");
        }

        return new Checkpoint(origin, treeSize, rootHash, System.Text.Encoding.UTF8.GetBytes(body), signatures);
    }

    private static SigstoreException Invalid(string why) =>
        new(SigstoreFailureKind.TransparencyLogInvalid, $"The log checkpoint is malformed: {why}.");
}
