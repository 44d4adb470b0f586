using System.Collections.Immutable;
using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Format;
using Skills.Oci.Build.Oci;

namespace Skills.Oci.Build.Restore;

/// <summary>One skill a collection installs: the artifact read by the digest the collection pins, the tag of its ref, and the collections it was found through.</summary>
public sealed record CollectionMemberSkill(SkillArtifact Artifact, string Tag, IReadOnlyList<string> Via)
{
    /// <summary>The nested collections it was found through (outermost first), each by the index digest read; empty for a direct member.</summary>
    public IReadOnlyList<NestedCollectionLockEntry> Through { get; init; } = [];

    /// <summary>For messages: <c>the collection 'dev-tools' (registry/repo)</c>, with the nested collections it came through.</summary>
    public string Origin(string collectionDisplay) =>
        $"the collection '{Via[0]}' ({collectionDisplay}){(Via.Count > 1 ? " through " + string.Join(" > ", Via.Skip(1).Select(v => $"'{v}'")) : string.Empty)}";
}

/// <summary>A group that resolved to a collection: the index (tag and digest), the collection's name and the members to install.</summary>
public sealed record ResolvedCollectionIndex(SkillGroup Group, string Tag, Digest Digest, string Name, IReadOnlyList<CollectionMemberSkill> Members) : ResolvedTarget(Group, Tag);

/// <summary>
/// The expansion stage of a restore: turns what resolution found into the skills the root installs. A
/// collection (an OCI index with the collection artifactType in any dialect, or skillimage's YAML
/// artifact, read by <see cref="SkillCollectionReader"/>) becomes its members, each read by
/// <c>&lt;repository of its ref&gt;@&lt;pinned digest&gt;</c> (never by tag) and checked as a skill; a
/// member may itself be a collection, to <see cref="MaxCollectionDepth"/> levels.
/// </summary>
public sealed partial class SkillGraph(ISkillSource source, SkillContentReader reader, OciLimits limits, int parallelism, string projectPath)
{
    /// <summary>How deep collections may nest: a collection, the collections it lists, and theirs.</summary>
    public const int MaxCollectionDepth = 3;

    /// <summary>Expands a group whose target is not one skill; rethrows the resolver's error when it is no collection either.</summary>
    public async Task<ResolvedCollectionIndex> ExpandAsync(ResolvedIndex index, ICollection<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        var group = index.Group;
        var display = SkillResolver.Display(group.Repository, index.Tag, index.Descriptor.Digest);
        var collection = await ReadAsync(group.Repository, index.Descriptor, index.Bytes, display, diagnostics, cancellationToken).ConfigureAwait(false) ?? throw NeitherSkillNorCollection(index);
        var name = collection.Name;
        var members = await ExpandMembersAsync(collection, group.Repository, [name], [index.Descriptor.Digest], 1, display, diagnostics, cancellationToken).ConfigureAwait(false);
        return new ResolvedCollectionIndex(group, index.Tag, index.Descriptor.Digest, name, Subset(group, name, members));
    }

