using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Format;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Registry;
using Skills.Oci.Build.Restore;

namespace Skills.Oci.Build.Packaging;

/// <summary>What to publish as a collection: where, under which tags, named how, and its members as written.</summary>
public sealed record SkillCollectionPublishRequest
{
    /// <summary><c>SkillRepository</c>: where the index goes.</summary>
    public required string? Repository { get; init; }

    /// <summary><c>Version</c>: the index's first tag and its <c>org.opencontainers.image.version</c>.</summary>
    public required string? Version { get; init; }

    public IReadOnlyList<string> AdditionalTags { get; init; } = [];

    /// <summary><c>io.agentskills.collection.name</c>; defaults to the repository's last segment.</summary>
    public string? Name { get; init; }

    public string? Description { get; init; }

    public string? RepositoryUrl { get; init; }

    public string? SourceRevisionId { get; init; }

    /// <summary><c>SOURCE_DATE_EPOCH</c>, which fixes <c>created</c> and so the index digest.</summary>
    public string? SourceDateEpoch { get; init; }

    public required IReadOnlyList<SkillCollectionMemberInput> Members { get; init; }

    /// <summary>Skill projects whose pushed reference becomes a member once they are pushed (validation counts them).</summary>
    public IReadOnlyList<string> ReferencedProjects { get; init; } = [];

    /// <summary>Where problems without a better place point (the project file; empty on the command line).</summary>
    public string ProjectFile { get; init; } = string.Empty;
}

/// <summary>A collection checked offline: target, name, created, and every member parsed.</summary>
public sealed record SkillCollectionPlan(PublishTarget Target, string Name, string Created, IReadOnlyList<SkillCollectionMemberSpec> Members);

/// <summary>One member resolved: its entry in the index, and where its manifest lives.</summary>
public sealed record ResolvedCollectionMember(SkillCollectionMemberSpec Spec, SkillCollectionEntry Entry);

/// <summary>What a collection push did.</summary>
public sealed record SkillCollectionPublishResult(ImageReference Reference, Descriptor Index, IReadOnlyList<string> Tags, IReadOnlyList<ResolvedCollectionMember> Members, int MembersCopied)
{
    public IReadOnlyList<Diagnostic> Warnings { get; init; } = [];

    /// <summary>The line both hosts print.</summary>
    public string Summary =>
        $"Pushed collection {Name} {Reference} (tags: {string.Join(", ", Tags)}; {Members.Count} skill(s): {string.Join(", ", Members.Select(m => m.Entry.Name))}" +
        (MembersCopied > 0 ? $"; {MembersCopied} copied into {Reference.RepositoryName}" : string.Empty) + ")";

    public string Name { get; init; } = string.Empty;
}

/// <summary>
/// Publishes a collection (docs/collections.md): each member resolved as a SkillReference with the same
/// Include and Version resolves (<see cref="ResolutionRule"/> over the repository's tags), pinned by the
/// digest it resolves to and checked to be a skill manifest, then listed in one OCI index
/// (<see cref="SkillCollectionIndexWriter"/>) pushed under the Version and the additional tags.
/// A registry that validates index children (distribution answers 400 MANIFEST_BLOB_UNKNOWN) refuses an
/// index whose members live in other repositories; the members are then copied into the collection's
/// repository (blobs mounted where the registry allows) and the push retried. Trying first costs one
/// refused request and copies nothing on registries that accept dangling children (GHCR).
/// </summary>
public sealed class SkillCollectionPublisher(RegistryClient client, TimeProvider? time = null)
{
    private const string ChildrenMissing = "MANIFEST_BLOB_UNKNOWN";

