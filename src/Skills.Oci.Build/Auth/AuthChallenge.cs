namespace Skills.Oci.Build.Auth;

/// <summary>
/// One challenge from a <c>WWW-Authenticate</c> header (RFC 7235): a scheme (<c>Basic</c>,
/// <c>Bearer</c>) and its parameters. For Bearer, <c>realm</c>, <c>service</c> and <c>scope</c> drive
/// the token request; <c>scope</c> may hold several space-separated scopes.
/// </summary>
public sealed class AuthChallenge
{
    private AuthChallenge(string scheme, IReadOnlyDictionary<string, string> parameters)
    {
        Scheme = scheme;
        Parameters = parameters;
    }

    public string Scheme { get; }

    public IReadOnlyDictionary<string, string> Parameters { get; }

    public bool IsBasic => Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase);

    public bool IsBearer => Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase);

    public string? Realm => Get("realm");

    public string? Service => Get("service");

    /// <summary>The <c>error</c> parameter (<c>insufficient_scope</c>, <c>invalid_token</c>).</summary>
    public string? Error => Get("error");

    public IReadOnlyList<string> Scopes =>
        Get("scope")?.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];

    public string? Get(string name) => Parameters.TryGetValue(name, out var value) ? value : null;

    /// <summary>
    /// Parses every challenge in a header value. Tolerates the forms registries send: quoted and
    /// token values, commas inside quotes, escaped quotes, extra white space, and several challenges.
    /// </summary>
    public static IReadOnlyList<AuthChallenge> ParseAll(string? header)
    {
        var challenges = new List<AuthChallenge>();
        if (string.IsNullOrWhiteSpace(header))
        {
            return challenges;
        }

        var position = 0;
        string? scheme = null;
        var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        while (position < header.Length)
        {
            SkipSeparators(header, ref position);
            if (position >= header.Length)
            {
                break;
            }

            var token = ReadToken(header, ref position);
            if (token.Length == 0)
            {
                position++;
                continue;
            }

            SkipWhiteSpace(header, ref position);
            if (position < header.Length && header[position] == '=')
            {
                position++;
                SkipWhiteSpace(header, ref position);
                var value = position < header.Length && header[position] == '"'
                    ? ReadQuoted(header, ref position)
                    : ReadToken(header, ref position);
                if (scheme is not null)
                {
                    parameters[token] = value;
                }
            }
            else
            {
                // A token not followed by '=' starts a new challenge.
                if (scheme is not null)
                {
                    challenges.Add(new AuthChallenge(scheme, parameters));
                }

                scheme = token;
                parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            }
        }

        if (scheme is not null)
        {
            challenges.Add(new AuthChallenge(scheme, parameters));
        }

        return challenges;
    }

    private static void SkipWhiteSpace(string text, ref int position)
    {
        while (position < text.Length && char.IsWhiteSpace(text[position]))
        {
            position++;
        }
    }

    private static void SkipSeparators(string text, ref int position)
    {
        while (position < text.Length && (char.IsWhiteSpace(text[position]) || text[position] == ','))
        {
            position++;
        }
    }

    private static string ReadToken(string text, ref int position)
    {
        var start = position;
        while (position < text.Length && !char.IsWhiteSpace(text[position]) && text[position] is not (',' or '=' or '"'))
        {
            position++;
        }

        return text[start..position];
    }

    private static string ReadQuoted(string text, ref int position)
    {
        var builder = new System.Text.StringBuilder();
        position++; // opening quote
        while (position < text.Length && text[position] != '"')
        {
            if (text[position] == '\\' && position + 1 < text.Length)
            {
                position++;
            }

            builder.Append(text[position]);
            position++;
        }

        position++; // closing quote
        return builder.ToString();
    }
}
