using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Restore;

namespace Skills.Oci.Build.Hosting;

/// <summary>
/// The projects whose SkillReference items a repository declares, as the command line finds them for
/// install, update and verify: the project or solution named by <c>--project</c>, or every project file
/// under a folder (the repository root by default). MSBuild then decides per project whether it consumes
/// skills, so a project without our SDK or package costs one evaluation and nothing else.
/// </summary>
public sealed partial record RepositoryProjects(string Root, IReadOnlyList<string> Projects)
{
    /// <summary>The extensions MSBuild project files use; solutions are read for their projects instead.</summary>
    public static readonly IReadOnlyList<string> ProjectExtensions = [".csproj", ".fsproj", ".vbproj", ".proj"];

    private static readonly string[] SolutionExtensions = [".sln", ".slnx", ".slnf"];

    /// <summary>Folders that never hold a project of the repository's own: outputs, tools' state, what we install.</summary>
    private static readonly HashSet<string> SkippedFolders = new(StringComparer.OrdinalIgnoreCase) { "bin", "obj", "node_modules" };

    /// <summary>The reference tools' manifest beside the lock (skills.json at the root), when the repository has one.</summary>
    public string? ManifestPath => File.Exists(Path.Combine(Root, SkillsManifest.FileName)) ? Path.Combine(Root, SkillsManifest.FileName) : null;

    /// <summary>
    /// Finds the projects from <paramref name="currentDirectory"/>. <paramref name="project"/> (relative to it)
    /// may name a project file (that project), a solution file (its projects) or a folder (every project
    /// under it); without it, every project under the repository root. The root is the skills root
    /// <see cref="SkillsRootLocator"/> finds from there, as MSBuild's default <c>SkillsRoot</c> is.
    /// </summary>
    public static RepositoryProjects Find(string currentDirectory, string? project = null)
    {
        if (string.IsNullOrWhiteSpace(project))
        {
            var root = SkillsRootLocator.Locate(currentDirectory);
            return new RepositoryProjects(root, Under(root));
        }

        var path = Path.TrimEndingDirectorySeparator(Path.GetFullPath(project, currentDirectory));
        if (Directory.Exists(path))
        {
            return new RepositoryProjects(SkillsRootLocator.Locate(path), Under(path));
        }

        var extension = Path.GetExtension(path);
        if (!File.Exists(path) || !(IsProjectFile(path) || SolutionExtensions.Contains(extension, StringComparer.OrdinalIgnoreCase)))
        {
            throw new SkillsOciException(ErrorCodes.ProjectArgumentInvalid,
                $"'{project}' is not a project file ({string.Join(", ", ProjectExtensions)}), a solution file ({string.Join(", ", SolutionExtensions)}) or a folder.");
        }

        var projects = IsProjectFile(path) ? [path] : SolutionProjects(path);
        return new RepositoryProjects(SkillsRootLocator.Locate(Path.GetDirectoryName(path)!), projects);
    }

    /// <summary>The one rule for what a project file is, for install (every project) and for add/remove (the one project).</summary>
    public static bool IsProjectFile(string path) => ProjectExtensions.Contains(Path.GetExtension(path), StringComparer.OrdinalIgnoreCase);

    /// <summary>Every project file under <paramref name="folder"/>, sorted, without entering skipped, hidden or linked folders.</summary>
    private static List<string> Under(string folder)
    {
        var found = new List<string>();
        var pending = new Stack<DirectoryInfo>();
        pending.Push(new DirectoryInfo(folder));
        while (pending.Count > 0)
        {
            var current = pending.Pop();
            IEnumerable<FileSystemInfo> entries;
            try
            {
                entries = current.EnumerateFileSystemInfos().ToList();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // A folder we may not read holds nothing we could build either.
                continue;
            }

            foreach (var entry in entries)
            {
                if (entry is DirectoryInfo directory)
                {
                    // Hidden folders cover .git, .agents, .vs, .nuget-packages and the like; links could loop.
                    if (!directory.Name.StartsWith('.') && !SkippedFolders.Contains(directory.Name) && directory.LinkTarget is null)
                    {
                        pending.Push(directory);
                    }
                }
                else if (IsProjectFile(entry.FullName))
                {
                    found.Add(entry.FullName);
                }
            }
        }

        found.Sort(StringComparer.Ordinal);
        return found;
    }

    /// <summary>The project files a solution lists (.sln, .slnx, or a .slnf filter of either), in its order; solution folders and missing files left out.</summary>
    private static List<string> SolutionProjects(string solution)
    {
        List<string> relative;
        var folder = Path.GetDirectoryName(solution)!;
        try
        {
            switch (Path.GetExtension(solution).ToLowerInvariant())
            {
                case ".slnx":
                    relative = XDocument.Load(solution).Descendants("Project").Select(p => (string?)p.Attribute("Path")).OfType<string>().ToList();
                    break;
                case ".slnf":
                    // A filter names its solution (relative to the filter) and the projects it keeps (relative to that solution).
                    using (var document = JsonDocument.Parse(File.ReadAllBytes(solution)))
                    {
                        var element = document.RootElement.GetProperty("solution");
                        var solutionPath = element.GetProperty("path").GetString() ?? string.Empty;
                        folder = Path.GetDirectoryName(Path.GetFullPath(solutionPath.Replace('\\', Path.DirectorySeparatorChar), folder))!;
                        relative = element.GetProperty("projects").EnumerateArray().Select(p => p.GetString()).OfType<string>().ToList();
                    }

                    break;
                default:
                    relative = SlnProjectLine().Matches(File.ReadAllText(solution)).Select(m => m.Groups["path"].Value).ToList();
                    break;
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Xml.XmlException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new SkillsOciException(ErrorCodes.SolutionUnreadable, $"The solution '{solution}' could not be read: {ex.Message}", solution, innerException: ex);
        }

        var projects = relative
            .Select(p => Path.GetFullPath(p.Replace('\\', Path.DirectorySeparatorChar), folder))
            .Where(p => IsProjectFile(p) && File.Exists(p))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        if (projects.Count == 0)
        {
            throw new SkillsOciException(ErrorCodes.SolutionUnreadable, $"The solution '{solution}' lists no project file that exists.", solution);
        }

        return projects;
    }

    /// <summary>A .sln project line: <c>Project("{type}") = "Name", "path\to\App.csproj", "{guid}"</c>.</summary>
    [GeneratedRegex("""^Project\("\{[^}]*\}"\)\s*=\s*"[^"]*"\s*,\s*"(?<path>[^"]+)"\s*,""", RegexOptions.Multiline)]
    private static partial Regex SlnProjectLine();
}
