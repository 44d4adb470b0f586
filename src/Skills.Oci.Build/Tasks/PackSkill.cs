using System.Globalization;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Packaging;

namespace Skills.Oci.Build.Tasks;

/// <summary>
/// Writes a skill project as an OCI image layout (<c>dotnet pack</c>). A thin adapter over
/// <see cref="SkillPackager"/>: properties and items in, one summary line and an output item out.
/// </summary>
public sealed class PackSkill : SkillContentTask
{
    [Required]
    public string ProjectDirectory { get; set; } = string.Empty;

    [Required]
    public string LayoutDirectory { get; set; } = string.Empty;

    public string? Version { get; set; }

    public string? SkillMarkdownPath { get; set; }

    public string? SkillName { get; set; }

    public string? Description { get; set; }

    public string? PackageLicenseExpression { get; set; }

    public string? RepositoryUrl { get; set; }

    public string? SourceRevisionId { get; set; }

    public string? SourceDateEpoch { get; set; }

    /// <summary><c>$(SkillsSecurityMode)</c>: warn (default), block or off; the same scan restore runs.</summary>
    public string? SecurityMode { get; set; }

    /// <summary>SkillDependency items: Include the repository, metadata Version.</summary>
    public ITaskItem[] Dependencies { get; set; } = [];

    /// <summary>
    /// The layout folder, with metadata <c>ManifestDigest</c>, <c>ManifestSize</c>, <c>ConfigDigest</c>,
    /// <c>LayerDigest</c>, <c>LayerSize</c>, <c>Tag</c>, <c>SkillName</c>, <c>SkillVersion</c>.
    /// </summary>
    [Output]
    public ITaskItem? PackOutput { get; private set; }

    protected override async System.Threading.Tasks.Task ExecuteCoreAsync(CancellationToken cancellationToken)
    {
        var limits = ReadLimits();
        var files = ReadFiles();
        if (limits is null || files is null)
        {
            return;
        }

        var request = new SkillPackRequest
        {
            ProjectDirectory = ProjectDirectory,
            SkillMarkdownPath = SkillMarkdownPath,
            ExpectedSkillName = SkillName,
            Version = Version ?? string.Empty,
            Files = files,
            LayoutDirectory = LayoutDirectory,
            ProjectFile = DefaultDiagnosticFile,
            Description = Description,
            License = PackageLicenseExpression,
            RepositoryUrl = RepositoryUrl,
            SourceRevisionId = SourceRevisionId,
            SourceDateEpoch = SourceDateEpoch,
            Limits = limits,
            SecurityMode = Security.SecurityModes.Parse(SecurityMode, DefaultDiagnosticFile),
            Dependencies = Dependencies.Select(d =>
            {
                var (file, line) = ItemLocation.Of(d, "SkillDependency", DefaultDiagnosticFile);
                return new SkillDependencyInput(d.ItemSpec, d.GetMetadata("Version"), file, line);
            }).ToList(),
        };

        var outcome = await new SkillPackager().PackAsync(request, cancellationToken).ConfigureAwait(false);
        foreach (var message in outcome.Messages)
        {
            Log.LogMessage(MessageImportance.Low, "Scan: {0}", message);
        }

        LogDiagnostics(outcome.Diagnostics);
        if (outcome.Result is not { } result)
        {
            return;
        }

        var item = new TaskItem(result.LayoutDirectory);
        item.SetMetadata("ManifestDigest", result.Manifest.Digest.ToString());
        item.SetMetadata("ManifestSize", result.Manifest.Size.ToString(CultureInfo.InvariantCulture));
        item.SetMetadata("ConfigDigest", result.Config.Digest.ToString());
        item.SetMetadata("LayerDigest", result.Layer.Digest.ToString());
        item.SetMetadata("LayerSize", result.Layer.Size.ToString(CultureInfo.InvariantCulture));
        item.SetMetadata("Tag", result.Tag);
        item.SetMetadata("SkillName", result.Name.Value);
        item.SetMetadata("SkillVersion", result.Version.Text);
        PackOutput = item;

        Log.LogMessage(MessageImportance.Low, $"Skill '{result.Name}' {result.Version}: {result.EntryCount} archive entries, {result.UncompressedSize} bytes uncompressed; layer {result.Layer.Digest} ({result.Layer.Size} bytes), config {result.Config.Digest}.");
        // The result of an explicit command, shown at default verbosity like NuGet's "Successfully created package".
        Log.LogMessage(MessageImportance.High, $"{result.Name} {result.Tag} -> {result.LayoutDirectory} ({result.Manifest.Digest})");
    }
}
