using System.Globalization;
using Microsoft.Build.Framework;
using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Packaging;

namespace Skills.Oci.Build.Tasks;

/// <summary>
/// A task that packs a skill's files (into an OCI layout or a NuGet package): the <c>SkillFile</c>
/// items and the artifact limits, read one way for every such task.
/// </summary>
public abstract class SkillContentTask : SkillsOciTask
{
    /// <summary>The project file ($(MSBuildProjectFullPath)): errors about project properties point here, not at our targets.</summary>
    public string? ProjectFile { get; set; }

    protected override string? DefaultDiagnosticFile => string.IsNullOrEmpty(ProjectFile) ? base.DefaultDiagnosticFile : ProjectFile;

    /// <summary>The <c>SkillFile</c> items; metadata <c>Executable</c> (true/false) and <c>Link</c>.</summary>
    public ITaskItem[] Files { get; set; } = [];

    public string? MaxLayerBytes { get; set; }

    public string? MaxUncompressedBytes { get; set; }

    public string? MaxArchiveEntries { get; set; }

    public string? MaxEntryPathBytes { get; set; }

    public string? MaxConfigBytes { get; set; }

    public string? MaxManifestBytes { get; set; }

    /// <summary>The files, or null when an item's metadata is invalid (each problem logged).</summary>
    protected List<SkillFileItem>? ReadFiles()
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

    /// <summary>The limits, the defaults where a property is empty; null when one is invalid (logged).</summary>
    protected OciLimits? ReadLimits()
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
