using Skills.Oci.Build.Diagnostics;

namespace Skills.Oci.Build.Hosting;

/// <summary>
/// Finds the project a command edits as <c>dotnet add package</c> finds it: <c>--project</c> names a
/// project file or a folder holding exactly one; without it, the single project file in the current
/// folder. No project at all is not an error: the caller works on skills.json instead.
/// </summary>
public static class ProjectLocator
{
    /// <summary>The project file, or null when <paramref name="explicitProject"/> is absent and the folder holds none.</summary>
    /// <exception cref="SkillsOciException">SKOCI6040: <c>--project</c> is neither a project file nor a folder; SKOCI6021: a folder holds several projects, or none where one is required.</exception>
    public static string? Find(string currentDirectory, string? explicitProject)
    {
        if (string.IsNullOrWhiteSpace(explicitProject))
        {
            return Single(currentDirectory, required: false);
        }

        var path = Path.GetFullPath(explicitProject, currentDirectory);
        if (File.Exists(path) && RepositoryProjects.IsProjectFile(path))
        {
            return path;
        }

        if (Directory.Exists(path))
        {
            return Single(path, required: true);
        }

        throw new SkillsOciException(ErrorCodes.ProjectArgumentInvalid, $"--project names '{path}', which is neither a project file nor a folder. Pass a project file or the folder that holds it.");
    }

    /// <summary>The project files of a folder (<see cref="RepositoryProjects.IsProjectFile"/>).</summary>
    public static IReadOnlyList<string> ProjectFiles(string folder) =>
        Directory.EnumerateFiles(folder, "*.*proj").Where(RepositoryProjects.IsProjectFile).Order(StringComparer.Ordinal).ToList();

    private static string? Single(string folder, bool required)
    {
        var projects = ProjectFiles(folder);
        if (projects.Count > 1)
        {
            throw new SkillsOciException(ErrorCodes.NoSingleProjectToEdit,
                $"The folder '{folder}' holds several project files ({string.Join(", ", projects.Select(Path.GetFileName))}). Choose one with --project.");
        }

        if (projects.Count == 0 && required)
        {
            throw new SkillsOciException(ErrorCodes.NoSingleProjectToEdit, $"The folder '{folder}' holds no project file. Pass a project file with --project, or run the command in a folder without one to use skills.json.");
        }

        return projects.Count == 0 ? null : projects[0];
    }
}
