using System.Net;
using System.Runtime.CompilerServices;
using Skills.Oci.Build.Diagnostics;

namespace Skills.Oci.Build.Security.Rules;

/// <summary>
/// The network endpoints a skill names: each URL host once per file, at its first use. https is an
/// inventory entry; plain http or a bare IP address is a finding of its own. Hosts reserved for
/// documentation (example.com, .test, localhost) and XML or JSON schema namespaces are not endpoints.
/// URLs are found by hand, not by a regular expression: this rule sees every line of every file.
/// </summary>
internal sealed class NetworkEndpointRule : ILineRule
{
    private static readonly HashSet<string> Namespaces = new(StringComparer.OrdinalIgnoreCase)
    {
        "www.w3.org", "w3.org", "schemas.xmlsoap.org", "schemas.openxmlformats.org", "schemas.microsoft.com", "purl.org", "json-schema.org", "ns.adobe.com", "json.schemastore.org",
    };

    private readonly HashSet<string> _seen = new(StringComparer.OrdinalIgnoreCase);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Line(int number, ReadOnlySpan<char> text, FindingSink sink)
    {
        var from = 0;
        int found;
        while ((found = text[from..].IndexOf("://", StringComparison.Ordinal)) >= 0)
        {
            var separator = from + found;
            from = separator + 3;
            var https = separator >= 5 && text.Slice(separator - 5, 5).Equals("https", StringComparison.OrdinalIgnoreCase);
            var http = !https && separator >= 4 && text.Slice(separator - 4, 4).Equals("http", StringComparison.OrdinalIgnoreCase);
            var start = separator - (https ? 5 : 4);
            if ((!https && !http) || (start > 0 && char.IsAsciiLetterOrDigit(text[start - 1])))
            {
                continue;
            }

            var host = Host(text, from);
            if (host.Length == 0)
            {
                continue;
            }

            var scheme = https ? "https" : "http";
            host = host.ToLowerInvariant();
            if (IsReserved(host) || !_seen.Add(scheme + "://" + host))
            {
                continue;
            }

            if (http || IPAddress.TryParse(host.Trim('[', ']'), out _))
            {
                sink.Add(ErrorCodes.ScanInsecureEndpoint, number, start + 1,
                    $"The skill names the endpoint {scheme}://{host}{(http ? ", without TLS: anyone on the path can change what it serves" : ", an IP address no certificate or name vouches for")}.");
            }
            else
            {
                sink.Add(ErrorCodes.ScanNetworkEndpoint, number, start + 1, $"The skill names the network endpoint {host}.");
            }
        }
    }

    public void End(FindingSink sink)
    {
    }

    /// <summary>The host after <c>://</c>: a bracketed IPv6 address, or letters, digits, '-' and '.' (no trailing dot).</summary>
    private static string Host(ReadOnlySpan<char> text, int start)
    {
        if (start < text.Length && text[start] == '[')
        {
            var close = text[start..].IndexOf(']');
            return close > 0 ? text.Slice(start, close + 1).ToString() : string.Empty;
        }

        var end = start;
        while (end < text.Length && (char.IsAsciiLetterOrDigit(text[end]) || text[end] is '-' or '.'))
        {
            end++;
        }

        return text[start..end].Trim(".-").ToString();
    }

    private static bool IsReserved(string host) =>
        Namespaces.Contains(host) || host is "localhost" or "127.0.0.1" or "[::1]" or "0.0.0.0" ||
        host.EndsWith(".localhost", StringComparison.Ordinal) || host.EndsWith(".test", StringComparison.Ordinal) ||
        host.EndsWith(".example", StringComparison.Ordinal) || host.EndsWith(".invalid", StringComparison.Ordinal) ||
        host is "example.com" or "example.org" or "example.net" ||
        host.EndsWith(".example.com", StringComparison.Ordinal) || host.EndsWith(".example.org", StringComparison.Ordinal) || host.EndsWith(".example.net", StringComparison.Ordinal);
}