    /// <summary>Everything that can be checked without a registry; what <c>dotnet pack</c> of a collection project reports.</summary>
    public static (SkillCollectionPlan? Plan, IReadOnlyList<Diagnostic> Diagnostics) Validate(SkillCollectionPublishRequest request, TimeProvider? time = null)
    {
        var diagnostics = new List<Diagnostic>();
        PublishTarget? target = null;
        try
        {
            target = PublishTarget.Parse(request.Repository, request.Version, request.AdditionalTags, request.ProjectFile);
        }
        catch (SkillsOciException ex)
        {
            diagnostics.Add(ex.Diagnostic);
        }

        var name = string.IsNullOrWhiteSpace(request.Name) ? target?.Repository.Repository.Split('/')[^1] : request.Name.Trim();
        if (name is not null && !SkillName.TryParse(name, SkillNameInput.Authored, out _))
        {
            diagnostics.Add(Diagnostic.Error(ErrorCodes.CollectionNameInvalid,
                $"The collection name '{name}' is not usable: {string.Join(" ", SkillName.FindProblems(name, SkillNameInput.Authored))} Set SkillCollectionName (or --name) to a name such as 'dev-tools'.",
                NonEmpty(request.ProjectFile)));
        }

        var members = new List<SkillCollectionMemberSpec>();
        foreach (var input in request.Members)
        {
            try
            {
                members.Add(SkillCollectionMemberSpec.Parse(input, NonEmpty(request.ProjectFile)));
            }
            catch (SkillsOciException ex)
            {
                diagnostics.Add(ex.Diagnostic);
            }
        }

        if (request.Members.Count == 0 && request.ReferencedProjects.Count == 0)
        {
            diagnostics.Add(Diagnostic.Error(ErrorCodes.CollectionEmpty,
                "The collection lists no skill. Add SkillCollectionMember items (<SkillCollectionMember Include=\"ghcr.io/acme/skills/pdf\" Version=\"1.2.0\" />) or ProjectReferences to skill projects (on the command line: --skill REF).",
                NonEmpty(request.ProjectFile)));
        }

        foreach (var twice in members.GroupBy(m => m.Repository.RepositoryName, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            var second = twice.Skip(1).First();
            diagnostics.Add(Diagnostic.Error(ErrorCodes.CollectionMemberDuplicate,
                $"The collection lists {twice.Key} more than once ({string.Join(", ", twice.Select(m => m.Display))}). List each skill once.",
                second.Input.File, second.Input.Line));
        }

        var created = SkillPackager.ParseCreated(request.SourceDateEpoch, time ?? TimeProvider.System, NonEmpty(request.ProjectFile), diagnostics);
        if (target is null || name is null || created is null || diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error))
        {
            return (null, diagnostics);
        }

        return (new SkillCollectionPlan(target, name, created, members), diagnostics);
    }

