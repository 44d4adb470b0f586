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
public sealed class PackSkill : SkillsOciTask
{
    [Required]
    public string ProjectDirectory { get; set; } = string.Empty;

    /// <summary>The project file ($(MSBuildProjectFullPath)): errors about project properties point here, not at our targets.</summary>
    public string? ProjectFile { get; set; }

    protected override string? DefaultDiagnosticFile => string.IsNullOrEmpty(ProjectFile) ? base.DefaultDiagnosticFile : ProjectFile;

    [Required]
    public string LayoutDirectory { get; set; } = string.Empty;

    public string? Version { get; set; }

    public string? SkillMarkdownPath { get; set; }

    public string? SkillName { get; set; }

    /// <summary>The <c>SkillFile</c> items; metadata <c>Executable</c> (true/false) and <c>Link</c>.</summary>
    public ITaskItem[] Files { get; set; } = [];

    public string? Description { get; set; }

    public string? PackageLicenseExpression { get; set; }

    public string? RepositoryUrl { get; set; }

    public string? SourceRevisionId { get; set; }

    public string? SourceDateEpoch { get; set; }

    public string? MaxLayerBytes { get; set; }

    public string? MaxUncompressedBytes { get; set; }

    public string? MaxArchiveEntries { get; set; }

    public string? MaxEntryPathBytes { get; set; }

    public string? MaxConfigBytes { get; set; }

    public string? MaxManifestBytes { get; set; }

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
        };

        var outcome = await new SkillPackager().PackAsync(request, cancellationToken).ConfigureAwait(false);
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

    private List<SkillFileItem>? ReadFiles()
    {
        var files = new List<SkillFileItem>(Files.Length);
        var ok = true;
        foreach (var item in Files)
        {
            var executableText = item.GetMetadata("Executable");
            bool? executable = null;
            if (!string.IsNullOrWhiteSpace(executableText))
            {
                if (bool.TryParse(executableText.Trim(), out var value))
                {
                    executable = value;
                }
                else
                {
                    LogDiagnostic(Diagnostic.Error(ErrorCodes.PackPropertyInvalid, $"The SkillFile '{item.ItemSpec}' has Executable=\"{executableText}\"; use \"true\" (mode 0755) or \"false\" (mode 0644), or leave it out to use the file's execute bit on Unix.", DefaultDiagnosticFile));
                    ok = false;
                    continue;
                }
            }

            var link = item.GetMetadata("Link");
            files.Add(new SkillFileItem(item.GetMetadata("FullPath"), executable, string.IsNullOrWhiteSpace(link) ? null : link));
        }

        return ok ? files : null;
    }

    private OciLimits? ReadLimits()
    {
        var limits = OciLimits.Default;
        var ok = true;
        long Read(string? text, string property, long fallback)
        {
            if (string.IsNullOrWhiteSpace(text))
            {
                return fallback;
            }

            if (long.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0)
            {
                return value;
            }

            LogDiagnostic(Diagnostic.Error(ErrorCodes.PackPropertyInvalid, $"{property} is '{text}'; it must be a positive whole number (bytes or entries). Remove it to use the default of {fallback}.", DefaultDiagnosticFile));
            ok = false;
            return fallback;
        }

        limits = limits with
        {
            MaxLayerBytes = Read(MaxLayerBytes, "SkillMaxLayerBytes", limits.MaxLayerBytes),
            MaxUncompressedBytes = Read(MaxUncompressedBytes, "SkillMaxUncompressedBytes", limits.MaxUncompressedBytes),
            MaxArchiveEntries = (int)Math.Min(int.MaxValue, Read(MaxArchiveEntries, "SkillMaxArchiveEntries", limits.MaxArchiveEntries)),
            MaxEntryPathBytes = (int)Math.Min(int.MaxValue, Read(MaxEntryPathBytes, "SkillMaxEntryPathBytes", limits.MaxEntryPathBytes)),
            MaxConfigBytes = Read(MaxConfigBytes, "SkillMaxConfigBytes", limits.MaxConfigBytes),
            MaxManifestBytes = Read(MaxManifestBytes, "SkillMaxManifestBytes", limits.MaxManifestBytes),
        };
        return ok ? limits : null;
    }
}
