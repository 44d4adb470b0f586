namespace Skills.Oci.Build.Tests.Renovate;

/// <summary>
/// Whether a regular expression only uses constructs that RE2 (Renovate's engine when its re2 module
/// loads), JavaScript (its fallback) and .NET (these tests) all read the same way. RE2 has no
/// lookaround and no backreferences; <c>\d</c>, <c>\w</c>, <c>\b</c> and <c>.</c> differ between the
/// engines on non-ASCII text or line breaks; inline flags are not JavaScript.
/// </summary>
internal static class PortablePattern
{
    public static IReadOnlyList<string> FindProblems(string pattern)
    {
        var problems = new List<string>();
        var inClass = false;
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\' && i + 1 < pattern.Length)
            {
                var escaped = pattern[++i];
                if ("dDwWbBpPk".Contains(escaped, StringComparison.Ordinal) || char.IsAsciiDigit(escaped) && escaped != '0')
                {
                    problems.Add($"\\{escaped} at {i - 1}");
                }

                continue;
            }

            if (inClass)
            {
                inClass = c != ']';
                continue;
            }

            switch (c)
            {
                case '[':
                    inClass = true;
                    // A ']' right after '[' or '[^' is a literal.
                    if (i + 1 < pattern.Length && pattern[i + 1] == '^')
                    {
                        i++;
                    }

                    if (i + 1 < pattern.Length && pattern[i + 1] == ']')
                    {
                        i++;
                    }

                    break;
                case '.':
                    problems.Add($"'.' at {i}");
                    break;
                case '$' when i != pattern.Length - 1:
                    problems.Add($"'$' before the end at {i}");
                    break;
                case '(' when i + 1 < pattern.Length && pattern[i + 1] == '?':
                    var rest = pattern[(i + 2)..];
                    if (!rest.StartsWith(':') && !(rest.StartsWith('<') && rest.Length > 1 && char.IsAsciiLetter(rest[1])))
                    {
                        problems.Add($"'(?{rest[..Math.Min(2, rest.Length)]}' at {i}");
                    }

                    break;
            }
        }

        return problems;
    }
}
