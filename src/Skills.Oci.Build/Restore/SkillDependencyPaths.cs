using Skills.Oci.Build.Diagnostics;

namespace Skills.Oci.Build.Restore;

/// <summary>One step of a path: a collection that lists the next step, or a skill (the last step is the skill asked about).</summary>
public sealed record SkillPathStep(SkillPathStepKind Kind, string Name, string Version)
{
    public override string ToString() => Kind == SkillPathStepKind.Collection ? $"collection {Name} {Version}" : $"{Name} {Version}";
}

public enum SkillPathStepKind
{
    Skill,
    Collection,
}

/// <summary>One way a project brings a skill in: the project, then each collection or skill down to the skill.</summary>
public sealed record SkillDependencyPath(string Project, IReadOnlyList<SkillPathStep> Steps)
{
    /// <summary><c>src/App/App.csproj > collection dev-tools 1.0.0 > review 1.0.0 > grilling 1.1.0</c>.</summary>
    public override string ToString() => string.Join(" > ", Steps.Select(s => s.ToString()).Prepend(Project));
}

/// <summary>
/// What <c>skills-oci why &lt;name&gt;</c> answers, from the lock alone: every path from a project's
/// request to a skill (or a collection), through the collections that list it (<c>collection</c>) and the
/// skills that require it (<c>requiredBy</c>). Paths are sorted ordinally by their text, so the answer
/// is the same on every machine.
/// </summary>
public static class SkillDependencyPaths
{
    /// <summary>Every path to <paramref name="name"/>; an unknown name is SKOCI7043 listing the names the lock knows.</summary>
    public static IReadOnlyList<SkillDependencyPath> Find(LockFile lockFile, string name, string lockPath)
    {
        var wanted = name.Trim();
        SkillPathStep target;
        if (lockFile.Find(wanted) is { } entry)
        {
            target = Step(entry);
        }
        else if (lockFile.FindCollection(wanted) is { } collection)
        {
            target = Step(collection);
        }
        else
        {
            var known = lockFile.Skills.Select(e => e.Name).Concat(lockFile.Collections.Select(c => c.Name)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            throw new SkillsOciException(ErrorCodes.WhyUnknownSkill,
                known.Count == 0
                    ? $"The lock pins no skill, so nothing brings in '{wanted}'. Restore first (dotnet restore, or skills-oci install)."
                    : $"The lock pins no skill or collection named '{wanted}'. It knows: {string.Join(", ", known)}.",
                lockPath);
        }

        var paths = new List<SkillDependencyPath>();
        Walk(lockFile, target, [target], paths);
        return paths.DistinctBy(p => p.ToString(), StringComparer.Ordinal).OrderBy(p => p.ToString(), StringComparer.Ordinal).ToList();
    }

    /// <summary>Walks from <paramref name="step"/> up to the projects; <paramref name="below"/> is the path from it down to the target.</summary>
    private static void Walk(LockFile lockFile, SkillPathStep step, IReadOnlyList<SkillPathStep> below, List<SkillDependencyPath> paths)
    {
        if (step.Kind == SkillPathStepKind.Collection)
        {
            foreach (var project in lockFile.FindCollection(step.Name)?.Projects ?? [])
            {
                paths.Add(new SkillDependencyPath(project, below));
            }

            return;
        }

        var entry = lockFile.Find(step.Name)!;
        if (entry.RequiredBy.Count > 0)
        {
            foreach (var requirer in entry.RequiredBy.Select(lockFile.Find).OfType<LockEntry>())
            {
                // A cycle cannot be restored, but a hand-edited lock may hold one: a skill appears once per path.
                if (below.All(s => s.Kind != SkillPathStepKind.Skill || s.Name != requirer.Name))
                {
                    var up = Step(requirer);
                    Walk(lockFile, up, [up, .. below], paths);
                }
            }

            return;
        }

        if (entry.Collection is { } name && lockFile.FindCollection(name) is { } collection)
        {
            var up = Step(collection);
            Walk(lockFile, up, [up, .. below], paths);
            return;
        }

        foreach (var project in entry.Projects)
        {
            paths.Add(new SkillDependencyPath(project, below));
        }
    }

    private static SkillPathStep Step(LockEntry entry) => new(SkillPathStepKind.Skill, entry.Name, entry.Source.VersionDisplay);

    private static SkillPathStep Step(CollectionLockEntry collection) => new(SkillPathStepKind.Collection, collection.Name, collection.Source.VersionDisplay);
}
