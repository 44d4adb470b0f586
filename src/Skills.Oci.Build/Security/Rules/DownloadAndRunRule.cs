using System.Text.RegularExpressions;
using Skills.Oci.Build.Diagnostics;

namespace Skills.Oci.Build.Security.Rules;

/// <summary>
/// Commands that fetch code and run it, in scripts and in the instructions an agent follows alike:
/// a download piped into a shell (<c>curl … | sh</c>, <c>bash &lt;(curl …)</c>, <c>iwr … | iex</c>), npx of a
/// package without a pinned version, <c>uvx --from git+…</c> and other installs from git, and
/// <c>pip install</c> without <c>==</c>.
/// </summary>
internal sealed class DownloadAndRunRule : ILineRule
{
    private const RegexOptions Options = RegexOptions.Compiled | RegexOptions.CultureInvariant;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(1);

    private static readonly Regex PipedDownload = new(
        @"\b(?:curl|wget|(?i:iwr|irm|invoke-webrequest|invoke-restmethod))\b[^|\n]*\|\s*(?:sudo\s+(?:-\S+\s+)*)?(?:sh|bash|zsh|dash|ksh|fish|python[23]?|node|perl|ruby|php|pwsh|(?i:iex|invoke-expression|powershell))\b" +
        @"|\b(?:sh|bash|zsh)\s+(?:-c\s+)?[""']?(?:<\(|\$\()\s*(?:curl|wget)\b" +
        @"|(?i:\biex\b|invoke-expression)\s*\(?\s*(?:\(\s*)?(?:new-object\s+net\.webclient\)?\.downloadstring|iwr|irm|invoke-webrequest|invoke-restmethod)\b",
        Options, Timeout);

    private static readonly Regex Npx = new(@"\b(?:npx|bunx|pnpm\s+dlx|npm\s+exec|yarn\s+dlx)\s+(?:(?:-y|--yes|--quiet|-q)\s+)*(?<pkg>@?[A-Za-z0-9][\w.\-/]*(?:@[\w.\-^~*]+)?)", Options, Timeout);

    private static readonly Regex FromGit = new(@"\b(?:uvx|uv\s+(?:tool\s+)?(?:run|install)|pipx\s+(?:run|install)|pip3?\s+install|npm\s+(?:install|i)|npx)\b[^\n#]*?(?<url>git\+(?:https?|ssh|git)://\S+|github:\S+)", Options, Timeout);

    private static readonly Regex PipInstall = new(@"\b(?:pip3?|uv\s+pip)\s+install\s+(?<args>[^\n#;&|)`]+)", Options, Timeout);

    public void Line(int number, string text, FindingSink sink)
    {
        // Every piped form has a '|' or a '(' ($(, <(, iex(...)): prose without either is skipped with one search.
        if (text.AsSpan().IndexOfAny('|', '(') >= 0 &&
            (text.Contains("curl", StringComparison.Ordinal) || text.Contains("wget", StringComparison.Ordinal) || text.Contains("iex", StringComparison.OrdinalIgnoreCase) || text.Contains("invoke-", StringComparison.OrdinalIgnoreCase) || text.Contains("iwr", StringComparison.OrdinalIgnoreCase) || text.Contains("irm", StringComparison.OrdinalIgnoreCase)))
        {
            foreach (Match match in PipedDownload.Matches(text))
            {
                sink.Add(ErrorCodes.ScanDownloadAndRun, number, match.Index + 1,
                    $"'{Excerpt(match.Value)}' downloads code and runs it at once: nothing checks what arrives. Pin a release by digest and check it, or ship the script in the skill.");
            }
        }

        var fromGit = false;
        if (text.Contains("git", StringComparison.Ordinal) && (text.Contains("git+", StringComparison.Ordinal) || text.Contains("github:", StringComparison.Ordinal)))
        {
            foreach (Match match in FromGit.Matches(text))
            {
                fromGit = true;
                sink.Add(ErrorCodes.ScanRunFromGit, number, match.Index + 1,
                    $"'{Excerpt(match.Value)}' installs or runs code straight from the repository {match.Groups["url"].Value.TrimEnd('"', '\'', '`', ')')}: whatever that branch holds when the agent runs it.");
            }
        }