    private async Task<IReadOnlyList<CollectionMemberSkill>> ExpandMembersAsync(SkillCollection collection, ImageReference repository, IReadOnlyList<string> via,
        ImmutableList<Digest> ancestors, int depth, string display, ICollection<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        var outcomes = await BoundedConcurrency.RunAsync(collection.Members, parallelism, async (member, ct) =>
        {
            var warnings = new List<Diagnostic>();
            var found = await ExpandMemberAsync(member, repository, via, ancestors, depth, display, warnings, ct).ConfigureAwait(false);
            return (Found: found, Warnings: warnings);
        }, cancellationToken).ConfigureAwait(false);

        // Every failing member is reported, in the collection's order whichever finished first (a nested collection's in its place).
        var failed = outcomes.Where(o => o.Error is not null).ToList();
        if (failed.Count == 1)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failed[0].Error!);
        }

        if (failed.Count > 1)
        {
            throw new RestoreFailuresException(failed.SelectMany(o => RestoreErrors.ToDiagnostics(o.Error!, projectPath)).ToList());
        }

        foreach (var warning in outcomes.SelectMany(o => o.Result.Warnings))
        {
            diagnostics.Add(warning);
        }

        return outcomes.SelectMany(o => o.Result.Found).ToList();
    }

    private async Task<IReadOnlyList<CollectionMemberSkill>> ExpandMemberAsync(SkillCollectionMember member, ImageReference repository, IReadOnlyList<string> via,
        ImmutableList<Digest> ancestors, int depth, string display, ICollection<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        var (memberRepository, tag) = Locate(member, repository);
        // A pinned digest is what the collection means; only a skillimage entry without one resolves its tag.
        var digest = member.Digest ?? (await source.ResolveAsync(memberRepository.WithTag(tag), cancellationToken).ConfigureAwait(false)).Digest;
        var memberDisplay = SkillResolver.Display(memberRepository, tag, digest);
        if (ancestors.Contains(digest))
        {
            throw new SkillsOciException(ErrorCodes.CollectionCycle,
                $"The collection '{via[^1]}' lists {memberDisplay}, which is a collection that contains it ({string.Join(" > ", via.Select(v => $"'{v}'"))} > back). Remove the cycle from the collections.",
                projectPath);
        }

        if (!member.IsIndex)
        {
            try
            {
                var artifact = await reader.ReadArtifactAsync(memberRepository, digest, null, memberDisplay, cancellationToken).ConfigureAwait(false)
                               ?? throw new InvalidOperationException("An online reader returned no artifact.");
                return [new CollectionMemberSkill(artifact, tag, via)];
            }
            catch (SkillsOciException ex) when (ex.Diagnostic.Code is ErrorCodes.SkillReferenceIsIndex or ErrorCodes.NotASkillArtifact)
            {
                return await ExpandNestedAsync(memberRepository, digest, tag, memberDisplay, ex, via, ancestors, depth, diagnostics, cancellationToken).ConfigureAwait(false);
            }
        }

        return await ExpandNestedAsync(memberRepository, digest, tag, memberDisplay, null, via, ancestors, depth, diagnostics, cancellationToken).ConfigureAwait(false);
    }

    private async Task<IReadOnlyList<CollectionMemberSkill>> ExpandNestedAsync(ImageReference repository, Digest digest, string tag, string display, SkillsOciException? notASkill,
        IReadOnlyList<string> via, ImmutableList<Digest> ancestors, int depth, ICollection<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        var (descriptor, bytes) = await source.FetchTaggedManifestAsync(repository.WithDigest(digest), limits, cancellationToken).ConfigureAwait(false);
        if (descriptor.Digest != digest)
        {
            throw new RegistryException(RegistryErrorKind.DigestMismatch, $"Digest mismatch for '{display}': asked for {digest}, the source answered {descriptor.Digest}.");
        }

        var nested = await ReadAsync(repository, descriptor, bytes, display, diagnostics, cancellationToken).ConfigureAwait(false);
        if (nested is null)
        {
            throw notASkill ?? new SkillsOciException(ErrorCodes.NotASkillArtifact, $"'{display}' is listed as a collection by '{via[^1]}', but it is neither a collection nor a skill. Ask its publisher to fix the collection.", projectPath);
        }

        var name = nested.Name;
        if (depth >= MaxCollectionDepth)
        {
            throw new SkillsOciException(ErrorCodes.CollectionTooDeep,
                $"Collections nest deeper than {MaxCollectionDepth} levels: {string.Join(" > ", via.Append(name).Select(v => $"'{v}'"))}. Reference a collection nearer to its skills.",
                projectPath);
        }

        var members = await ExpandMembersAsync(nested, repository, [.. via, name], ancestors.Add(digest), depth + 1, display, diagnostics, cancellationToken).ConfigureAwait(false);
        var through = new NestedCollectionLockEntry(name, new RegistryLockSource(repository.Registry, repository.Repository, tag, digest));
        return members.Select(m => m with { Through = [through, .. m.Through] }).ToList();
    }

    /// <summary>
    /// A collection whose repository a <c>SkillTrustPolicy</c> matches must have a signature on its index
    /// that the policy accepts (found as for a skill, by the index digest): each one resolved now, and
    /// each locked one in <paramref name="locked"/> (the caller passes them when the policies changed, as
    /// locked skills are verified again then). Its members are checked by their own repositories when
    /// they are staged.
    /// </summary>
    public static async Task CheckTrustAsync(SkillTrustGate gate, IEnumerable<ResolvedCollectionIndex> collections, IEnumerable<CollectionLockEntry> locked, CancellationToken cancellationToken)
    {
        var subjects = collections.Select(c => (c.Name, c.Group.Repository, c.Digest, Display: $"{c.Group.Display}@{c.Digest}"))
            .Concat(locked.Select(c => (c.Name, Repository: ImageReference.Create(c.Source.Registry, c.Source.Repository), c.Source.Digest, Display: c.Source.Ref)));
        foreach (var (name, repository, digest, display) in subjects.Where(c => gate.Covers(c.Repository)))
        {
            try
            {
                await gate.CheckAsync(name, repository, digest, preferSnapshot: false, cancellationToken).ConfigureAwait(false);
            }
            catch (SkillsOciException ex)
            {
                throw new SkillsOciException(ex.Diagnostic with
                {
                    Code = ErrorCodes.CollectionNotSigned,
                    Message = $"The collection '{name}' ({display}) is covered by a SkillTrustPolicy, so its index must be signed: {ex.Diagnostic.Message} ({ex.Diagnostic.Code}). Sign the collection index, or narrow the policy's Include to the skills' repositories.",
                });
            }
        }
    }

    /// <summary>The members every request asks for: all of them when one request names no subset, else the union of the subsets.</summary>
    private IReadOnlyList<CollectionMemberSkill> Subset(SkillGroup group, string name, IReadOnlyList<CollectionMemberSkill> members)
    {
        if (group.Requests.Any(r => r.Skills is null))
        {
            return members;
        }

        var wanted = group.Requests.SelectMany(r => r.SkillNames!).ToHashSet(StringComparer.Ordinal);
        var known = members.Select(m => m.Artifact.Name).ToHashSet(StringComparer.Ordinal);
        var unknown = group.Requests.SelectMany(r => r.SkillNames!.Where(n => !known.Contains(n)).Select(n => (Name: n, r.Project))).ToList();
        if (unknown.Count > 0)
        {
            throw new SkillsOciException(ErrorCodes.UnknownCollectionMember,
                $"The collection '{name}' ({group.Display}) has no skill {string.Join(", ", unknown.Select(u => $"'{u.Name}' (asked by '{u.Project}')"))}. Its members are: {string.Join(", ", known.Order(StringComparer.Ordinal))}. Fix the Skills metadata of the SkillReference.",
                group.Own?.ProjectFile ?? projectPath);
        }

        return members.Where(m => wanted.Contains(m.Artifact.Name)).ToList();
    }

    /// <summary>An index that is no collection either (a container image's index, say): SKOCI3005 says both were looked for.</summary>
    private static SkillsOciException NeitherSkillNorCollection(ResolvedIndex index) =>
        index.NotASkill.Code != ErrorCodes.SkillReferenceIsIndex ? index.NotASkill
        : new SkillsOciException(index.NotASkill.Diagnostic with
        {
            Message = $"'{SkillResolver.Display(index.Group.Repository, index.Tag, index.Descriptor.Digest)}' is an OCI image index but not a skills collection (its artifactType is not '{MediaTypes.SkillCollection}'). Reference a skill or a collection instead; a container image's index is neither.",
        });

    /// <summary>The member's repository and tag from its ref; an entry without a ref lives in the collection's own repository.</summary>
    private static (ImageReference Repository, string Tag) Locate(SkillCollectionMember member, ImageReference collectionRepository) =>
        member.Reference is { } reference
            ? (ImageReference.Create(reference.Registry, reference.Repository), reference.Tag ?? string.Empty)
            : (collectionRepository, string.Empty);

    /// <summary>
    /// The collection in these verified bytes, or null when they are not one: an index with the collection
    /// artifactType (any dialect), or skillimage's manifest whose one YAML layer is fetched here. The
    /// reader's dialect warnings become diagnostics.
    /// </summary>
    private async Task<SkillCollection?> ReadAsync(ImageReference repository, Descriptor descriptor, byte[] bytes, string display, ICollection<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        SkillCollection? collection = null;
        if (MediaTypes.IsIndex(descriptor.MediaType))
        {
            var index = OciIndex.Parse(bytes);
            collection = SkillCollectionReader.IsCollection(index) ? SkillCollectionReader.Read(index, display) : null;
        }
        else if (TryParseManifest(bytes) is { } manifest && SkillCollectionReader.IsSkillImageCollection(manifest, out var yaml))
        {
            if (yaml.Size > limits.MaxConfigBytes)
            {
                throw new SkillsOciException(ErrorCodes.CollectionInvalid, $"The collection {display} cannot be read: its YAML is {yaml.Size} bytes, more than the {limits.MaxConfigBytes} allowed.");
            }

            await using var verifying = new VerifyingReadStream(await source.FetchBlobAsync(repository, yaml, cancellationToken).ConfigureAwait(false), yaml.Digest, yaml.Size) { Source = display };
            collection = SkillCollectionReader.ReadSkillImageYaml(await verifying.ReadAllAsync(cancellationToken).ConfigureAwait(false), display);
        }

        foreach (var warning in collection?.Warnings ?? [])
        {
            diagnostics.Add(warning with { File = warning.File ?? projectPath });
        }

        return collection;
    }

    private static OciManifest? TryParseManifest(byte[] bytes)
    {
        try
        {
            return OciManifest.Parse(bytes);
        }
        catch (Exception ex) when (ex is RegistryException or System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
