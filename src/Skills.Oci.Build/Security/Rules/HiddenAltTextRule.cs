using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Skills.Oci.Build.Diagnostics;

namespace Skills.Oci.Build.Security.Rules;

/// <summary>
/// Image alt text is shown only when the image fails to load, yet agents read it as text: alt text
/// (Markdown <c>![...]</c> or an <c>&lt;img alt&gt;</c>) that reads as instructions is a finding.
/// </summary>
internal sealed partial class HiddenAltTextRule : ILineRule
{
    /// <summary>A description of a chart can be long; instructions have cues well before this.</summary>
    private const int MaxDescriptionWords = 40;

    [GeneratedRegex(@"!\[(?<alt>[^\]]+)\]\(|<img\b[^>]*?\balt\s*=\s*(?:""(?<alt>[^""]*)""|'(?<alt>[^']*)')",
        RegexOptions.CultureInvariant | RegexOptions.IgnoreCase, matchTimeoutMilliseconds: 1000)]
    private static partial Regex AltText();

    private MarkdownFence _fence;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Line(int number, ReadOnlySpan<char> text, FindingSink sink)
    {
        if (_fence.Skip(text) || (!text.Contains("![", StringComparison.Ordinal) && (!text.Contains('<') || !text.Contains("<img", StringComparison.OrdinalIgnoreCase))))
        {
            return;
        }

        foreach (Match match in AltText().Matches(text.ToString()))
        {
            var alt = match.Groups["alt"];
            if (InstructionCues.Find(alt.Value, MaxDescriptionWords) is { } why)
            {
                sink.Add(ErrorCodes.ScanHiddenAltText, number, alt.Index + 1,
                    $"Image alt text reads as instructions ({why}): \"{InstructionCues.Excerpt(alt.Value)}\".");
            }
        }
    }

    public void End(FindingSink sink)
    {
    }
}
