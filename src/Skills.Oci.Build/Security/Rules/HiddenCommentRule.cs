using System.Runtime.CompilerServices;
using System.Text;
using Skills.Oci.Build.Diagnostics;

namespace Skills.Oci.Build.Security.Rules;

/// <summary>
/// An HTML comment in Markdown is not rendered, so a reviewer of the page never sees it, but an agent
/// reading the file does: a comment that reads as instructions is a finding at its <c>&lt;!--</c>.
/// Comments inside fenced code blocks are shown as code and not checked.
/// </summary>
internal sealed class HiddenCommentRule : ILineRule
{
    private const int MaxNoteWords = 25;

    private MarkdownFence _fence;
    private StringBuilder? _open;
    private int _line;
    private int _column;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Line(int number, ReadOnlySpan<char> text, FindingSink sink)
    {
        if (_open is null && _fence.Skip(text))
        {
            return;
        }

        var position = 0;
        while (position < text.Length)
        {
            if (_open is null)
            {
                var found = text[position..].IndexOf("<!--", StringComparison.Ordinal);
                if (found < 0)
                {
                    return;
                }

                var start = position + found;
                (_open, _line, _column) = (new StringBuilder(), number, start + 1);
                position = start + 4;
            }

            var close = text[position..].IndexOf("-->", StringComparison.Ordinal);
            if (close < 0)
            {
                _open.Append(text[position..]).Append(' ');
                return;
            }

            var end = position + close;
            _open.Append(text[position..end]);
            Close(sink);
            position = end + 3;
        }
    }

    public void End(FindingSink sink)
    {
        if (_open is not null)
        {
            Close(sink);
        }
    }

    private void Close(FindingSink sink)
    {
        var content = _open!.ToString();
        _open = null;
        if (InstructionCues.Find(content, MaxNoteWords) is { } why)
        {
            sink.Add(ErrorCodes.ScanHiddenComment, _line, _column,
                $"An HTML comment, which the rendered page does not show, reads as instructions ({why}): \"{InstructionCues.Excerpt(content)}\".");
        }
    }
}
