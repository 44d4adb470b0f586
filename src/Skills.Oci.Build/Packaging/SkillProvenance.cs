using System.Text.Json;
using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Sigstore.Attestations;

namespace Skills.Oci.Build.Packaging;

/// <summary>
/// What a pushed skill's SLSA provenance says: who built it (<see cref="BuilderId"/>), from which source
/// (<see cref="SourceRepository"/> at <see cref="SourceRevision"/>: <c>SkillSourceRepository</c> /
/// <c>SkillSourceRevision</c>, else SourceLink's <c>RepositoryUrl</c> / <c>SourceRevisionId</c>) and the
/// build's parameters that shape the artifact.
/// </summary>
public sealed record SkillProvenanceInput
{
    /// <summary>The builder when the project names none: this SDK at <paramref name="version"/> (the running one, which hosts know), as a package URL.</summary>
    public static string DefaultBuilderId(string version) => "pkg:nuget/Skills.Oci.Sdk@" + version;

    public string? SourceRepository { get; init; }

    public string? SourceRevision { get; init; }

    public required string BuilderId { get; init; }

    /// <summary>The project file relative to the source repository's root, when known.</summary>
    public string? ProjectPath { get; init; }
}

/// <summary>
/// Writes the in-toto statement of a pushed skill with an SLSA v1 provenance predicate: the build type
/// of <c>PushSkill</c>, the external parameters (source, project, version, target repository, tags), the
/// source as a resolved dependency (<c>git+&lt;repository&gt;@&lt;revision&gt;</c>) and the builder. Restore's
/// <c>Provenance</c> policy reads the source from <c>externalParameters.workflow.repository</c>
/// (<see cref="SlsaProvenance"/>), as it reads GitHub's.
/// </summary>
public static class SkillProvenance
{
    public const string BuildType = "https://github.com/skills-oci/skills-oci/blob/main/docs/supply-chain.md#provenance";

    /// <summary>Checks the input before anything is pushed; throws SKOCI5221 / SKOCI5222.</summary>
    public static void Check(SkillProvenanceInput input, bool hasSigningKey, string projectFile)
    {
        if (!hasSigningKey)
        {
            throw new SkillsOciException(ErrorCodes.ProvenanceNeedsSigningKey,
                "SkillProvenance is true but SkillSigningKey is not set: a provenance statement is only worth something signed. Set SkillSigningKey (its password in SKILLS_OCI_SIGNING_PASSWORD).",
                projectFile);
        }

        if (string.IsNullOrWhiteSpace(input.SourceRepository))
        {
            throw new SkillsOciException(ErrorCodes.ProvenanceSourceUnknown,
                "SkillProvenance is true but the source repository is not known. Set SkillSourceRepository (and SkillSourceRevision), or build in a git repository with SourceLink (RepositoryUrl, SourceRevisionId).",
                projectFile);
        }
    }

    /// <summary>The predicate's JSON, written into the statement by <c>SigstoreBundleSigner.SignStatement</c>.</summary>
    public static void WritePredicate(Utf8JsonWriter writer, SkillProvenanceInput input, ImageReference repository, string version, IReadOnlyList<string> tags, DateTimeOffset startedOn)
    {
        var source = SlsaProvenanceRepository(input.SourceRepository!);
        writer.WriteStartObject();
        writer.WriteStartObject("buildDefinition");
        writer.WriteString("buildType", BuildType);
        writer.WriteStartObject("externalParameters");
        writer.WriteStartObject("workflow");
        writer.WriteString("repository", source);
        if (!string.IsNullOrWhiteSpace(input.SourceRevision))
        {
            writer.WriteString("ref", input.SourceRevision);
        }

        if (!string.IsNullOrWhiteSpace(input.ProjectPath))
        {
            writer.WriteString("path", input.ProjectPath);
        }

        writer.WriteEndObject();
        writer.WriteString("version", version);
        writer.WriteString("repository", repository.RepositoryName);
        writer.WriteStartArray("tags");
        foreach (var tag in tags)
        {
            writer.WriteStringValue(tag);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.WriteStartArray("resolvedDependencies");
        writer.WriteStartObject();
        writer.WriteString("uri", "git+" + source + (string.IsNullOrWhiteSpace(input.SourceRevision) ? string.Empty : "@" + input.SourceRevision));
        if (IsGitCommit(input.SourceRevision))
        {
            writer.WriteStartObject("digest");
            writer.WriteString("gitCommit", input.SourceRevision!.ToLowerInvariant());
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.WriteStartObject("runDetails");
        writer.WriteStartObject("builder");
        writer.WriteString("id", input.BuilderId);
        writer.WriteEndObject();
        writer.WriteStartObject("metadata");
        writer.WriteString("startedOn", startedOn.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture));
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>SourceLink may give <c>git@host:org/repo.git</c>; the provenance names an https URL without <c>.git</c>.</summary>
    private static string SlsaProvenanceRepository(string repository)
    {
        var value = repository.Trim();
        if (value.StartsWith("git@", StringComparison.Ordinal) && value.IndexOf(':', StringComparison.Ordinal) is var colon and > 4)
        {
            value = "https://" + value[4..colon] + "/" + value[(colon + 1)..];
        }

        value = value.TrimEnd('/');
        return value.EndsWith(".git", StringComparison.OrdinalIgnoreCase) ? value[..^4] : value;
    }

    private static bool IsGitCommit(string? revision) =>
        revision is { Length: 40 or 64 } && revision.All(Uri.IsHexDigit);
}
