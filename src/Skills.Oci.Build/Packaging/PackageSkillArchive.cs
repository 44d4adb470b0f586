using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.FileSystem;
using Skills.Oci.Build.Format;
using Skills.Oci.Build.NuGet;
using Skills.Oci.Build.Oci;

namespace Skills.Oci.Build.Packaging;

/// <summary>
/// A package's skill folder, checked with the rules a skill project is packed with (name rule, SKILL.md
/// frontmatter, safe paths, no links or special files, the archive limits) and written as the same
/// deterministic layer a registry skill has. Restore then extracts it with the rules every registry
/// skill goes through, so a package skill passes both the writer's and the reader's checks and there
/// is no third set of rules for packages.
/// </summary>
public static class PackageSkillArchive
{
    /// <summary>The layer bytes, or null with every refusal in <paramref name="diagnostics"/>.</summary>
    public static async Task<byte[]?> CreateAsync(PackageSkillFolder skill, OciLimits limits, ICollection<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        var at = $"The skill '{skill.Name}' of the package {skill.Package}";
        if (!SkillName.TryParse(skill.Name, SkillNameInput.Stored, out var name))
        {
            diagnostics.Add(Diagnostic.Error(ErrorCodes.SkillNameInvalid,
                $"{at} is refused: the folder name '{skill.Name}' breaks the skill name rule ({string.Join(" ", SkillName.FindProblems(skill.Name, SkillNameInput.Stored))}). Ask the package's author to fix it, or exclude the package with IncludeSkills=\"false\".", skill.FullPath));
            return null;
        }

        // The folder itself (or skills/) being a link would make every check below look somewhere else.
        foreach (var folder in new[] { Path.GetDirectoryName(skill.FullPath)!, skill.FullPath })
        {
            if (FileNode.Inspect(folder).Kind != FileNodeKind.Directory)
            {
                diagnostics.Add(Diagnostic.Error(ErrorCodes.SkillFileIsLink,
                    $"{at} is refused: '{folder}' is a link or not a folder. Links are never installed; ask the package's author to ship the files, or exclude the package with IncludeSkills=\"false\".", folder));
                return null;
            }
        }

        var before = diagnostics.Count;
        var validation = await SkillValidator.ValidateAsync(skill.FullPath, null, skill.Name, cancellationToken).ConfigureAwait(false);
        // The consumer cannot fix the author's style: only what makes the skill unusable is reported.
        foreach (var error in validation.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error))
        {
            diagnostics.Add(error with { Message = $"{at}: {error.Message}" });
        }

        var content = SkillContent.Create(name, skill.FullPath, SkillFolderFiles.Enumerate(skill.FullPath), limits, diagnostics);
        if (content is null || diagnostics.Count > before)
        {
            return null;
        }

        using var layer = new MemoryStream();
        try
        {
            await SkillArchiveWriter.WriteAsync(name, content.Entries, layer, limits, cancellationToken).ConfigureAwait(false);
        }
        catch (SkillsOciException ex)
        {
            diagnostics.Add(ex.Diagnostic with { Message = $"{at}: {ex.Diagnostic.Message}", File = ex.Diagnostic.File ?? skill.FullPath });
            return null;
        }

        return layer.ToArray();
    }
}
