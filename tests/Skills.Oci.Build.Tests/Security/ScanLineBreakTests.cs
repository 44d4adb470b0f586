using System.Text;
using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Security;
using Skills.Oci.Build.Tests.Infrastructure;

namespace Skills.Oci.Build.Tests.Security;

/// <summary>
/// The scan reads text in chunks and splits lines itself: its line numbers and columns must be the ones
/// an editor (and <see cref="StringReader.ReadLine"/>) gives, whatever the line endings, the line lengths
/// and where the chunks happen to end.
/// </summary>
public sealed class ScanLineBreakTests
{
    private const char ZeroWidthSpace = '\u200B';

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public async Task Findings_are_at_the_line_and_column_StringReader_gives_for_mixed_endings_and_long_lines(int seed)
    {
        var random = new Random(seed);
        var text = new StringBuilder();
        string[] endings = ["\n", "\r\n", "\r"];
        string[] fillers = ["plain words ", "café über ", "emoji 😀 ", "日本語の文 "];
        for (var line = 0; line < 400; line++)
        {
            // Mostly short lines, some longer than the scan's buffer, so both chunk ends and growth are crossed.
            var length = random.Next(10) == 0 ? random.Next(20_000, 300_000) : random.Next(0, 200);
            var content = new StringBuilder();
            while (content.Length < length)
            {
                content.Append(fillers[random.Next(fillers.Length)]);
            }

            if (random.Next(3) == 0)
            {
                content.Insert(random.Next(content.Length + 1), ZeroWidthSpace);
            }

            text.Append(content);
            if (line < 399 || seed % 2 == 0)
            {
                text.Append(endings[random.Next(endings.Length)]);
            }
        }

        await AssertFindingsAtReaderPositionsAsync(text.ToString());
    }

    [Fact]
    public async Task A_CRLF_split_across_the_first_chunk_ends_is_one_line_break()
    {
        // ASCII, so bytes and characters agree: a "\r\n" sits across each plausible first chunk end.
        var text = new StringBuilder();
        foreach (var end in new[] { 8 * 1024, 32 * 1024, 64 * 1024, 128 * 1024, 256 * 1024 })
        {
            text.Append('x', end - 1 - text.Length).Append("\r\n").Append(ZeroWidthSpace).Append("after\n");
        }

        await AssertFindingsAtReaderPositionsAsync(text.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n")]
    [InlineData("\r")]
    [InlineData("\r\n\r\n")]
    [InlineData("a\u200B")]
    [InlineData("\n\n\u200Bz")]
    [InlineData("\r\r\u200B\r")]
    public async Task Short_files_and_trailing_breaks_number_their_lines_as_StringReader_does(string text) =>
        await AssertFindingsAtReaderPositionsAsync(text);

    private static async Task AssertFindingsAtReaderPositionsAsync(string text)
    {
        using var folder = new TempFolder("scan-lines");
        folder.Write("notes.txt", text);

        var result = await SkillContentScanner.ScanFolderAsync(folder.Path, CancellationToken.None);

        var expected = new List<(int Line, int Column)>();
        using (var reader = new StringReader(text))
        {
            var number = 0;
            while (reader.ReadLine() is { } line)
            {
                number++;
                var at = line.IndexOf(ZeroWidthSpace, StringComparison.Ordinal);
                if (at >= 0)
                {
                    expected.Add((number, at + 1));
                }
            }
        }

        var found = result.Findings.Where(f => f.Code == ErrorCodes.ScanZeroWidthCharacters).Select(f => (f.Line, f.Column)).ToList();
        Assert.Equal(expected, found);
    }
}
