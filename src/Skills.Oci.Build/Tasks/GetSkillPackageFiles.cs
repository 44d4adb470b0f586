using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using Skills.Oci.Build.Packaging;

namespace Skills.Oci.Build.Tasks;

/// <summary>
/// Validates the skills a NuGet package carries and lists their files with a NuGet <c>PackagePath</c>
/// under <c>skills/&lt;name&gt;/</c>: a library's <c>PackageSkill</c> folders, or a skill project
/// itself. A thin adapter over <see cref="PackageSkillContent"/>; NuGet's pack writes the package.
/// </summary>
public sealed class GetSkillPackageFiles : SkillContentTask
{
    /// <summary>
    /// The skill folders (a library's <c>PackageSkill</c> items); metadata <c>SkillName</c> confirms a
    /// name that differs from the folder name.
    /// </summary>
    public ITaskItem[] Skills { get; set; } = [];

    /// <summary>A skill project's folder: the one skill, with <see cref="SkillContentTask.Files"/> as its files.</summary>
    public string? ProjectDirectory { get; set; }

    /// <summary>The skill project's SKILL.md; defaults to the one in <see cref="ProjectDirectory"/>.</summary>
    public string? SkillMarkdownPath { get; set; }

    /// <summary>The skill project's <c>SkillName</c>.</summary>
    public string? SkillName { get; set; }

    /// <summary>The skill project's Version, held to the rule of its OCI tag; empty for a library.</summary>
    public string? Version { get; set; }

    /// <summary>Each file, with metadata <c>PackagePath</c> and <c>SkillName</c>, in package order.</summary>
    [Output]
    public ITaskItem[] PackageFiles { get; private set; } = [];

    /// <summary>The skill project's SKILL.md description (the nuspec's description by default).</summary>
    [Output]
    public string SkillDescription { get; private set; } = string.Empty;

    protected override async System.Threading.Tasks.Task ExecuteCoreAsync(CancellationToken cancellationToken)
    {
        var limits = ReadLimits();
        var files = string.IsNullOrEmpty(ProjectDirectory) ? [] : ReadFiles();
        if (limits is null || files is null)
        {
            return;
        }

        var sources = string.IsNullOrEmpty(ProjectDirectory)
            ? Skills.Select(item => new PackageSkillSource
            {
                Folder = item.GetMetadata("FullPath"),
                ExpectedSkillName = NullIfEmpty(item.GetMetadata("SkillName")),
                DeclaringFile = DefaultDiagnosticFile,
            }).ToList()
            : [new PackageSkillSource { Folder = ProjectDirectory, SkillMarkdownPath = NullIfEmpty(SkillMarkdownPath), ExpectedSkillName = NullIfEmpty(SkillName), Files = files, DeclaringFile = DefaultDiagnosticFile }];

        var outcome = await PackageSkillContent.CollectAsync(sources, string.IsNullOrEmpty(ProjectDirectory) ? null : Version ?? string.Empty, limits, cancellationToken).ConfigureAwait(false);
        LogDiagnostics(outcome.Diagnostics);
        if (outcome.HasErrors)
        {
            return;
        }

        PackageFiles = outcome.Skills.SelectMany(skill => skill.Files.Select(file =>
        {
            var item = new TaskItem(file.SourcePath);
            item.SetMetadata("PackagePath", file.PackagePath);
            item.SetMetadata("SkillName", skill.Skill.Name.Value);
            return (ITaskItem)item;
        })).ToArray();
        SkillDescription = outcome.Skills.Count == 1 ? outcome.Skills[0].Skill.Description : string.Empty;
        foreach (var skill in outcome.Skills)
        {
            Log.LogMessage(MessageImportance.Low, $"Skill '{skill.Skill.Name}' ({skill.Files.Count} files) goes into the package at {NuGet.NupkgSkillFolder.Of(skill.Skill.Name)}.");
        }
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
