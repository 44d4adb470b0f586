using System.Collections.Concurrent;
using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Format;
using Skills.Oci.Build.Oci;

namespace Skills.Oci.Build.Restore;

/// <summary>What the dependency pass gave: the lock with the dependencies added, or every failure (in a stable order).</summary>
public sealed record DependencyOutcome(LockFile? Lock, IReadOnlyList<Diagnostic> Errors, IReadOnlyList<SkillArtifact> Artifacts);

public sealed partial class SkillGraph
{
    /// <summary>How many rounds unification may take before it is called unsettled (each round settles at least one more level).</summary>
    private const int MaxRounds = 32;

    /// <summary>
    /// Adds the skills that the root's skills require (their manifests' <c>io.agentskills.skill.requires</c>
    /// and ToolHive's <c>dev.toolhive.skills.requires</c>), transitively, unified over the whole root: one
    /// version per repository, chosen by <see cref="ResolutionRule"/> over every requester's request (the
    /// lowest that satisfies them all, as for several projects' SkillReferences). A repository a project
    /// references itself, or a collection installs, is never a dependency: the direct reference wins.
    /// A dependency the lock answers for the same requests keeps its digest (no tag lookup); one nothing
    /// requires any more is not carried over, so it is pruned.
    /// </summary>
    /// <param name="desired">The lock as <see cref="LockBuilder"/> built it: direct skills and collection members, no dependencies.</param>
    /// <param name="fresh">Artifacts already read this restore (the rest are read by digest, cache first).</param>
    public async Task<DependencyOutcome> AddDependenciesAsync(LockFile previous, LockFile desired, IReadOnlyList<SkillArtifact> fresh, SkillMaterializer materializer, string now, CancellationToken cancellationToken)
    {
        var roots = desired.Skills.Where(e => e.Source is RegistryLockSource && e.RequiredBy.Count == 0).ToList();
        var rootRepositories = roots.GroupBy(e => e.RegistrySource.RepositoryKey, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var artifacts = new ConcurrentDictionary<Digest, SkillArtifact>();
        foreach (var artifact in fresh)
        {
            artifacts.TryAdd(artifact.Digest, artifact);
        }

        var previousDependencies = previous.Skills.Where(e => e.RequiredBy.Count > 0 && e.Source is RegistryLockSource)
            .GroupBy(e => e.RegistrySource.RepositoryKey, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var chosen = new Dictionary<string, DependencyNode>(StringComparer.Ordinal);
        var tagCache = new ConcurrentDictionary<string, Task<IReadOnlyList<string>>>(StringComparer.Ordinal);
        Dictionary<string, Node> nodes;
        Dictionary<string, List<Edge>> edges;
        for (var round = 0; ; round++)
        {
            nodes = roots.Select(e => new Node(e.Name, e.RegistrySource.RepositoryKey, e.RegistrySource.PinnedReference, e.RegistrySource.Tag, e.Projects, IsRoot: true))
                .Concat(chosen.Values.Select(d => new Node(d.Artifact.Name, d.Key, d.Artifact.Repository.WithDigest(d.Artifact.Digest), d.Tag, d.Requests.Select(r => r.Project).Distinct(StringComparer.Ordinal).ToList(), IsRoot: false)))
                .GroupBy(n => n.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
            var read = await BoundedConcurrency.RunAsync(nodes.Values.OrderBy(n => n.Name, StringComparer.Ordinal).ToList(), parallelism,
                (node, ct) => RequirementsOfAsync(node, artifacts, ct), cancellationToken).ConfigureAwait(false);
            var readErrors = read.Where(o => o.Error is not null).Select(o => RestoreErrors.ToDiagnostic(o.Error!, projectPath)).ToList();
            if (readErrors.Count > 0)
            {
                return new DependencyOutcome(null, readErrors, []);
            }

            edges = read.ToDictionary(o => o.Item.Name, o => o.Result!, StringComparer.Ordinal);
            var wanted = edges.Values.SelectMany(e => e).Where(e => !rootRepositories.ContainsKey(e.Key))
                .GroupBy(e => e.Key, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
            var resolved = await BoundedConcurrency.RunAsync(wanted, parallelism, (requests, ct) =>
            {
                var set = requests.Select(r => r.Request).Distinct().Order(Comparer<LockRequest>.Create(LockRequest.CompareByProject)).ToList();
                return ChooseAsync(requests.Key, requests.First().Repository, set, chosen.GetValueOrDefault(requests.Key), previousDependencies.GetValueOrDefault(requests.Key), artifacts, tagCache, ct);
            }, cancellationToken).ConfigureAwait(false);

            var errors = new List<Diagnostic>();
            foreach (var failed in resolved.Where(o => o.Error is not null))
            {
                errors.Add(failed.Error is DependencyConflictException conflict
                    ? Diagnostic.Error(ErrorCodes.DependencyConflict, ConflictMessage(failed.Item.Key, failed.Item.ToList(), conflict.Message, nodes, edges), projectPath)
                    : RestoreErrors.ToDiagnostic(failed.Error!, projectPath));
            }

            if (errors.Count > 0)
            {
                return new DependencyOutcome(null, errors, []);
            }

            var next = resolved.ToDictionary(o => o.Item.Key, o => o.Result! with { RequiredBy = o.Item.Select(e => e.From).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList() }, StringComparer.Ordinal);
            if (next.Count == chosen.Count && next.All(n => chosen.TryGetValue(n.Key, out var was) && was.Artifact.Digest == n.Value.Artifact.Digest &&
                                                            was.Requests.SequenceEqual(n.Value.Requests) && was.RequiredBy.SequenceEqual(n.Value.RequiredBy, StringComparer.Ordinal)))
            {
                break;
            }

            if (round == MaxRounds)
            {
                return new DependencyOutcome(null, [Diagnostic.Error(ErrorCodes.DependencyConflict,
                    $"The skills' requirements do not settle on one version each after {MaxRounds} rounds (versions that require different versions of each other): {string.Join(", ", next.Keys)}. Pin the versions with SkillReference items.", projectPath)], []);
            }

            chosen = next;
        }

        if (FindCycle(nodes, edges) is { } cycle)
        {
            return new DependencyOutcome(null, [Diagnostic.Error(ErrorCodes.DependencyCycle,
                $"Skills require each other in a cycle: {string.Join(" > ", cycle)}. Remove one of the requirements (io.agentskills.skill.requires).", projectPath)], []);
        }

        var entries = desired.Skills.ToDictionary(e => e.Name, StringComparer.Ordinal);
        foreach (var dependency in chosen.Values.OrderBy(d => d.Key, StringComparer.Ordinal))
        {
            var name = dependency.Artifact.Name;
            var requiredBy = dependency.RequiredBy;
            if (entries.TryGetValue(name, out var clash))
            {
                return new DependencyOutcome(null, [Diagnostic.Error(ErrorCodes.CollectionNameCollision,
                    $"Two sources install the skill '{name}': {Origin(clash)} and {dependency.Key}, which {string.Join(", ", requiredBy.Select(r => $"'{r}'"))} require{(requiredBy.Count == 1 ? "s" : string.Empty)}. Reference the skill from one repository only.",
                    projectPath)], []);
            }

            var old = previous.Find(name);
            var same = old is not null && old.Source is RegistryLockSource source && source.Digest == dependency.Artifact.Digest;
            entries[name] = new LockEntry
            {
                Name = name,
                Path = LockEntry.PrimaryPath(name),
                Source = new RegistryLockSource(dependency.Artifact.Repository.Registry, dependency.Artifact.Repository.Repository, dependency.Tag, dependency.Artifact.Digest),
                InstalledAt = same ? old!.InstalledAt : now,
                AdditionalPaths = materializer.LinkPathsFor(name).Order(StringComparer.Ordinal).ToList(),
                Requests = dependency.Requests,
                RequiredBy = requiredBy,
                VerifiedBy = same ? old!.VerifiedBy : null,
                ContentDigest = same ? old!.ContentDigest : null,
                Scan = same ? old!.Scan : null,
            };
        }

        return new DependencyOutcome(desired with { Skills = entries.Values.OrderBy(e => e.Name, StringComparer.Ordinal).ToList() }, [], chosen.Values.Select(d => d.Artifact).ToList());
    }

    /// <summary>The names of <paramref name="names"/> and of every skill they require, transitively, through the lock's <c>requiredBy</c> edges.</summary>
    public static IReadOnlySet<string> WithDependencies(LockFile lockFile, IEnumerable<string> names)
    {
        var closure = names.ToHashSet(StringComparer.Ordinal);
        bool grew;
        do
        {
            grew = false;
            foreach (var entry in lockFile.Skills.Where(e => e.RequiredBy.Count > 0 && !closure.Contains(e.Name) && e.RequiredBy.Any(closure.Contains)))
            {
                grew |= closure.Add(entry.Name);
            }
        }
        while (grew);

        return closure;
    }

    private async Task<List<Edge>> RequirementsOfAsync(Node node, ConcurrentDictionary<Digest, SkillArtifact> artifacts, CancellationToken cancellationToken)
    {
        var artifact = await ArtifactAsync(node.Reference, node.Tag, artifacts, cancellationToken).ConfigureAwait(false);
        var display = SkillResolver.Display(node.Reference, node.Tag, node.Reference.Digest);
        IReadOnlyList<SkillRequirement> requirements;
        try
        {
            requirements = SkillRequirements.Read(artifact.Skill.Manifest.Annotations, display);
        }
        catch (SkillsOciException ex)
        {
            throw new SkillsOciException(ex.Diagnostic with { Code = ErrorCodes.InvalidDependency, File = ex.Diagnostic.File ?? projectPath });
        }

        // The request is the projects' (as for a collection's members): the projects that bring the requiring skill in; requiredBy names the skill.
        var projects = node.Projects.Count > 0 ? node.Projects.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList() : [node.Name];
        return requirements.SelectMany(r =>
        {
            var repository = ImageReference.Create(r.Reference.Registry, r.Reference.Repository);
            var request = r.Reference.Digest is { } digest ? new LockRequest(string.Empty, Tag: r.Reference.Tag, Digest: digest)
                : r.Reference.Tag is { } tag ? new LockRequest(string.Empty, Tag: tag)
                : new LockRequest(string.Empty, r.Version ?? AnyVersion);
            if (request.Digest is null && request.ToSpec() is null)
            {
                throw new SkillsOciException(ErrorCodes.InvalidDependency,
                    $"The skill '{node.Name}' ({display}) requires {repository.RepositoryName} with Version '{r.Version}', which is not a valid version spec. Ask its publisher to fix the requirement.", projectPath);
            }

            return projects.Select(project => new Edge(node.Name, $"{repository.Registry}/{repository.Repository}", repository, request with { Project = project }));
        }).ToList();
    }

    /// <summary>Any version: the lowest stable, as NuGet takes a dependency without a lower bound.</summary>
    private const string AnyVersion = "0.0.0";

    private async Task<DependencyNode> ChooseAsync(string key, ImageReference repository, IReadOnlyList<LockRequest> requests, DependencyNode? current, LockEntry? locked,
        ConcurrentDictionary<Digest, SkillArtifact> artifacts, ConcurrentDictionary<string, Task<IReadOnlyList<string>>> tagCache, CancellationToken cancellationToken)
    {
        if (current is not null && current.Requests.SequenceEqual(requests))
        {
            return current;
        }

        if (locked is not null && locked.Requests.SequenceEqual(requests) && (locked.RegistrySource.Tag.Length > 0 || !ResolutionRule.NeedsTags(requests)))
        {
            // The lock answers this set of requests: its digest stays, no tag is looked up.
            var pinned = await ArtifactAsync(locked.RegistrySource.PinnedReference, locked.RegistrySource.Tag, artifacts, cancellationToken).ConfigureAwait(false);
            return new DependencyNode(key, locked.RegistrySource.Tag, pinned, requests);
        }

        var tags = ResolutionRule.NeedsTags(requests)
            ? await tagCache.GetOrAdd(key, _ => source.ListTagsAsync(repository, cancellationToken)).ConfigureAwait(false)
            : null;
        var choice = ResolutionRule.Choose(requests, tags, out var conflict) ?? throw new DependencyConflictException(conflict);
        Digest digest;
        if (choice.PinnedDigest is { } pinnedDigest)
        {
            digest = pinnedDigest;
        }
        else if (locked is not null && locked.RegistrySource.Tag == choice.Tag)
        {
            digest = locked.RegistrySource.Digest;
        }
        else
        {
            digest = (await source.ResolveAsync(repository.WithTag(choice.Tag), cancellationToken).ConfigureAwait(false)).Digest;
        }

        var artifact = await ArtifactAsync(repository.WithDigest(digest), choice.Tag, artifacts, cancellationToken).ConfigureAwait(false);
        return new DependencyNode(key, choice.Tag, artifact, requests);
    }

    private async Task<SkillArtifact> ArtifactAsync(ImageReference pinned, string tag, ConcurrentDictionary<Digest, SkillArtifact> artifacts, CancellationToken cancellationToken)
    {
        var digest = pinned.Digest!.Value;
        if (artifacts.TryGetValue(digest, out var known))
        {
            return known;
        }

        var repository = ImageReference.Create(pinned.Registry, pinned.Repository);
        var artifact = await reader.ReadArtifactAsync(repository, digest, null, SkillResolver.Display(repository, tag, digest), cancellationToken).ConfigureAwait(false)
                       ?? throw new InvalidOperationException("An online reader returned no artifact.");
        return artifacts.GetOrAdd(digest, artifact);
    }

    /// <summary>NuGet's NU1107 in our words: each requester with the chain that brought it in, from a project.</summary>
    private static string ConflictMessage(string key, IReadOnlyList<Edge> requests, string conflict, Dictionary<string, Node> nodes, Dictionary<string, List<Edge>> edges)
    {
        var chains = requests.OrderBy(r => r.From, StringComparer.Ordinal).Select(r => $"{Chain(r.From, nodes, edges)} asks {r.Request.Display}").Distinct(StringComparer.Ordinal);
        return $"No version of {key} satisfies every skill that requires it: {string.Join("; ", chains)}; {conflict}. Reference {key} directly with a Version that suits them (a direct reference wins), or align the requirements.";
    }

    private static string Chain(string name, Dictionary<string, Node> nodes, Dictionary<string, List<Edge>> edges)
    {
        var path = new List<string> { name };
        var seen = new HashSet<string>(StringComparer.Ordinal) { name };
        var current = name;
        while (nodes.TryGetValue(current, out var node) && !node.IsRoot)
        {
            var parent = edges.Where(e => e.Value.Any(x => x.Key == node.Key)).Select(e => e.Key).Order(StringComparer.Ordinal).FirstOrDefault(p => !seen.Contains(p));
            if (parent is null)
            {
                break;
            }

            path.Insert(0, parent);
            seen.Add(parent);
            current = parent;
        }

        var project = nodes.TryGetValue(current, out var root) && root.Projects.Count > 0 ? $"'{root.Projects[0]}' > " : string.Empty;
        return project + string.Join(" > ", path);
    }

    /// <summary>A cycle among the requirement edges (by repository), as the names around it, or null.</summary>
    private static IReadOnlyList<string>? FindCycle(Dictionary<string, Node> nodes, Dictionary<string, List<Edge>> edges)
    {
        var byKey = nodes.Values.GroupBy(n => n.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Name, StringComparer.Ordinal);
        var state = new Dictionary<string, int>(StringComparer.Ordinal);
        var stack = new List<string>();
        foreach (var start in nodes.Keys.Order(StringComparer.Ordinal))
        {
            if (Visit(start) is { } found)
            {
                return found;
            }
        }

        return null;

        IReadOnlyList<string>? Visit(string name)
        {
            if (state.GetValueOrDefault(name) == 2)
            {
                return null;
            }

            if (state.GetValueOrDefault(name) == 1)
            {
                return [.. stack.Skip(stack.IndexOf(name)), name];
            }

            state[name] = 1;
            stack.Add(name);
            foreach (var edge in edges.GetValueOrDefault(name) ?? [])
            {
                if (byKey.TryGetValue(edge.Key, out var next) && Visit(next) is { } found)
                {
                    return found;
                }
            }

            stack.RemoveAt(stack.Count - 1);
            state[name] = 2;
            return null;
        }
    }

    private static string Origin(LockEntry entry) =>
        entry.Collection is { } collection ? $"the collection '{collection}' ({entry.RegistrySource.RepositoryKey})" : $"the SkillReference {entry.Source.GroupKey}";

    /// <summary>A skill in the graph: a root (direct or member) or a chosen dependency.</summary>
    private sealed record Node(string Name, string Key, ImageReference Reference, string Tag, IReadOnlyList<string> Projects, bool IsRoot);

    /// <summary>One requirement for one project: the requiring skill, the required repository, and the request as the lock records it (for a project that brings the requiring skill in).</summary>
    private sealed record Edge(string From, string Key, ImageReference Repository, LockRequest Request);

    private sealed record DependencyNode(string Key, string Tag, SkillArtifact Artifact, IReadOnlyList<LockRequest> Requests)
    {
        /// <summary>The skills that require it (sorted), the lock's <c>requiredBy</c>.</summary>
        public IReadOnlyList<string> RequiredBy { get; init; } = [];
    }

    private sealed class DependencyConflictException(string message) : Exception(message);
}
