using System.Globalization;
using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.FileSystem;
using Skills.Oci.Build.Format;
using Skills.Oci.Build.Oci;

namespace Skills.Oci.Build.Packaging;

/// <summary>Everything <see cref="SkillPackager"/> needs; the MSBuild task fills it from properties and items.</summary>
public sealed record SkillPackRequest
{
    /// <summary>The skill project folder (holds SKILL.md).</summary>
    public required string ProjectDirectory { get; init; }

    /// <summary>SKILL.md; defaults to <c>ProjectDirectory/SKILL.md</c>.</summary>
    public string? SkillMarkdownPath { get; init; }

    /// <summary>The project's explicit <c>SkillName</c>, which confirms a name that differs from the folder.</summary>
    public string? ExpectedSkillName { get; init; }

    /// <summary>The project's <c>Version</c>: the publish version and the tag.</summary>
    public required string Version { get; init; }

    public required IReadOnlyList<SkillFileItem> Files { get; init; }

    /// <summary>The image layout folder to write (replaced as a whole).</summary>
    public required string LayoutDirectory { get; init; }

    /// <summary>The project file, where errors about project properties point.</summary>
    public string? ProjectFile { get; init; }

    /// <summary>The project's <c>Description</c>, used when SKILL.md has none.</summary>
    public string? Description { get; init; }

    /// <summary>The project's <c>PackageLicenseExpression</c>, used when SKILL.md has no <c>license</c>.</summary>
    public string? License { get; init; }

    /// <summary><c>RepositoryUrl</c>, for <c>org.opencontainers.image.source</c>.</summary>
    public string? RepositoryUrl { get; init; }

    /// <summary><c>SourceRevisionId</c>, for <c>org.opencontainers.image.revision</c>.</summary>
    public string? SourceRevisionId { get; init; }

    /// <summary><c>SOURCE_DATE_EPOCH</c> (seconds since 1970), which fixes <c>created</c> and so the manifest digest.</summary>
    public string? SourceDateEpoch { get; init; }

    public OciLimits Limits { get; init; } = OciLimits.Default;

    /// <summary>SkillDependency items: recorded in <c>io.agentskills.skill.requires</c> and the config's <c>requires</c>.</summary>
    public IReadOnlyList<SkillDependencyInput> Dependencies { get; init; } = [];

    /// <summary><c>SkillsSecurityMode</c>: the content scan consumers will run, run on the author's files first (docs/security.md).</summary>
    public Security.SecurityMode SecurityMode { get; init; } = Security.SecurityMode.Warn;
}

/// <summary>What a pack produced: where the layout is, and the descriptors a push needs.</summary>
public sealed record SkillPackResult
{
    public required string LayoutDirectory { get; init; }

    public required SkillName Name { get; init; }

    public required SkillVersion Version { get; init; }

    /// <summary>The <c>org.opencontainers.image.ref.name</c> of the manifest in index.json (the full Version).</summary>
    public required string Tag { get; init; }

    public required Descriptor Manifest { get; init; }

    public required Descriptor Config { get; init; }

    public required Descriptor Layer { get; init; }

    public required int EntryCount { get; init; }

    public required long UncompressedSize { get; init; }
}

/// <summary>The outcome of a pack: a result when nothing failed, and every diagnostic (warnings too).</summary>
public sealed record SkillPackOutcome(SkillPackResult? Result, IReadOnlyList<Diagnostic> Diagnostics)
{
    /// <summary>Lines for detailed logs: the scan's info findings.</summary>
    public IReadOnlyList<string> Messages { get; init; } = [];

    public bool HasErrors => Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error);
}

/// <summary>
/// Turns a skill folder into an OCI image layout: validates SKILL.md and Version, writes the layer,
/// config and manifest in the skill artifact format (Format/, docs/format.md), and lists the manifest in index.json under the
/// Version. The layout is built in a temporary folder beside the destination and swapped in whole,
/// so a failed pack leaves the previous output (or nothing), never a half-written layout.
/// </summary>
public sealed class SkillPackager
{
    private readonly TimeProvider _time;