        // npx, dlx, bunx and npm exec all end in "x" before their package.
        if (!fromGit && text.Contains("x ", StringComparison.Ordinal) && (text.Contains("npx", StringComparison.Ordinal) || text.Contains("dlx", StringComparison.Ordinal) || text.Contains("bunx", StringComparison.Ordinal) || text.Contains("npm exec", StringComparison.Ordinal)))
        {
            foreach (Match match in Npx.Matches(text))
            {
                var package = match.Groups["pkg"].Value;
                var version = VersionOf(package);
                if (version is null || version is "latest" or "next" or "*" || version.StartsWith('^') || version.StartsWith('~'))
                {
                    sink.Add(ErrorCodes.ScanUnpinnedNpx, number, match.Index + 1,
                        $"'{Excerpt(match.Value)}' runs {(version is null ? "whatever version" : $"the version '{version}'")} of {NameOf(package)} the npm registry serves when the agent runs it. Pin an exact version ({NameOf(package)}@1.2.3).");
                }
            }
        }

        if (!fromGit && text.Contains("pip", StringComparison.Ordinal) && text.Contains("install", StringComparison.Ordinal))
        {
            foreach (Match match in PipInstall.Matches(text))
            {
                var unpinned = Unpinned(match.Groups["args"].Value);
                if (unpinned.Count > 0)
                {
                    sink.Add(ErrorCodes.ScanUnpinnedPip, number, match.Index + 1,
                        $"'{Excerpt(match.Value)}' installs {string.Join(", ", unpinned)} without a pinned version ('=='): whatever PyPI serves that day.");
                }
            }
        }
    }

    public void End(FindingSink sink)
    {
    }

    /// <summary>The version after the package name's own '@' (scoped names start with one); null when none.</summary>
    private static string? VersionOf(string package)
    {
        var at = package.IndexOf('@', package.StartsWith('@') ? 1 : 0);
        return at < 0 ? null : package[(at + 1)..];
    }

    private static string NameOf(string package)
    {
        var at = package.IndexOf('@', package.StartsWith('@') ? 1 : 0);
        return at < 0 ? package : package[..at];
    }

    /// <summary>The package arguments of a pip install that pin nothing; options, files, paths and URLs are not packages.</summary>
    private static List<string> Unpinned(string arguments)
    {
        var unpinned = new List<string>();
        var skipNext = false;
        foreach (var raw in arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var token = raw.Trim('"', '\'');
            if (skipNext)
            {
                skipNext = false;
                continue;
            }

            if (token.StartsWith('-'))
            {
                // Options that take a value: requirements and constraints files, editable paths, indexes, targets.
                skipNext = token is "-r" or "--requirement" or "-c" or "--constraint" or "-e" or "--editable" or "-i" or "--index-url" or "--extra-index-url" or "-t" or "--target" or "-f" or "--find-links";
                continue;
            }

            if (token.Length == 0 || token.Contains("==", StringComparison.Ordinal) || token.Contains('@') || token.Contains("://", StringComparison.Ordinal) ||
                token.StartsWith('.') || token.StartsWith('/') || token.StartsWith('$') || token.EndsWith(".whl", StringComparison.OrdinalIgnoreCase) ||
                token.EndsWith(".tar.gz", StringComparison.OrdinalIgnoreCase) || token.EndsWith(".txt", StringComparison.OrdinalIgnoreCase) || !char.IsLetterOrDigit(token[0]))
            {
                continue;
            }

            unpinned.Add(token);
        }

        return unpinned;
    }

    private static string Excerpt(string text)
    {
        var trimmed = text.Trim();
        return trimmed.Length <= 100 ? trimmed : trimmed[..100] + "…";
    }
}
