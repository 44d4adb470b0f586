namespace Skills.Oci.Build.Sigstore.Serialization;

/// <summary>
/// Base64 as the Sigstore and cosign formats write it: standard alphabet, padded or not; protobuf JSON
/// readers also accept the URL-safe alphabet, so we do too.
/// </summary>
internal static class Base64Text
{
    public static bool TryDecode(string text, out byte[] bytes)
    {
        bytes = [];
        // Go and Python decoders skip line breaks, and some producers wrap base64 at 76 columns.
        var normalized = string.Concat(text.Where(c => !char.IsWhiteSpace(c))).Replace('-', '+').Replace('_', '/');
        var remainder = normalized.Length % 4;
        if (remainder == 1)
        {
            return false;
        }

        if (remainder != 0)
        {
            normalized += new string('=', 4 - remainder);
        }

        var buffer = new byte[normalized.Length / 4 * 3];
        if (!Convert.TryFromBase64String(normalized, buffer, out var written))
        {
            return false;
        }

        bytes = buffer[..written];
        return true;
    }

    public static byte[] Decode(string text, string what, SigstoreFailureKind kind) =>
        TryDecode(text, out var bytes)
            ? bytes
            : throw new SigstoreException(kind, $"The {what} is not valid base64.");
}