    public SkillPackager(TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The layout folder name used under the package output path: <c>&lt;name&gt;.&lt;version&gt;.oci</c>.</summary>
    public static string LayoutDirectoryName(string name, string version) => $"{name}.{version}.oci";

    /// <summary>Validates the skill without writing anything: SKILL.md, Version and <c>SOURCE_DATE_EPOCH</c>.</summary>
    public static async Task<(SkillDefinition? Skill, SkillVersion? Version, IReadOnlyList<Diagnostic> Diagnostics)> ValidateAsync(
        string projectDirectory,
        string? skillMarkdownPath,
        string? expectedSkillName,
        string? version,
        string? projectFile,
        CancellationToken cancellationToken)
    {
        var diagnostics = new List<Diagnostic>();
        var validation = await SkillValidator.ValidateAsync(projectDirectory, skillMarkdownPath, expectedSkillName, cancellationToken).ConfigureAwait(false);
        diagnostics.AddRange(validation.Diagnostics);
        SkillVersion.TryParse(version, projectFile, out var parsed, out var versionProblem);
        if (versionProblem is not null)
        {
            diagnostics.Add(versionProblem);
        }

        return (validation.Skill, parsed, diagnostics);
    }

    public async Task<SkillPackOutcome> PackAsync(SkillPackRequest request, CancellationToken cancellationToken)
    {
        var (skill, version, found) = await ValidateAsync(request.ProjectDirectory, request.SkillMarkdownPath, request.ExpectedSkillName, request.Version, request.ProjectFile, cancellationToken).ConfigureAwait(false);
        var diagnostics = found.ToList();
        var created = ParseCreated(request.SourceDateEpoch, _time, request.ProjectFile, diagnostics);
        var requires = SkillDependencyInput.ToRequirements(request.Dependencies, request.ProjectFile, diagnostics);
        if (skill is null || version is null || created is null || requires is null || diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error))
        {
            return new SkillPackOutcome(null, diagnostics);
        }

        var content = SkillContent.Create(skill.Name, request.ProjectDirectory, request.Files, request.Limits, diagnostics);
        if (content is null)
        {
            return new SkillPackOutcome(null, diagnostics);
        }

        // What consumers' restores will report, the author sees first, on the files themselves.
        var scan = await ScanAsync(request, skill, content, cancellationToken).ConfigureAwait(false);
        diagnostics.AddRange(scan?.Diagnostics ?? []);
        var messages = scan?.Messages ?? [];
        if (scan is { Blocked: true })
        {
            return new SkillPackOutcome(null, diagnostics) { Messages = messages };
        }

        try
        {
            var result = await WriteLayoutAsync(request, skill, version, content, created, requires, cancellationToken).ConfigureAwait(false);
            return new SkillPackOutcome(result, diagnostics) { Messages = messages };
        }
        catch (SkillsOciException ex)
        {
            diagnostics.Add(ex.Diagnostic with { File = ex.Diagnostic.File ?? request.ProjectFile });
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            diagnostics.Add(Diagnostic.Error(ErrorCodes.PackOutputFailed, $"Writing the skill image layout '{request.LayoutDirectory}' failed: {ex.Message} Check that the output folder is writable and not open in another program; nothing was written.", request.ProjectFile));
        }

        return new SkillPackOutcome(null, diagnostics);
    }

    private static async Task<Security.ScanVerdict?> ScanAsync(SkillPackRequest request, SkillDefinition skill, SkillContent content, CancellationToken cancellationToken)
    {
        if (request.SecurityMode == Security.SecurityMode.Off)
        {
            return null;
        }

        var files = content.Entries.Where(e => !e.IsDirectory).ToDictionary(e => e.RelativePath, e => e.SourcePath!, StringComparer.Ordinal);
        var result = await Security.SkillContentScanner.ScanAsync(
            content.Entries.Where(e => !e.IsDirectory).Select(e => new Security.ScanFile(e.RelativePath, e.SourcePath!, e.Executable)), cancellationToken).ConfigureAwait(false);
        return Security.ScanEvaluator.Evaluate(skill.Name.Value, result, request.SecurityMode, Security.FindingAllowList.None, file => files[file]);
    }

