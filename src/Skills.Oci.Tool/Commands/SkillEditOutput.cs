using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Hosting;
using Skills.Oci.Build.Restore;
using Skills.Oci.Tool.Cli;

namespace Skills.Oci.Tool.Commands;

/// <summary>How <c>add</c> and <c>remove</c> print what they did, in a project or in skills.json.</summary>
internal static class SkillEditOutput
{
    /// <summary>The restore's diagnostics, its changes (minimal) and summary (normal), as RestoreSkills logs them.</summary>
    public static bool Report(SkillRestoreResult result, ToolOutput output)
    {
        output.Diagnostics(result.Diagnostics);
        foreach (var message in result.Messages)
        {
            output.Detail(message);
        }

        if (!result.Succeeded)
        {
            return false;
        }

        foreach (var change in result.Changes)
        {
            output.Change("Skills: " + change);
        }

        output.Info($"{SkillsManifest.FileName}: {result.Summary}");
        return true;
    }

    /// <summary>The skills root restore uses for a folder without a project, and its skills.json.</summary>
    public static string ManifestPath() => Path.Combine(SkillsRootLocator.Locate(Environment.CurrentDirectory), SkillsManifest.FileName);

    /// <summary>
    /// The project to edit (null: skills.json), found as <c>dotnet add package</c> finds it; no single
    /// project where one is required is a usage error (exit code 2), as it is for dotnet.
    /// </summary>
    public static bool TryFindProject(string? explicitProject, ToolOutput output, out string? project)
    {
        try
        {
            project = ProjectLocator.Find(Environment.CurrentDirectory, explicitProject);
            return true;
        }
        catch (SkillsOciException ex) when (ex.Diagnostic.Code == ErrorCodes.NoSingleProjectToEdit)
        {
            output.Diagnostic(ex.Diagnostic);
            project = null;
            return false;
        }
    }
}