    public async Task<SkillCollectionPublishResult> PublishAsync(SkillCollectionPublishRequest request, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var (plan, diagnostics) = Validate(request, time);
        if (plan is null)
        {
            throw new SkillsOciException(diagnostics.First(d => d.Severity == DiagnosticSeverity.Error));
        }

        var members = new List<ResolvedCollectionMember>();
        foreach (var member in plan.Members)
        {
            members.Add(await ResolveAsync(member, progress, cancellationToken).ConfigureAwait(false));
        }

        foreach (var twice in members.GroupBy(m => m.Entry.Name, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            throw new SkillsOciException(ErrorCodes.CollectionMemberDuplicate,
                $"Two members of the collection are the skill '{twice.Key}': {string.Join(" and ", twice.Select(m => m.Spec.Display))}. A collection installs each skill name once; list one of them.",
                twice.Last().Spec.Input.File, twice.Last().Spec.Input.Line);
        }

        var index = SkillCollectionIndexWriter.Write(
            new SkillCollectionIndexMetadata
            {
                Name = plan.Name,
                Created = plan.Created,
                Version = plan.Target.Version.Text,
                Description = NonEmpty(request.Description),
                Source = NonEmpty(request.RepositoryUrl),
                Revision = NonEmpty(request.SourceRevisionId),
            },
            members.Select(m => m.Entry).ToList());
        var digest = Digest.ComputeSha256(index);
        var repository = plan.Target.Repository;
        var warnings = await plan.Target.MovedTagsAsync(client, digest, request.ProjectFile, cancellationToken).ConfigureAwait(false);

        var copied = 0;
        var tags = plan.Target.Tags;
        try
        {
            await client.PushManifestAsync(repository, tags[0], index, MediaTypes.OciIndex, cancellationToken).ConfigureAwait(false);
        }
        catch (RegistryException ex) when (ex.ErrorCode == ChildrenMissing && members.Any(m => !InRepository(m, repository)))
        {
            var elsewhere = members.Where(m => !InRepository(m, repository)).ToList();
            progress?.Report($"{repository.Registry} refuses an index whose skills live in other repositories ({ChildrenMissing}); copying {elsewhere.Count} skill manifest(s) into {repository.RepositoryName}, then pushing again");
            foreach (var member in elsewhere)
            {
                var result = await new ManifestCopier(client).CopyAsync(member.Spec.Repository, member.Entry.Manifest, repository, cancellationToken).ConfigureAwait(false);
                progress?.Report($"copied {member.Entry.Name} ({member.Entry.Manifest.Digest}) from {member.Spec.Repository.RepositoryName}: {result.BlobsMounted} blob(s) mounted, {result.BlobsUploaded} uploaded, {result.BlobsPresent} already there");
                copied++;
            }

            await client.PushManifestAsync(repository, tags[0], index, MediaTypes.OciIndex, cancellationToken).ConfigureAwait(false);
        }

        progress?.Report($"tagged {repository.RepositoryName}:{tags[0]}");
        foreach (var tag in tags.Skip(1))
        {
            await client.PushManifestAsync(repository, tag, index, MediaTypes.OciIndex, cancellationToken).ConfigureAwait(false);
            progress?.Report($"tagged {repository.RepositoryName}:{tag}");
        }

        var descriptor = new Descriptor { MediaType = MediaTypes.OciIndex, ArtifactType = MediaTypes.SkillCollection, Digest = digest, Size = index.Length };
        return new SkillCollectionPublishResult(repository.WithTag(tags[0]).WithDigest(digest), descriptor, tags, members, copied)
        {
            Warnings = warnings,
            Name = plan.Name,
        };
    }

    /// <summary>Resolves one member as restore resolves a SkillReference, and checks it is a skill manifest.</summary>
    private async Task<ResolvedCollectionMember> ResolveAsync(SkillCollectionMemberSpec member, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var requests = new[] { member.Request };
        var tags = ResolutionRule.NeedsTags(requests) ? await client.ListTagsAsync(member.Repository, cancellationToken).ConfigureAwait(false) : null;
        var choice = ResolutionRule.Choose(requests, tags, out _);
        if (choice is null)
        {
            var spec = member.Request.ToSpec();
            var nearest = spec?.NearestTags(tags ?? []) ?? [];
            throw new SkillsOciException(ErrorCodes.CollectionMemberUnresolved,
                $"No tag of {member.Repository.RepositoryName} satisfies {(spec?.Range is null ? $"the tag '{spec?.Text}'" : $"Version '{spec.Text}'")} of the collection member {member.Display}. " +
                (nearest.Count == 0 ? "The repository has no version tags." : $"Available versions: {string.Join(", ", nearest)}.") +
                " Change the member's Version.",
                member.Input.File, member.Input.Line);
        }

        var at = member.Repository.WithTag(choice.Tag.Length > 0 ? choice.Tag : null).WithDigest(choice.PinnedDigest);
        var display = at.ToString();
        var content = await client.FetchManifestAsync(at, cancellationToken).ConfigureAwait(false);
        SkillManifest skill;
        try
        {
            skill = SkillArtifactReader.ReadManifest(content.Bytes, display, client.Options.Limits);
        }
        catch (SkillsOciException ex) when (ex.Code is ErrorCodes.NotASkillArtifact or ErrorCodes.SkillLayerCount or ErrorCodes.SkillReferenceIsIndex)
        {
            throw new SkillsOciException(ErrorCodes.CollectionMemberNotASkill,
                $"The collection member {member.Display} is not a skill: {ex.Message} A collection lists skill manifests only.",
                member.Input.File, member.Input.Line, ex);
        }

        var manifest = skill.Manifest;
        var name = manifest.GetAnnotation(AnnotationKeys.SkillName) ?? manifest.GetAnnotation(AnnotationKeys.Title);
        if (name is null || !SkillName.TryParse(name, SkillNameInput.Stored, out _))
        {
            throw new SkillsOciException(ErrorCodes.CollectionMemberNotASkill,
                $"The collection member {member.Display} ({content.Descriptor.Digest}) does not name its skill ({AnnotationKeys.SkillName} is {(name is null ? "missing" : $"'{name}'")}). Push it again with a current tool.",
                member.Input.File, member.Input.Line);
        }

        // The canonical tag reference: the tag chosen, else (a bare digest) the version the skill says it is.
        var tag = choice.Tag.Length > 0 ? choice.Tag : manifest.GetAnnotation(AnnotationKeys.Version) is { } v && Tag.IsValid(v) ? v : null;
        var entry = new SkillCollectionEntry(
            content.Descriptor with { ArtifactType = MediaTypes.SkillArtifact },
            name,
            member.Repository.WithTag(tag),
            manifest.GetAnnotation(AnnotationKeys.Version),
            manifest.GetAnnotation(AnnotationKeys.Description));
        progress?.Report($"resolved {member.Display} to {name} {entry.Reference} ({content.Descriptor.Digest})");
        return new ResolvedCollectionMember(member, entry);
    }

    private static bool InRepository(ResolvedCollectionMember member, ImageReference repository) =>
        member.Spec.Repository.RepositoryName == repository.RepositoryName;

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
