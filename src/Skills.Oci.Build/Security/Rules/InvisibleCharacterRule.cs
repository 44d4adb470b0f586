using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Skills.Oci.Build.Diagnostics;

namespace Skills.Oci.Build.Security.Rules;

/// <summary>
/// Characters a reviewer cannot see and an agent reads: Unicode tags, zero-width characters, bidi
/// overrides and isolates, variation selectors used as a carrier, and other format (Cf) characters
/// outside an allowed set. A run of one kind is one finding at its first character. What real text
/// needs stays quiet: an emoji's VS16, the joiners inside emoji and Indic or Persian words, a byte order
/// mark at the start of the file, the marks right-to-left text uses (LRM, RLM, ALM), soft hyphens, and
/// the tag sequence of a subdivision flag.
/// </summary>
internal sealed class InvisibleCharacterRule : ILineRule
{
    /// <summary>Cf characters that are part of ordinary text: soft hyphen, the RTL marks, the visible Arabic and Syriac signs.</summary>
    private static readonly HashSet<int> AllowedFormat = [0x00AD, 0x061C, 0x200E, 0x200F, 0x0600, 0x0601, 0x0602, 0x0603, 0x0604, 0x0605, 0x06DD, 0x070F, 0x0890, 0x0891, 0x08E2, 0x110BD, 0x110CD];

    /// <summary>
    /// Every UTF-16 unit that can start a finding: the BMP format characters and variation selectors,
    /// and high surrogates (tags, the supplement's selectors and other format characters are astral).
    /// </summary>
    private static readonly char[] CandidateChars = Enumerable.Range(0x80, 0x10000 - 0x80)
        .Where(c => c is >= 0xD800 and <= 0xDBFF or >= 0xFE00 and <= 0xFE0F || (c is < 0xD800 or > 0xDFFF && CharUnicodeInfo.GetUnicodeCategory((char)c) == UnicodeCategory.Format))
        .Select(c => (char)c).ToArray();

    /// <summary>A line holding none of them, accented prose included, is skipped without decoding a character.</summary>
    private static readonly System.Buffers.SearchValues<char> Candidates = System.Buffers.SearchValues.Create(CandidateChars);

    /// <summary>
    /// Latin, Greek and Cyrillic letters lie below U+0600, where the only candidate is the soft hyphen: one
    /// vectorized range search and one for the few candidates down there pass over such prose, which the
    /// candidate set's bitmap would otherwise test letter by letter.
    /// </summary>
    private const char DenseFrom = '\u0600';

    private static readonly System.Buffers.SearchValues<char> CandidatesBelowDense = System.Buffers.SearchValues.Create(CandidateChars.Where(c => c < DenseFrom).ToArray());

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Line(int number, ReadOnlySpan<char> line, FindingSink sink)
    {
        if (!MayHoldCandidate(line) || line.IndexOfAny(Candidates) < 0)
        {
            return;
        }

        var text = line.ToString();
        var previous = -1;
        string? runCode = null;
        var runStart = 0;
        var runCount = 0;
        var runBase = -1;
        var hidden = new StringBuilder();
        var runLast = -1;
        var index = 0;
        while (index < text.Length)
        {
            if (Rune.DecodeFromUtf16(text.AsSpan(index), out var rune, out var length) != System.Buffers.OperationStatus.Done)
            {
                rune = Rune.ReplacementChar;
                length = 1;
            }

            var value = rune.Value;
            var next = index + length < text.Length && Rune.DecodeFromUtf16(text.AsSpan(index + length), out var following, out _) == System.Buffers.OperationStatus.Done ? following.Value : -1;
            var code = Classify(value, previous, next, number == 1 && index == 0);
            if (code is not null && code == runCode)
            {
                runCount++;
            }
            else
            {
                Flush();
                if (code is not null)
                {
                    (runCode, runStart, runCount, runBase) = (code, index, 1, previous);
                }
            }

            if (code == ErrorCodes.ScanTagCharacters && value is >= 0xE0020 and <= 0xE007E)
            {
                hidden.Append((char)(value - 0xE0000));
            }

            if (code is not null)
            {
                runLast = value;
            }
            else
            {
                previous = value;
            }

            index += length;
        }

        Flush();

        void Flush()
        {
            if (runCode is not null && !IsBenignRun(runCode, runCount, runBase, runLast))
            {
                sink.Add(runCode, number, runStart + 1, Describe(runCode, runCount, text, runStart, hidden.ToString()));
            }

            runCode = null;
            hidden.Clear();
        }
    }

