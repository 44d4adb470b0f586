using Microsoft.Build.Framework;

namespace Skills.Oci.Build.Tasks;

/// <summary>
/// Where an item was written, for diagnostics: the file that defines it (an import such as
/// Directory.Build.props, or the project) and the line of its Include there. MSBuild hands tasks no
/// line numbers, so the line is found by the item type and the Include text; 0 when it is not there
/// literally (a wildcard, a property, a transform).
/// </summary>
internal static class ItemLocation
{
    public static (string? File, int Line) Of(ITaskItem item, string itemType, string? fallbackFile)
    {
        var file = item.GetMetadata("DefiningProjectFullPath") is { Length: > 0 } defining ? defining : fallbackFile;
        return (file, LineOf(file, itemType, item.ItemSpec));
    }

    private static int LineOf(string? file, string itemType, string include)
    {
        if (string.IsNullOrEmpty(file) || !File.Exists(file))
        {
            return 0;
        }

        try
        {
            var needle = $"\"{include}\"";
            var lines = File.ReadAllLines(file);
            return Array.FindIndex(lines, l => l.Contains("<" + itemType, StringComparison.Ordinal) && l.Contains(needle, StringComparison.Ordinal)) + 1;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }
}
