using Skills.Oci.Build.Oci;

namespace Skills.Oci.Build.Restore;

/// <summary>What the rule chose for a set of requests: a tag to resolve, or a digest pinned by a request.</summary>
public sealed record ResolutionChoice(string Tag, Digest? PinnedDigest);

/// <summary>
/// The one rule that turns the set of every project's request for one skill into a tag, in NuGet's
/// spirit: the lowest tag satisfying every request; when a request floats, the highest tag its float
/// allows within every other request; a digest request pins that digest, and every other request must
/// accept its tag. The answer depends only on the set (requests are taken in project order), so a
/// solution, a static-graph or parallel restore, and one project after another all agree.
/// See docs/lock-file.md.
/// </summary>
public static class ResolutionRule
{
    /// <summary>True when the set needs the repository's tag list (no request pins a digest).</summary>
    public static bool NeedsTags(IReadOnlyList<LockRequest> requests) => requests.All(r => r.Digest is null);

    /// <summary>The tags every spec accepts: those the rule chooses among (and <c>list --outdated</c> takes the newest of).</summary>
    public static IReadOnlyList<string> Candidates(IReadOnlyList<VersionSpec> specs, IEnumerable<string> tags) =>
        tags.Where(t => specs.All(s => s.IsSatisfiedBy(t))).ToList();

    /// <summary>
    /// Chooses for <paramref name="requests"/> (one skill, at least one request) among <paramref name="tags"/>
    /// (null when <see cref="NeedsTags"/> is false). Returns null, with <paramref name="conflict"/> saying
    /// why, when no tag satisfies every request.
    /// </summary>
    public static ResolutionChoice? Choose(IReadOnlyList<LockRequest> requests, IReadOnlyList<string>? tags, out string conflict)
    {
        conflict = string.Empty;
        var ordered = requests.OrderBy(r => r.Project, StringComparer.Ordinal).ToList();
        var digests = ordered.Where(r => r.Digest is not null).Select(r => r.Digest!.Value).Distinct().ToList();
        if (digests.Count > 1)
        {
            conflict = "they pin different digests";
            return null;
        }

        var specs = ordered.Where(r => r.Digest is null).Select(r => (Request: r, Spec: r.ToSpec())).ToList();
        if (specs.Any(s => s.Spec is null))
        {
            conflict = "a recorded Version is not valid";
            return null;
        }

        if (digests.Count == 1)
        {
            var pinnedTags = ordered.Where(r => r.Digest is not null && r.Tag is not null).Select(r => r.Tag!).Distinct(StringComparer.Ordinal).ToList();
            if (pinnedTags.Count > 1)
            {
                conflict = "they name different tags for one digest";
                return null;
            }

            var tag = pinnedTags.SingleOrDefault() ?? string.Empty;
            if (specs.Count > 0 && (tag.Length == 0 || specs.Any(s => !s.Spec!.IsSatisfiedBy(tag))))
            {
                conflict = tag.Length == 0
                    ? "one pins a bare digest, whose tag the others' Versions cannot be checked against"
                    : $"the pinned digest's tag '{tag}' does not satisfy every Version";
                return null;
            }

            return new ResolutionChoice(tag, digests[0]);
        }

        var candidates = Candidates(specs.Select(s => s.Spec!).ToList(), tags ?? []);
        var primary = specs.FirstOrDefault(s => s.Spec!.Range?.IsFloating == true);
        if (primary.Spec is null)
        {
            primary = specs[0];
        }

        var match = primary.Spec!.Select(candidates);
        if (match is null)
        {
            conflict = "no tag satisfies every request";
            return null;
        }

        return new ResolutionChoice(match.Tag, null);
    }
}
