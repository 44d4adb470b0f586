using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Format;
using Skills.Oci.Build.Oci;

namespace Skills.Oci.Build.Restore;

/// <summary>What a group resolved to, and the tag chosen: one skill (<see cref="ResolvedSkill"/>) or a collection index.</summary>
public abstract record ResolvedTarget(SkillGroup Group, string Tag);

/// <summary>A skill group resolved against the source: the artifact it resolves to and the tag chosen.</summary>
public sealed record ResolvedSkill(SkillGroup Group, SkillArtifact Artifact, string Tag) : ResolvedTarget(Group, Tag);

/// <summary>A group whose tag or digest is not one skill but an index or manifest that may be a collection, with its verified bytes; <see cref="SkillGraph"/> expands it.</summary>
public sealed record ResolvedIndex(SkillGroup Group, string Tag, Descriptor Descriptor, byte[] Bytes, SkillsOciException NotASkill) : ResolvedTarget(Group, Tag);

/// <summary>
/// The second phase: resolves the groups the lock does not answer, through the source, with
/// <see cref="ResolutionRule"/> over every project's request. A tag the lock already pins to a digest
/// keeps that digest unless UpdateSkills asked (then a moved tag is a warning naming both digests).
/// </summary>
public sealed class SkillResolver(ISkillSource source, SkillContentReader reader, OciLimits limits, string projectPath, string projectKey)
{
    public async Task<ResolvedTarget> ResolveAsync(SkillGroup group, ICollection<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        IReadOnlyList<string>? tags = null;
        if (ResolutionRule.NeedsTags(group.Requests))
        {
            tags = await source.ListTagsAsync(group.Repository, cancellationToken).ConfigureAwait(false);
        }

        var choice = ResolutionRule.Choose(group.Requests, tags, out var conflict) ?? throw NoChoice(group, tags, conflict);
        if (tags is not null && group.Own?.Spec is { } ownSpec && NotExactWarning(group, ownSpec, tags) is { } warning)
        {
            diagnostics.Add(warning);
        }

        Descriptor? descriptor = null;
        byte[]? manifestBytes = null;
        Digest digest;
        var locked = group.Entry?.RegistrySource;
        if (choice.PinnedDigest is { } pinned)
        {
            digest = pinned;
        }
        else if (!group.UpdateRequested && locked is not null && locked.Tag == choice.Tag)
        {
            // The lock pinned this tag already: a tag pushed again does not change what the root gets.
            digest = locked.Digest;
        }
        else
        {
            (descriptor, manifestBytes) = await source.FetchTaggedManifestAsync(group.Repository.WithTag(choice.Tag), limits, cancellationToken).ConfigureAwait(false);
            if (!MediaTypes.IsIndex(descriptor.MediaType))
            {
                SkillArtifactReader.CheckManifestDescriptor(descriptor, Display(group.Repository, choice.Tag), limits);
            }

            digest = descriptor.Digest;
            if (locked is not null && locked.Tag == choice.Tag && locked.Digest != digest)
            {
                diagnostics.Add(Diagnostic.Warning(ErrorCodes.TagMoved,
                    $"The tag '{choice.Tag}' of {group.Display} now points at {digest}, not at {locked.Digest} as the lock recorded; the skill is updated to the new digest. Review the change before you commit {LockFile.FileName}.",
                    projectPath));
            }
        }

        SkillArtifact artifact;
        try
        {
            artifact = await reader.ReadArtifactAsync(group.Repository, digest, descriptor, Display(group.Repository, choice.Tag, digest), cancellationToken, manifestBytes).ConfigureAwait(false)
                       ?? throw new InvalidOperationException("An online reader returned no artifact.");
        }
        catch (SkillsOciException ex) when (ex.Diagnostic.Code is ErrorCodes.SkillReferenceIsIndex or ErrorCodes.NotASkillArtifact)
        {
            // Not one skill: perhaps a collection. Skills never pay for this check; the graph decides, and reports ex when it is not one either.
            if (descriptor is null || manifestBytes is not { Length: > 0 })
            {
                (descriptor, manifestBytes) = await source.FetchTaggedManifestAsync(group.Repository.WithDigest(digest), limits, cancellationToken).ConfigureAwait(false);
            }

            return new ResolvedIndex(group, choice.Tag, descriptor, manifestBytes, ex);
        }

        if (group.Requests.FirstOrDefault(r => r.Skills is not null) is { } subset)
        {
            throw new SkillsOciException(ErrorCodes.SkillsSubsetOnSkill,
                $"The SkillReference {group.Display} sets Skills=\"{subset.Skills}\" (in '{subset.Project}'), but it resolves to the skill '{artifact.Name}', not to a collection. Remove the Skills metadata.",
                group.Own?.ProjectFile ?? projectPath);
        }

        return new ResolvedSkill(group, artifact, choice.Tag);
    }

    /// <summary>
    /// SKOCI3003, as NuGet's NU1603: only for this project's own inclusive minimum that has no tag of its
    /// own (an exclusive bound, a float or another project's higher request is no reason to warn).
    /// </summary>
    private static Diagnostic? NotExactWarning(SkillGroup group, VersionSpec spec, IReadOnlyList<string> tags)
    {
        if (spec.Range is not { HasLowerBound: true, IsMinInclusive: true, IsFloating: false } range)
        {
            return null;
        }

        var own = spec.Select(tags);
        if (own is null || own.IsExactMatch)
        {
            return null;
        }

        return Diagnostic.Warning(ErrorCodes.SkillVersionNotExactMatch,
            $"The skill {group.Display} has no version {range.MinVersion}; the nearest higher version, '{own.Tag}', satisfies Version '{spec.Text}'. Set Version to '{own.Version}' to silence this.",
            group.Own!.ProjectFile);
    }

    private SkillsOciException NoChoice(SkillGroup group, IReadOnlyList<string>? tags, string conflict)
    {
        var others = group.Requests.Where(r => r.Project != projectKey).ToList();
        if (others.Count == 0 && group.Own is { Spec: { } spec })
        {
            var nearest = spec.NearestTags(tags ?? []);
            var kind = spec.Range is null ? $"the tag '{spec.Text}'" : $"Version '{spec.Text}'";
            return new SkillsOciException(ErrorCodes.NoMatchingSkillVersion,
                $"No tag of {group.Display} satisfies {kind}. " +
                (nearest.Count == 0 ? "The repository has no version tags." : $"{(spec.Range is null ? "Newest" : "Nearest")} available versions: {string.Join(", ", nearest)}.") +
                " Change the SkillReference's Version.", group.Own.ProjectFile);
        }

        var asks = string.Join("; ", group.Requests.Select(r => $"'{r.Project}' asks {r.Display}"));
        return new SkillsOciException(ErrorCodes.IncompatibleSkillRequests,
            $"Incompatible requests for the skill {group.Display}: {asks}; {conflict}. Make the SkillReference items agree (one source, overlapping versions).",
            group.Own?.ProjectFile ?? projectPath);
    }

    internal static string Display(ImageReference repository, string tag, Digest? digest = null) =>
        repository.RepositoryName + (tag.Length > 0 ? ":" + tag : string.Empty) + (digest is null ? string.Empty : "@" + digest);
}
