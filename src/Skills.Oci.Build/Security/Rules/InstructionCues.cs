using System.Runtime.CompilerServices;

namespace Skills.Oci.Build.Security.Rules;

/// <summary>
/// Whether text hidden from the rendered page (a comment, alt text) reads as instructions: phrases that
/// address an agent, ask for secrecy, or run and send things; or simply more prose than a note needs.
/// Linter directives and short notes (<c>markdownlint-disable</c>, <c>TODO</c>) stay quiet.
/// </summary>
internal static class InstructionCues
{
    private static readonly string[] Cues =
    [
        "ignore previous", "ignore all", "ignore the above", "ignore prior", "disregard", "instruction", "system prompt",
        "you must", "you are now", "you should", "do not tell", "don't tell", "do not mention", "never mention", "without telling",
        "without asking", "secretly", "silently", "quietly", "exfiltrat", "curl ", "wget ", "| sh", "| bash", "rm -rf",
        "password", "credential", "api key", "api_key", "private key", ".ssh", ".aws", ".env", "assistant:", "ai agent",
        "as an ai", "the agent", "the assistant", "before responding", "before answering", "always run", "execute ",
    ];

    /// <summary>The cue found, or a word count over <paramref name="maxWords"/>; null when the text reads as a note.</summary>
    public static string? Find(string text, int maxWords)
    {
        foreach (var cue in Cues)
        {
            if (text.Contains(cue, StringComparison.OrdinalIgnoreCase))
            {
                return $"\"{cue.Trim()}\"";
            }
        }

        var words = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
        return words > maxWords ? $"{words} words" : null;
    }

    public static string Excerpt(string text)
    {
        var flat = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return flat.Length <= 80 ? flat : flat[..80] + "…";
    }
}

/// <summary>Tracks fenced code blocks: what is inside one is shown as code, not hidden.</summary>
internal struct MarkdownFence
{
    private string? _open;

    /// <summary>Consumes a line; true when the line is a fence or inside a fenced block.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool Skip(ReadOnlySpan<char> line)
    {
        var trimmed = line.TrimStart();
        var marker = trimmed.StartsWith("```", StringComparison.Ordinal) ? "```" : trimmed.StartsWith("~~~", StringComparison.Ordinal) ? "~~~" : null;
        if (_open is null)
        {
            if (marker is not null)
            {
                _open = marker;
                return true;
            }

            return false;
        }

        if (marker == _open)
        {
            _open = null;
        }

        return true;
    }
}
