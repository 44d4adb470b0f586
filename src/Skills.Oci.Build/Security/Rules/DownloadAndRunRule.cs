using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Skills.Oci.Build.Diagnostics;

namespace Skills.Oci.Build.Security.Rules;

/// <summary>
/// Commands that fetch code and run it, in scripts and in the instructions an agent follows alike:
/// a download piped into a shell (<c>curl … | sh</c>, <c>bash &lt;(curl …)</c>, <c>iwr … | iex</c>), npx of a
/// package without a pinned version, <c>uvx --from git+…</c> and other installs from git, and
/// <c>pip install</c> without <c>==</c>.
/// </summary>
internal sealed partial class DownloadAndRunRule : ILineRule
{
    // Source-generated: nothing is compiled when a restore first scans, and the rules only run after a cheap prefilter.
    private const RegexOptions Options = RegexOptions.CultureInvariant;
    private const int TimeoutMilliseconds = 1000;

    [GeneratedRegex(
        @"\b(?:curl|wget|(?i:iwr|irm|invoke-webrequest|invoke-restmethod))\b[^|\n]*\|\s*(?:sudo\s+(?:-\S+\s+)*)?(?:sh|bash|zsh|dash|ksh|fish|python[23]?|node|perl|ruby|php|pwsh|(?i:iex|invoke-expression|powershell))\b" +
        @"|\b(?:sh|bash|zsh)\s+(?:-c\s+)?[""']?(?:<\(|\$\()\s*(?:curl|wget)\b" +
        @"|(?i:\biex\b|invoke-expression)\s*\(?\s*(?:\(\s*)?(?:new-object\s+net\.webclient\)?\.downloadstring|iwr|irm|invoke-webrequest|invoke-restmethod)\b",
        Options, TimeoutMilliseconds)]
    private static partial Regex PipedDownload();

    [GeneratedRegex(@"\b(?:npx|bunx|pnpm\s+dlx|npm\s+exec|yarn\s+dlx)\s+(?:(?:-y|--yes|--quiet|-q)\s+)*(?<pkg>@?[A-Za-z0-9][\w.\-/]*(?:@[\w.\-^~*]+)?)", Options, TimeoutMilliseconds)]
    private static partial Regex Npx();

    [GeneratedRegex(@"\b(?:uvx|uv\s+(?:tool\s+)?(?:run|install)|pipx\s+(?:run|install)|pip3?\s+install|npm\s+(?:install|i)|npx)\b[^\n#]*?(?<url>git\+(?:https?|ssh|git)://\S+|github:\S+)", Options, TimeoutMilliseconds)]
    private static partial Regex FromGit();

    [GeneratedRegex(@"\b(?:pip3?|uv\s+pip)\s+install\s+(?<args>[^\n#;&|)`]+)", Options, TimeoutMilliseconds)]
    private static partial Regex PipInstall();

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Line(int number, ReadOnlySpan<char> line, FindingSink sink)
    {
        // Every piped form has a '|' or a '(' ($(, <(, iex(...)): prose without either is skipped with one search.
        var piped = line.IndexOfAny('|', '(') >= 0 &&
            (line.Contains("curl", StringComparison.Ordinal) || line.Contains("wget", StringComparison.Ordinal) || line.Contains("iex", StringComparison.OrdinalIgnoreCase) || line.Contains("invoke-", StringComparison.OrdinalIgnoreCase) || line.Contains("iwr", StringComparison.OrdinalIgnoreCase) || line.Contains("irm", StringComparison.OrdinalIgnoreCase));
        var git = line.Contains("git", StringComparison.Ordinal) && (line.Contains("git+", StringComparison.Ordinal) || line.Contains("github:", StringComparison.Ordinal));
        // npx, dlx, bunx and npm exec all end in "x" before their package.
        var npx = line.Contains("x ", StringComparison.Ordinal) && (line.Contains("npx", StringComparison.Ordinal) || line.Contains("dlx", StringComparison.Ordinal) || line.Contains("bunx", StringComparison.Ordinal) || line.Contains("npm exec", StringComparison.Ordinal));
        var pip = line.Contains("pip", StringComparison.Ordinal) && line.Contains("install", StringComparison.Ordinal);
        if (!piped && !git && !npx && !pip)
        {
            return;
        }

        var text = line.ToString();
        if (piped)
        {
            foreach (Match match in PipedDownload().Matches(text))
            {
                sink.Add(ErrorCodes.ScanDownloadAndRun, number, match.Index + 1,
                    $"'{Excerpt(match.Value)}' downloads code and runs it at once: nothing checks what arrives. Pin a release by digest and check it, or ship the script in the skill.");
            }
        }

        var fromGit = false;
        if (git)
        {
            foreach (Match match in FromGit().Matches(text))
            {
                fromGit = true;
                sink.Add(ErrorCodes.ScanRunFromGit, number, match.Index + 1,
                    $"'{Excerpt(match.Value)}' installs or runs code straight from the repository {match.Groups["url"].Value.TrimEnd('"', '\'', '`', ')')}: whatever that branch holds when the agent runs it.");
            }
        }

        if (!fromGit && npx)
        {
            foreach (Match match in Npx().Matches(text))
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

        if (!fromGit && pip)
        {
            foreach (Match match in PipInstall().Matches(text))
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
