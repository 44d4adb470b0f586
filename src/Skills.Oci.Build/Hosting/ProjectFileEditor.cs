using System.Text;
using System.Xml;
using System.Xml.Linq;
using Skills.Oci.Build.Diagnostics;

namespace Skills.Oci.Build.Hosting;

/// <summary>What an edit of a project file did.</summary>
public enum ProjectEdit
{
    Unchanged,
    Added,
    Updated,
}

/// <summary>
/// Adds, updates and removes <c>SkillReference</c> items in a project file as a person would: by
/// splicing the text, never by re-serialising the XML, so indentation, line endings, encoding (and
/// its BOM), comments, attribute quoting and every other byte stay as they were. The XML parser only
/// says where things are. A reference added and then removed leaves the file byte-identical.
/// </summary>
public sealed class ProjectFileEditor
{
    /// <summary>The item this editor edits: <c>SkillReference</c>, or <c>SkillVersion</c> in Directory.Packages.props.</summary>
    private readonly string _itemName;
    private const string GroupName = "ItemGroup";

    private readonly Encoding _encoding;
    private readonly byte[] _preamble;
    private readonly string _path;

    private ProjectFileEditor(string path, string text, Encoding encoding, byte[] preamble, string itemName)
    {
        _itemName = itemName;
        _path = path;
        Text = text;
        _encoding = encoding;
        _preamble = preamble;
    }

    /// <summary>The file's text as it is now (without the BOM).</summary>
    public string Text { get; private set; }

    /// <summary>The file's bytes as they are now: the original encoding and BOM.</summary>
    public byte[] ToBytes() => [.. _preamble, .. _encoding.GetBytes(Text)];

    /// <summary>Reads a project file; a file that is not well-formed XML is a coded error naming its line.</summary>
    public static ProjectFileEditor Parse(byte[] bytes, string path, string itemName = "SkillReference")
    {
        foreach (var encoding in new Encoding[] { new UTF8Encoding(true), new UnicodeEncoding(false, true), new UnicodeEncoding(true, true) })
        {
            var preamble = encoding.GetPreamble();
            if (bytes.AsSpan().StartsWith(preamble))
            {
                return Create(path, encoding.GetString(bytes, preamble.Length, bytes.Length - preamble.Length), encoding, preamble, itemName);
            }
        }

        return Create(path, new UTF8Encoding(false).GetString(bytes), new UTF8Encoding(false), [], itemName);
    }

