using Skills.Oci.Build.Oci;

namespace Skills.Oci.Build.Registry;

/// <summary>RFC 8288 <c>Link</c> headers as registries use them to paginate tag and referrer lists.</summary>
internal static class LinkPagination
{
    /// <summary>A bound on pages, so a registry whose links loop cannot keep a build busy forever.</summary>
    public const int MaxPages = 1000;

    /// <summary>The request for a page: the first page's path, or a next link (absolute, or relative to the registry).</summary>
    public static RegistryRequest PageRequest(ImageReference repository, string link, IReadOnlyList<string>? accept = null) =>
        Uri.TryCreate(link, UriKind.Absolute, out var absolute) && absolute.Scheme.StartsWith("http", StringComparison.Ordinal)
            ? new RegistryRequest(repository, HttpMethod.Get, string.Empty) { AbsoluteUri = absolute, Accept = accept ?? [] }
            : new RegistryRequest(repository, HttpMethod.Get, link.StartsWith('/') ? link : "/" + link) { Accept = accept ?? [] };

    /// <summary>The target of the <c>rel="next"</c> link, or null on the last page.</summary>
    public static string? NextPage(HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues("Link", out var values))
        {
            return null;
        }

        foreach (var value in values.SelectMany(v => v.Split(',')))
        {
            var parts = value.Split(';', StringSplitOptions.TrimEntries);
            if (parts.Length > 1 && parts[0].StartsWith('<') && parts[0].EndsWith('>') &&
                parts.Skip(1).Any(p => p.Replace(" ", string.Empty, StringComparison.Ordinal).Equals("rel=\"next\"", StringComparison.OrdinalIgnoreCase) ||
                                       p.Equals("rel=next", StringComparison.OrdinalIgnoreCase)))
            {
                return parts[0][1..^1];
            }
        }

        return null;
    }
}
