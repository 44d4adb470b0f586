using System.Text;

namespace Skills.Oci.Build.Format;

/// <summary>
/// The order of entries in a skill archive: by the UTF-8 bytes of their paths (which differs from
/// UTF-16 ordinal order above U+D7FF), so a folder precedes its contents and the order never depends
/// on the OS or the file system.
/// </summary>
public sealed class Utf8OrdinalComparer : IComparer<string>
{
    public static Utf8OrdinalComparer Instance { get; } = new();

    public int Compare(string? x, string? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        if (x is null)
        {
            return -1;
        }

        if (y is null)
        {
            return 1;
        }

        var a = Encoding.UTF8.GetBytes(x);
        var b = Encoding.UTF8.GetBytes(y);
        return a.AsSpan().SequenceCompareTo(b);
    }
}
