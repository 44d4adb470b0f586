using System.Text.RegularExpressions;
using Skills.Oci.Build.Diagnostics;

namespace Skills.Oci.Build.Security.Rules;

/// <summary>
/// Image alt text is shown only when the image fails to load, yet agents read it as text: alt text
/// (Markdown <c>![...]</c> or an <c>&lt;img alt&gt;</c>) that reads as instructions is a finding.
/// </summary>
internal sealed class HiddenAltTextRule : ILineRule
{
    /// <summary>A description of a chart can be long; instructions have cues well before this.</summary>
    private const int MaxDescriptionWords = 40;

    private static readonly Regex AltText = new(@"!\[(?<alt>[^\]]+)\]\(|<img\b[^>]*?\balt\s*=\s*(?:""(?<alt>[^""]*)""|'(?<alt>[^']*)')",
        RegexOptions.Compiled | RegexOptions.CultureInvariant | RegexOptions.IgnoreCase, TimeSpan.FromSeconds(1));

    private MarkdownFence _fence;

    public void Line(int number, string text, FindingSink sink)
    {
        if (_fence.Skip(text) || (!text.Contains("![", StringComparison.Ordinal) && (!text.Contains('<') || !text.Contains("<img", StringComparison.OrdinalIgnoreCase))))
        {
            return;
        }

        foreach (Match match in AltText.Matches(text))
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