    public static async Task<ProjectFileEditor> ReadAsync(string path, CancellationToken cancellationToken, string itemName = "SkillReference") =>
        Parse(await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false), path, itemName);

    /// <summary>The Include of every <c>SkillReference</c> item the file itself declares.</summary>
    public IReadOnlyList<string> SkillReferenceIncludes => Items(Load()).Select(e => (string?)e.Attribute("Include") ?? string.Empty).ToList();

    /// <summary>
    /// Points the first item whose Include <paramref name="sameSkill"/> accepts at
    /// <paramref name="include"/> and <paramref name="version"/>, or adds one: after the last
    /// <c>SkillReference</c> of an ItemGroup that has them, else in a new ItemGroup before <c>&lt;/Project&gt;</c>.
    /// </summary>
    /// <remarks>A null <paramref name="version"/> (a reference whose version is central) writes no Version and takes away the one an existing item has.</remarks>
    public ProjectEdit AddOrUpdate(string include, string? version, Func<string, bool> sameSkill)
    {
        var document = Load();
        var items = Items(document).ToList();
        if (items.FirstOrDefault(e => sameSkill((string?)e.Attribute("Include") ?? string.Empty)) is { } existing)
        {
            return Update(existing, include, version);
        }

        var element = $"<{_itemName} Include=\"{Escape(include)}\"{(version is null ? string.Empty : $" Version=\"{Escape(version)}\"")} />";
        var newline = Text.Contains("\r\n", StringComparison.Ordinal) ? "\r\n" : "\n";
        var group = items.Select(e => e.Parent!).FirstOrDefault(g => g.Attribute("Condition") is null) ?? items.FirstOrDefault()?.Parent;
        if (group is not null)
        {
            var last = group.Elements().Last(e => e.Name.LocalName == _itemName);
            var (start, end) = Span(last);
            var indent = LeadingWhitespace(start) ?? IndentUnit(document) + IndentUnit(document);
            Text = Text.Insert(end, newline + indent + element);
            return ProjectEdit.Added;
        }

        var unit = IndentUnit(document);
        var block = $"{unit}<{GroupName}>{newline}{unit}{unit}{element}{newline}{unit}</{GroupName}>{newline}";
        var root = document.Root!;
        var (rootStart, rootEnd) = Span(root);
        if (root.IsEmpty)
        {
            // <Project Sdk="..." />: open it up around the new group.
            var close = Text.LastIndexOf("/>", rootEnd, StringComparison.Ordinal);
            Text = Text[..close].TrimEnd() + ">" + newline + block + "</Project>" + Text[rootEnd..];
            return ProjectEdit.Added;
        }

        var endTag = Text.LastIndexOf("</", rootEnd, StringComparison.Ordinal);
        var lineStart = LineStartOf(endTag);
        if (Text.AsSpan(lineStart, endTag - lineStart).IsWhiteSpace())
        {
            // Separated from what precedes it by a blank line, unless that is the Project start tag or already blank.
            var previousStart = PreviousLineStart(lineStart);
            var previous = Text.AsSpan(previousStart, lineStart - previousStart);
            var afterStartTag = StartTagEnd(rootStart) >= previousStart;
            Text = Text.Insert(lineStart, (previous.IsWhiteSpace() || afterStartTag ? string.Empty : newline) + block);
        }
        else
        {
            Text = Text.Insert(endTag, newline + block);
        }

        return ProjectEdit.Added;
    }

    /// <summary>
    /// Removes every item whose Include <paramref name="matches"/> accepts, with its line; an ItemGroup
    /// left holding nothing goes too (and the blank line added with it). Returns how many were removed.
    /// </summary>
    public int Remove(Func<string, bool> matches)
    {
        var document = Load();
        var groups = document.Root!.Elements().ToList();
        var doomed = Items(document).Where(e => matches((string?)e.Attribute("Include") ?? string.Empty)).ToList();
        var emptiedGroups = doomed.Select(e => groups.IndexOf(e.Parent!)).Distinct().ToList();
        foreach (var element in doomed.OrderByDescending(e => Span(e).Start))
        {
            RemoveWithLine(Span(element));
        }

        foreach (var index in emptiedGroups.OrderDescending())
        {
            var group = Load().Root!.Elements().ElementAt(index);
            if (group.Nodes().All(n => n is XText text && string.IsNullOrWhiteSpace(text.Value)))
            {
                var (start, _) = Span(group);
                var lineStart = RemoveWithLine(Span(group));
                // The blank line that separated the group from what came before it, when nothing but a blank line or the end tag follows.
                if (lineStart > 0 && lineStart == LineStartOf(start))
                {
                    var previousStart = PreviousLineStart(lineStart);
                    var nextEnd = LineEndOf(lineStart);
                    var next = Text.AsSpan(lineStart, nextEnd - lineStart).Trim();
                    if (Text.AsSpan(previousStart, lineStart - previousStart).IsWhiteSpace() && (next.IsEmpty || next.StartsWith("</Project", StringComparison.Ordinal)))
                    {
                        Text = Text.Remove(previousStart, lineStart - previousStart);
                    }
                }
            }
        }

        return doomed.Count;
    }

    private ProjectEdit Update(XElement element, string include, string? version)
    {
        var before = Text;
        var (start, _) = Span(element);
        var tagEnd = StartTagEnd(start);
        if (AttributeValue(start, tagEnd, "Include", ignoreCase: false) is { } includeValue && Text[includeValue.Start..includeValue.End] != Escape(include))
        {
            Text = Text[..includeValue.Start] + Escape(include) + Text[includeValue.End..];
            tagEnd = StartTagEnd(start);
        }

        if (version is null)
        {
            if (AttributeValue(start, tagEnd, "Version", ignoreCase: true) is { } central)
            {
                // From the white space before the attribute's name to its closing quote.
                var from = central.Start - 1;
                while (char.IsWhiteSpace(Text[from - 1]) || Text[from - 1] == '=')
                {
                    from--;
                }

                while (!char.IsWhiteSpace(Text[from - 1]))
                {
                    from--;
                }

                while (char.IsWhiteSpace(Text[from - 1]))
                {
                    from--;
                }

                Text = Text[..from] + Text[(central.End + 1)..];
            }
        }
        else if (AttributeValue(start, tagEnd, "Version", ignoreCase: true) is { } versionValue)
        {
            Text = Text[..versionValue.Start] + Escape(version) + Text[versionValue.End..];
        }
        else if (element.Elements().FirstOrDefault(e => string.Equals(e.Name.LocalName, "Version", StringComparison.OrdinalIgnoreCase)) is { } child)
        {
            // Version as a child element: replace its text.
            var (childStart, childEnd) = Span(Load().Descendants().First(e => SamePosition(e, child)));
            var open = StartTagEnd(childStart) + 1;
            var close = Text.LastIndexOf("</", childEnd, StringComparison.Ordinal);
            Text = Text[..open] + Escape(version) + Text[close..];
        }
        else
        {
            var at = AttributeValue(start, tagEnd, "Include", ignoreCase: false)!.Value.End + 1;
            Text = Text.Insert(at, $" Version=\"{Escape(version)}\"");
        }

        return Text == before ? ProjectEdit.Unchanged : ProjectEdit.Updated;
    }

    /// <summary>Removes a span, and its whole line when nothing else is on it; returns where the removal began.</summary>
    private int RemoveWithLine((int Start, int End) span)
    {
        var lineStart = LineStartOf(span.Start);
        var lineEnd = LineEndOf(span.End);
        var alone = Text.AsSpan(lineStart, span.Start - lineStart).IsWhiteSpace() && Text.AsSpan(span.End, lineEnd - span.End).IsWhiteSpace();
        if (!alone)
        {
            Text = Text.Remove(span.Start, span.End - span.Start);
            return span.Start;
        }

        var next = lineEnd < Text.Length && Text[lineEnd] == '\r' ? lineEnd + 1 : lineEnd;
        next = next < Text.Length && Text[next] == '\n' ? next + 1 : next;
        Text = Text.Remove(lineStart, next - lineStart);
        return lineStart;
    }

    private XDocument Load()
    {
        try
        {
            return XDocument.Parse(Text, LoadOptions.PreserveWhitespace | LoadOptions.SetLineInfo);
        }
        catch (XmlException ex)
        {
            throw new SkillsOciException(Diagnostic.Error(ErrorCodes.ProjectFileUnreadable, $"The project file is not well-formed XML: {ex.Message} Fix the file, then run the command again.", _path, ex.LineNumber, ex.LinePosition));
        }
    }

    private IEnumerable<XElement> Items(XDocument document) =>
        document.Root!.Elements().Where(g => g.Name.LocalName == GroupName).SelectMany(g => g.Elements()).Where(e => e.Name.LocalName == _itemName);

    private static bool SamePosition(XElement a, XElement b) =>
        ((IXmlLineInfo)a).LineNumber == ((IXmlLineInfo)b).LineNumber && ((IXmlLineInfo)a).LinePosition == ((IXmlLineInfo)b).LinePosition;

    /// <summary>Where an element's text begins (its '&lt;') and ends (after its end tag or '/&gt;').</summary>
    private (int Start, int End) Span(XElement element)
    {
        var info = (IXmlLineInfo)element;
        var start = OffsetOf(info.LineNumber, info.LinePosition) - 1;
        var tagEnd = StartTagEnd(start);
        if (Text[tagEnd - 1] == '/')
        {
            return (start, tagEnd + 1);
        }

        var close = FindOutsideComments($"</{element.Name.LocalName}", tagEnd);
        return (start, Text.IndexOf('>', close) + 1);
    }

    /// <summary>The offset of the '&gt;' closing the start tag that begins at <paramref name="start"/> (quotes respected).</summary>
    private int StartTagEnd(int start)
    {
        char quote = '\0';
        for (var i = start; i < Text.Length; i++)
        {
            var c = Text[i];
            if (quote != '\0')
            {
                quote = c == quote ? '\0' : quote;
            }
            else if (c is '"' or '\'')
            {
                quote = c;
            }
            else if (c == '>')
            {
                return i;
            }
        }

        return Text.Length - 1;
    }

    private int FindOutsideComments(string value, int from)
    {
        for (var i = from; i < Text.Length; i++)
        {
            if (string.CompareOrdinal(Text, i, "<!--", 0, 4) == 0)
            {
                i = Text.IndexOf("-->", i + 4, StringComparison.Ordinal) + 2;
            }
            else if (string.CompareOrdinal(Text, i, value, 0, value.Length) == 0)
            {
                return i;
            }
        }

        return Text.Length;
    }

    /// <summary>The value span (inside the quotes) of an attribute in the start tag [start, tagEnd].</summary>
    private (int Start, int End)? AttributeValue(int start, int tagEnd, string name, bool ignoreCase)
    {
        var comparison = ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        var i = start + 1;
        while (i < tagEnd && !char.IsWhiteSpace(Text[i]))
        {
            i++;
        }

        while (i < tagEnd)
        {
            while (i < tagEnd && (char.IsWhiteSpace(Text[i]) || Text[i] == '/'))
            {
                i++;
            }

            var nameStart = i;
            while (i < tagEnd && Text[i] != '=' && !char.IsWhiteSpace(Text[i]))
            {
                i++;
            }

            var attribute = Text[nameStart..i];
            while (i < tagEnd && Text[i] != '"' && Text[i] != '\'')
            {
                i++;
            }

            if (i >= tagEnd)
            {
                return null;
            }

            var quote = Text[i];
            var valueEnd = Text.IndexOf(quote, i + 1);
            if (string.Equals(attribute, name, comparison))
            {
                return (i + 1, valueEnd);
            }

            i = valueEnd + 1;
        }

        return null;
    }

    /// <summary>The whitespace before <paramref name="offset"/> on its line, or null when something else precedes it.</summary>
    private string? LeadingWhitespace(int offset)
    {
        var lineStart = LineStartOf(offset);
        var prefix = Text[lineStart..offset];
        return string.IsNullOrWhiteSpace(prefix) ? prefix : null;
    }

    /// <summary>One level of indentation as the file uses it: that of the Project's first child, else two spaces.</summary>
    private string IndentUnit(XDocument document)
    {
        foreach (var child in document.Root!.Elements())
        {
            if (LeadingWhitespace(Span(child).Start) is { Length: > 0 } indent)
            {
                return indent;
            }
        }

        return "  ";
    }

    private int OffsetOf(int line, int position)
    {
        var offset = 0;
        for (var current = 1; current < line; current++)
        {
            offset = LineEndOf(offset);
            offset += offset + 1 < Text.Length && Text[offset] == '\r' && Text[offset + 1] == '\n' ? 2 : 1;
        }

        return offset + position - 1;
    }

    private int LineStartOf(int offset)
    {
        var i = Math.Min(offset, Text.Length);
        while (i > 0 && Text[i - 1] is not ('\n' or '\r'))
        {
            i--;
        }

        return i;
    }

    /// <summary>The start of the line before the one starting at <paramref name="lineStart"/> (a CRLF is one break).</summary>
    private int PreviousLineStart(int lineStart)
    {
        if (lineStart == 0)
        {
            return 0;
        }

        var end = lineStart - 1;
        end -= end > 0 && Text[end] == '\n' && Text[end - 1] == '\r' ? 1 : 0;
        return LineStartOf(end);
    }

    private int LineEndOf(int offset)
    {
        var i = offset;
        while (i < Text.Length && Text[i] is not ('\n' or '\r'))
        {
            i++;
        }

        return i;
    }

    private static string Escape(string value) =>
        value.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace("\"", "&quot;", StringComparison.Ordinal);

    private static ProjectFileEditor Create(string path, string text, Encoding encoding, byte[] preamble, string itemName)
    {
        var editor = new ProjectFileEditor(path, text, encoding, preamble, itemName);
        editor.Load();
        return editor;
    }
}
