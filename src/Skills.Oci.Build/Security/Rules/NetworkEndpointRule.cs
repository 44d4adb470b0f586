using System.Net;
using System.Text.RegularExpressions;
using Skills.Oci.Build.Diagnostics;

namespace Skills.Oci.Build.Security.Rules;

/// <summary>
/// The network endpoints a skill names: each URL host once per file, at its first use. https is an
/// inventory entry; plain http or a bare IP address is a finding of its own. Hosts reserved for
/// documentation (example.com, .test, localhost) and XML or JSON schema namespaces are not endpoints.
/// </summary>
internal sealed class NetworkEndpointRule : ILineRule
{
    private static readonly Regex Url = new(@"\b(?<scheme>https?)://(?<host>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*)",
        RegexOptions.Compiled | RegexOptions.CultureInvariant | RegexOptions.IgnoreCase, TimeSpan.FromSeconds(1));

    private static readonly HashSet<string> Namespaces = new(StringComparer.OrdinalIgnoreCase)
    {
        "www.w3.org", "w3.org", "schemas.xmlsoap.org", "schemas.openxmlformats.org", "schemas.microsoft.com", "purl.org", "json-schema.org", "ns.adobe.com", "json.schemastore.org",
    };

    private readonly HashSet<string> _seen = new(StringComparer.OrdinalIgnoreCase);

    public void Line(int number, string text, FindingSink sink)
    {
        if (!text.Contains("://", StringComparison.Ordinal))
        {
            return;
        }

        foreach (Match match in Url.Matches(text))
        {
            var scheme = match.Groups["scheme"].Value.ToLowerInvariant();
            var host = match.Groups["host"].Value.ToLowerInvariant();
            if (IsReserved(host) || !_seen.Add(scheme + "://" + host))
            {
                continue;
            }

            var isAddress = IPAddress.TryParse(host.Trim('[', ']'), out _);
            if (scheme == "http" || isAddress)
            {
                sink.Add(ErrorCodes.ScanInsecureEndpoint, number, match.Index + 1,
                    $"The skill names the endpoint {scheme}://{host}{(scheme == "http" ? ", without TLS: anyone on the path can change what it serves" : ", an IP address no certificate or name vouches for")}.");
            }
            else
            {
                sink.Add(ErrorCodes.ScanNetworkEndpoint, number, match.Index + 1, $"The skill names the network endpoint {host}.");
            }
        }
    }

    public void End(FindingSink sink)
    {
    }

    private static bool IsReserved(string host) =>
        Namespaces.Contains(host) || host is "localhost" or "127.0.0.1" or "[::1]" or "0.0.0.0" ||
        host.EndsWith(".localhost", StringComparison.Ordinal) || host.EndsWith(".test", StringComparison.Ordinal) ||
        host.EndsWith(".example", StringComparison.Ordinal) || host.EndsWith(".invalid", StringComparison.Ordinal) ||
        host is "example.com" or "example.org" or "example.net" ||
        host.EndsWith(".example.com", StringComparison.Ordinal) || host.EndsWith(".example.org", StringComparison.Ordinal) || host.EndsWith(".example.net", StringComparison.Ordinal);
}