    private static async Task<SkillPackResult> WriteLayoutAsync(SkillPackRequest request, SkillDefinition skill, SkillVersion version, SkillContent content, string created, IReadOnlyList<SkillRequirement> requires, CancellationToken cancellationToken)
    {
        var destination = Path.TrimEndingDirectorySeparator(Path.GetFullPath(request.LayoutDirectory));
        var parent = Path.GetDirectoryName(destination)!;
        Directory.CreateDirectory(parent);
        var temp = TempName.Beside(destination);
        try
        {
            var layout = new OciImageLayout(temp);
            await layout.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);

            var layerFile = Path.Combine(temp, "blobs", Digest.Sha256, ".layer.tmp");
            SkillArchive archive;
            await using (var file = new FileStream(layerFile, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous))
            {
                archive = await SkillArchiveWriter.WriteAsync(content.Name, content.Entries, file, request.Limits, cancellationToken).ConfigureAwait(false);
            }

            layout.AdoptBlobFile(layerFile, archive.Digest);
            var layer = new Descriptor
            {
                MediaType = MediaTypes.SkillContentLayer,
                Digest = archive.Digest,
                Size = archive.Size,
                Annotations = new SortedDictionary<string, string>(StringComparer.Ordinal) { [AnnotationKeys.Title] = skill.Name.Value + ".tar.gz" },
            };

            var configBytes = new SkillConfig
            {
                Name = skill.Name,
                Version = version.Text,
                Description = skill.Description,
                License = skill.License,
                Compatibility = skill.Compatibility,
                AllowedTools = skill.AllowedTools,
                Metadata = skill.Metadata,
                Requires = requires,
            }.Write();
            CheckSize("config", configBytes.Length, request.Limits.MaxConfigBytes, "SkillMaxConfigBytes");
            var config = await layout.WriteBlobAsync(MediaTypes.SkillConfig, configBytes, cancellationToken).ConfigureAwait(false);

            var manifestBytes = SkillManifest.Write(config, layer, Annotations(request, skill, version, created, requires));
            CheckSize("manifest", manifestBytes.Length, request.Limits.MaxManifestBytes, "SkillMaxManifestBytes");
            var manifest = await layout.WriteBlobAsync(MediaTypes.OciManifest, manifestBytes, cancellationToken).ConfigureAwait(false);
            manifest = manifest with { ArtifactType = MediaTypes.SkillArtifact };
            await layout.AddToIndexAsync(manifest, version.Text, cancellationToken).ConfigureAwait(false);
            // The index lock guards concurrent writers of a shared layout; this one is private until
            // the swap, and the lock file is not part of an image layout.
            AtomicFile.TryDelete(layout.IndexPath + ".lock");

            SwapIntoPlace(temp, destination);
            return new SkillPackResult
            {
                LayoutDirectory = destination,
                Name = skill.Name,
                Version = version,
                Tag = version.Text,
                Manifest = manifest,
                Config = config,
                Layer = layer,
                EntryCount = archive.EntryCount,
                UncompressedSize = archive.UncompressedSize,
            };
        }
        finally
        {
            if (Directory.Exists(temp))
            {
                DirectoryTree.Delete(temp);
            }
        }
    }

    private static SortedDictionary<string, string> Annotations(SkillPackRequest request, SkillDefinition skill, SkillVersion version, string created, IReadOnlyList<SkillRequirement> requires)
    {
        var annotations = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            [AnnotationKeys.Created] = created,
            [AnnotationKeys.Title] = skill.Name.Value,
            [AnnotationKeys.SkillName] = skill.Name.Value,
            [AnnotationKeys.Version] = version.Text,
        };
        AddIfKnown(annotations, AnnotationKeys.Description, NonEmpty(skill.Description) ?? NonEmpty(request.Description));
        AddIfKnown(annotations, AnnotationKeys.Licenses, NonEmpty(skill.License) ?? NonEmpty(request.License));
        AddIfKnown(annotations, AnnotationKeys.SkillCompatibility, NonEmpty(skill.Compatibility));
        AddIfKnown(annotations, AnnotationKeys.Source, NonEmpty(request.RepositoryUrl));
        AddIfKnown(annotations, AnnotationKeys.Revision, NonEmpty(request.SourceRevisionId));
        AddIfKnown(annotations, AnnotationKeys.SkillRequires, requires.Count == 0 ? null : SkillRequirements.Write(requires));
        return annotations;
    }

    /// <summary>RFC 3339 UTC to the second: from <c>SOURCE_DATE_EPOCH</c> when set, else now (also the collection index's <c>created</c>).</summary>
    internal static string? ParseCreated(string? sourceDateEpoch, TimeProvider time, string? projectFile, List<Diagnostic> diagnostics)
    {
        DateTimeOffset created;
        if (string.IsNullOrWhiteSpace(sourceDateEpoch))
        {
            created = time.GetUtcNow();
        }
        else if (long.TryParse(sourceDateEpoch.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds <= DateTimeOffset.MaxValue.ToUnixTimeSeconds())
        {
            created = DateTimeOffset.FromUnixTimeSeconds(seconds);
        }
        else
        {
            // reproducible-builds.org: a malformed value should fail the build rather than be ignored.
            diagnostics.Add(Diagnostic.Error(ErrorCodes.SourceDateEpochInvalid, $"SOURCE_DATE_EPOCH is '{sourceDateEpoch}', which is not a whole number of seconds since 1970-01-01. Set it to a Unix timestamp such as the last commit's ('git log -1 --format=%ct'), or unset it.", projectFile));
            return null;
        }

        return created.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
    }

    private static void CheckSize(string what, long size, long limit, string property)
    {
        if (size > limit)
        {
            throw new SkillsOciException(ErrorCodes.MetadataTooLarge, $"The skill {what} would be {size} bytes; the limit is {limit}, which readers apply too. Shorten the SKILL.md frontmatter (description, metadata), or raise {property} only if every consumer raises it too.");
        }
    }

    private static void SwapIntoPlace(string temp, string destination)
    {
        if (File.Exists(destination))
        {
            throw new SkillsOciException(ErrorCodes.PackOutputFailed, $"'{destination}' is a file, where the skill image layout folder goes. Delete it or change SkillLayoutDirectory.");
        }

        // The destination always holds a complete layout (the old one or the new one) and no stale blob survives a re-pack.
        AtomicDirectory.Replace(temp, destination);
    }

    private static void AddIfKnown(SortedDictionary<string, string> annotations, string key, string? value)
    {
        if (value is not null)
        {
            annotations[key] = value;
        }
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