    public void End(FindingSink sink)
    {
    }

    private static bool MayHoldCandidate(ReadOnlySpan<char> line) =>
        line.IndexOfAnyInRange(DenseFrom, '\uFFFF') >= 0 || line.IndexOfAny(CandidatesBelowDense) >= 0;

    private static string? Classify(int value, int previous, int next, bool fileStart) => value switch
    {
        >= 0xE0000 and <= 0xE007F => ErrorCodes.ScanTagCharacters,
        0x200B or 0x2060 => ErrorCodes.ScanZeroWidthCharacters,
        0xFEFF => fileStart ? null : ErrorCodes.ScanZeroWidthCharacters,
        // Joiners inside emoji sequences and in Indic, Persian and Arabic words are how that text is written.
        0x200C or 0x200D => IsJoinable(previous) && IsJoinable(next) ? null : ErrorCodes.ScanZeroWidthCharacters,
        >= 0x202A and <= 0x202E or >= 0x2066 and <= 0x2069 => ErrorCodes.ScanBidiControls,
        >= 0xFE00 and <= 0xFE0F or >= 0xE0100 and <= 0xE01EF => ErrorCodes.ScanVariationSelectors,
        _ => value > 0x7F && !AllowedFormat.Contains(value) && Rune.GetUnicodeCategory(new Rune(value)) == UnicodeCategory.Format ? ErrorCodes.ScanFormatCharacter : null,
    };

    /// <summary>A visible non-ASCII character (or an emoji's variation selector) a joiner may stand next to.</summary>
    private static bool IsJoinable(int value) =>
        value is 0xFE0F || (value > 0x7F && Rune.IsValid(value) && !Rune.IsWhiteSpace(new Rune(value)) && Rune.GetUnicodeCategory(new Rune(value)) != UnicodeCategory.Format);

    private static bool IsBenignRun(string code, int count, int runBase, int last)
    {
        if (code == ErrorCodes.ScanVariationSelectors)
        {
            // One selector after an emoji, symbol, ideograph or keycap digit is how those are written; a run, or one after plain ASCII, carries data.
            return count == 1 && (runBase is >= '0' and <= '9' or '#' or '*' || IsJoinable(runBase));
        }

        // A subdivision flag (England, Scotland, Wales) is U+1F3F4, a few tag letters and CANCEL TAG.
        return code == ErrorCodes.ScanTagCharacters && runBase == 0x1F3F4 && last == 0xE007F && count <= 8;
    }

    private static string Describe(string code, int count, string text, int start, string hidden)
    {
        var first = char.ConvertToUtf32(text, start);
        var plural = count == 1 ? string.Empty : "s";
        var point = $"U+{first:X4}";
        return code switch
        {
            ErrorCodes.ScanTagCharacters => $"{count} invisible Unicode tag character{plural} (U+E0000-E007F){(hidden.Length > 0 ? $" hide the text \"{Shorten(hidden)}\"" : string.Empty)}: agents read it, reviewers and editors show nothing.",
            ErrorCodes.ScanZeroWidthCharacters => $"{count} zero-width character{plural} ({point}) inside the text: they hide data or split words so that a reviewer or a filter misses them.",
            ErrorCodes.ScanBidiControls => $"{count} bidirectional control character{plural} ({point}): the line displays in another order than an agent reads it.",
            ErrorCodes.ScanVariationSelectors => $"{count} variation selector{plural} ({point}{(count > 1 ? "…" : string.Empty)}) that follow no emoji or ideograph: data can be encoded in them, invisibly.",
            _ => $"The invisible format character {point} is in the text; only characters that ordinary text needs are allowed.",
        };
    }

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "…";
}
