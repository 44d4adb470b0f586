using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Registry;

namespace Skills.Oci.Build.Packaging;

/// <summary>
/// Where a publish goes and under which tags, checked before the first request; shared by the skill
/// publisher and the collection publisher so both refuse the same repositories and tags with the same codes.
/// </summary>
public sealed record PublishTarget(ImageReference Repository, SkillVersion Version, IReadOnlyList<string> Tags)
{
    /// <summary>Parses <c>SkillRepository</c>, the Version (which must be usable as a tag) and the additional tags; throws the first problem.</summary>
    public static PublishTarget Parse(string? repository, string? version, IEnumerable<string> additionalTags, string projectFile)
    {
        var parsed = ParseRepository(repository, projectFile);
        if (!SkillVersion.TryParse(version, projectFile, out var skillVersion, out var versionProblem))
        {
            throw new SkillsOciException(versionProblem!);
        }

        if (skillVersion!.CheckUsableAsRegistryTag(projectFile) is { } tagProblem)
        {
            throw new SkillsOciException(tagProblem);
        }

        var tags = new List<string> { skillVersion.Text };
        foreach (var tag in additionalTags.Select(t => t.Trim()).Where(t => t.Length > 0))
        {
            if (!Tag.IsValid(tag))
            {
                throw new SkillsOciException(ErrorCodes.SkillTagInvalid,
                    $"SkillAdditionalTags holds '{tag}', which is not a valid OCI tag (letters, digits, '_', '.', '-'; at most 128 characters, not starting with '.' or '-').",
                    projectFile);
            }

            if (!tags.Contains(tag, StringComparer.Ordinal))
            {
                tags.Add(tag);
            }
        }

        return new PublishTarget(parsed, skillVersion, tags);
    }

    /// <summary>
    /// A tag that already names another manifest is moved by the push: consumers whose lock pins the old
    /// digest keep it, but a new restore gets the new one, so the publisher is told (which tags, both digests).
    /// </summary>
    public async Task<IReadOnlyList<Diagnostic>> MovedTagsAsync(RegistryClient client, Digest pushed, string projectFile, CancellationToken cancellationToken)
    {
        var warnings = new List<Diagnostic>();
        foreach (var tag in Tags)
        {
            Descriptor existing;
            try
            {
                existing = await client.ResolveAsync(Repository.WithTag(tag), cancellationToken).ConfigureAwait(false);
            }
            catch (RegistryException ex) when (ex.Kind is RegistryErrorKind.NotFound or RegistryErrorKind.Unauthorized or RegistryErrorKind.Denied)
            {
                // Not there yet, or not readable with pull credentials (CI may hold push credentials only): nothing to warn about.
                continue;
            }

            if (existing.Digest != pushed)
            {
                warnings.Add(Diagnostic.Warning(ErrorCodes.TagMovedByPush,
                    $"The tag '{tag}' of {Repository.RepositoryName} named {existing.Digest}; this push moves it to {pushed}. Projects whose lock pins the old digest keep it; new restores get the new one. Publish a new Version instead of pushing one again.",
                    projectFile));
            }
        }

        return warnings;
    }

    /// <summary>
    /// A command line's <c>registry/repository:version</c> split into the repository and the version (the
    /// tag, which must be there; no digest). <paramref name="context"/> ends the message (what is pushed).
    /// </summary>
    public static (string Repository, string Version) SplitReference(string text, string context)
    {
        if (!ImageReference.TryParse(text.Trim(), out var reference, out var error))
        {
            throw new SkillsOciException(ErrorCodes.PushReferenceInvalid, $"'{text}' is not a valid OCI reference: {error.TrimEnd('.')}. Use registry/repository:version, for example ghcr.io/acme/skills/pdf:1.0.0.");
        }

        if (reference!.Digest is not null || reference.Tag is null)
        {
            throw new SkillsOciException(ErrorCodes.PushReferenceInvalid,
                $"'{text}' {(reference.Digest is not null ? "names a digest" : "has no tag")}; push needs registry/repository:version, whose tag is the SemVer version (for example {reference.RepositoryName}:1.0.0). Add more tags with --tag. {context}".TrimEnd());
        }

        return (reference.RepositoryName, reference.Tag);
    }

    private static ImageReference ParseRepository(string? value, string projectFile)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new SkillsOciException(ErrorCodes.SkillRepositoryMissing,
                "SkillRepository is not set. Set it in the project to the repository to publish to, for example <SkillRepository>ghcr.io/acme/skills/my-skill</SkillRepository>.",
                projectFile);
        }

        if (!ImageReference.TryParse(value.Trim(), out var reference, out var reason))
        {
            throw new SkillsOciException(ErrorCodes.SkillRepositoryInvalid, $"SkillRepository '{value}' is not a valid OCI repository: {reason}.", projectFile);
        }

        if (reference!.Tag is not null || reference.Digest is not null)
        {
            throw new SkillsOciException(ErrorCodes.SkillRepositoryInvalid,
                $"SkillRepository '{value}' names a tag or digest; give the repository only. The tag is the project's Version, plus SkillAdditionalTags.",
                projectFile);
        }

        return reference;
    }
}
