namespace Skills.Oci.Build.Oci;

/// <summary>Reads small response bodies (manifests, tokens, errors) with a hard size limit.</summary>
internal static class HttpContentReader
{
    /// <summary>
    /// Reads the whole body, refusing more than <paramref name="maxBytes"/>: a declared length over
    /// the limit is refused before any byte is read, and an undeclared one is cut off at the limit.
    /// </summary>
    public static async Task<byte[]> ReadLimitedAsync(HttpContent content, long maxBytes, CancellationToken cancellationToken)
    {
        var declared = content.Headers.ContentLength;
        if (declared > maxBytes)
        {
            throw new RegistryException(RegistryErrorKind.TooLarge, $"The response is {declared} bytes, more than the limit of {maxBytes} bytes.");
        }

        await using var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var buffer = new MemoryStream(declared is > 0 ? (int)declared.Value : 4096);
        var chunk = new byte[16 * 1024];
        while (true)
        {
            var read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            if (buffer.Length + read > maxBytes)
            {
                throw new RegistryException(RegistryErrorKind.TooLarge, $"The response is longer than the limit of {maxBytes} bytes.");
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}
