using Skills.Oci.Build.Format;

namespace Skills.Oci.Build.NuGet;

/// <summary>
/// Where a skill lives inside a .nupkg: <c>skills/&lt;name&gt;/</c> at the package root, the layout .NET
/// package authors are converging on. Packing writes it there and restore reads it from there (<see cref="PackageSkillFolders"/>).
/// </summary>
public static class NupkgSkillFolder
{
    /// <summary>The package-root folder that holds one folder per skill.</summary>
    public const string Root = "skills";

    /// <summary>The skill's folder in the package, <c>skills/pdf</c>, as the lock's nuget source records it.</summary>
    public static string PathOf(string name) => $"{Root}/{name}";

    /// <summary>The skill's folder in the package, with a trailing '/': <c>skills/pdf/</c>.</summary>
    public static string Of(SkillName name) => PathOf(name.Value) + "/";

    /// <summary>
    /// The NuGet <c>PackagePath</c> of a file at <paramref name="relativePath"/> ('/'-separated) in the
    /// skill, or null when NuGet cannot place it there. NuGet's pack reads a PackagePath as a file path
    /// only when it ends in the source file's own non-empty extension, and as a folder otherwise (the
    /// source file name is then appended), so a file keeps its name through a folder path; a file
    /// renamed (SkillFile Link) to a name without that extension cannot be expressed.
    /// </summary>
    public static string? PackagePath(SkillName name, string relativePath, string sourcePath)
    {
        var slash = relativePath.LastIndexOf('/');
        var folder = Of(name) + relativePath[..(slash + 1)];
        var fileName = relativePath[(slash + 1)..];
        if (string.Equals(fileName, Path.GetFileName(sourcePath), StringComparison.Ordinal))
        {
            return folder;
        }

        var extension = Path.GetExtension(sourcePath);
        return extension.Length > 0 && string.Equals(Path.GetExtension(fileName), extension, StringComparison.OrdinalIgnoreCase)
            ? folder + fileName
            : null;
    }
}
