namespace Skills.Oci.Build.Tests.Architecture;

/// <summary>
/// The intended layering of Skills.Oci.Build, as data, and the checks over a <see cref="TypeEdge"/>
/// list. A layer is the first folder (namespace segment) under <c>Skills.Oci.Build</c>; nested
/// namespaces belong to their top folder. A layer may name itself and what it lists; an entry
/// <c>Layer.Type</c> allows one type of that layer only. See docs/architecture.md.
/// </summary>
public sealed class Layering
{
    public const string Root = "Skills.Oci.Build";

    private static readonly string[] Lower = ["FileSystem", "IO", "Diagnostics", "Oci"];

    /// <summary>The layering docs/architecture.md describes.</summary>
    public static Layering Intended { get; } = new(new Dictionary<string, string[]>
    {
        ["FileSystem"] = [],
        ["IO"] = [],
        ["Diagnostics"] = [],
        ["Oci"] = ["FileSystem", "IO"],
        ["Auth"] = ["Oci", "Diagnostics", "FileSystem"],
        ["Registry"] = ["Oci", "Auth", "Diagnostics", "FileSystem", "IO"],
        // The Sigstore library knows nothing of skills, registries or codes; it shares the digest type only.
        ["Sigstore"] = ["Oci.Digest"],
        ["Format"] = ["Oci", "IO", "Diagnostics", "FileSystem"],
        // NuGet's own files: project.assets.json, the global packages folder, nupkg contents and signatures.
        ["NuGet"] = ["Format", .. Lower],
        ["Trust"] = ["Sigstore", "Registry", "NuGet", .. Lower],
        // The content scan: offline rules over a skill's files, its policy, its lock record and SARIF.
        ["Security"] = ["Format", .. Lower],
        ["Packaging"] = ["Restore", "Security", "Format", "Registry", "Trust", "Sigstore", "NuGet", .. Lower],
        ["Restore"] = ["Security", "Format", "Registry", "Trust", "Sigstore", "NuGet", .. Lower],
        // Agents' session-start hooks: their settings files, the scripts they run, the tool manifest.
        ["Hooks"] = ["Restore", .. Lower],
        // What both hosts share (the MSBuild tasks and the skills-oci command line).
        ["Hosting"] = ["FileSystem", "IO", "Diagnostics", "Oci", "Auth", "Registry", "Sigstore", "Format", "NuGet", "Trust", "Packaging", "Restore", "Hooks", "Security"],
        ["Tasks"] = ["FileSystem", "IO", "Diagnostics", "Oci", "Auth", "Registry", "Sigstore", "Format", "NuGet", "Trust", "Packaging", "Restore", "Hooks", "Hosting", "Security"],
    });

    private readonly IReadOnlyDictionary<string, string[]> _allowed;

    public Layering(IReadOnlyDictionary<string, string[]> allowed) => _allowed = allowed;

    public IEnumerable<string> Layers => _allowed.Keys;

    /// <summary>The top folder of a type under <see cref="Root"/>, or null for a type outside it.</summary>
    public static string? LayerOf(string typeName) => Segments(typeName) is [var layer, ..] ? layer : null;

    /// <summary>
    /// The namespace of a type below <paramref name="layer"/>, relative to <see cref="Root"/>
    /// (<c>Sigstore.Keys</c>; <c>Sigstore</c> for a type directly in the layer).
    /// </summary>
    public static string? FolderOf(string typeName, string layer) => Segments(typeName) switch
    {
        [var top, var sub, _, ..] when top == layer => top + "." + sub,
        [var top, _] when top == layer => top,
        _ => null,
    };

    /// <summary>Every edge between layers that the layering does not allow, and every type in a folder it does not know.</summary>
    public IReadOnlyList<string> Violations(IEnumerable<TypeEdge> edges)
    {
        var violations = new List<string>();
        foreach (var edge in edges)
        {
            var from = LayerOf(edge.From);
            var to = LayerOf(edge.To);
            if (from is null || to is null || from == to)
            {
                continue;
            }

            if (!_allowed.TryGetValue(from, out var allowed))
            {
                violations.Add($"{edge.From} is in {from}/, a folder the layering does not know");
            }
            else if (!_allowed.ContainsKey(to))
            {
                violations.Add($"{edge.To} is in {to}/, a folder the layering does not know");
            }
            else if (!allowed.Contains(to) && !allowed.Contains(edge.To[(Root.Length + 1)..]))
            {
                violations.Add($"{from} -> {to}: {edge}");
            }
        }

        return violations.Distinct().ToList();
    }

    /// <summary>
    /// Cycles between the sub-folders of one layer, each as the folders along it
    /// (<c>Sigstore.A -> Sigstore.B -> Sigstore.A</c>); empty when the folders form a DAG.
    /// </summary>
    public static IReadOnlyList<string> FolderCycles(IEnumerable<TypeEdge> edges, string layer)
    {
        var graph = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        foreach (var edge in edges)
        {
            if (FolderOf(edge.From, layer) is { } from && FolderOf(edge.To, layer) is { } to && from != to)
            {
                if (!graph.TryGetValue(from, out var targets))
                {
                    graph[from] = targets = new SortedSet<string>(StringComparer.Ordinal);
                }

                targets.Add(to);
            }
        }

        var cycles = new List<string>();
        var finished = new HashSet<string>(StringComparer.Ordinal);
        var path = new List<string>();
        foreach (var folder in graph.Keys)
        {
            Visit(folder);
        }

        return cycles;

        void Visit(string folder)
        {
            var onPath = path.IndexOf(folder);
            if (onPath >= 0)
            {
                cycles.Add(string.Join(" -> ", path.Skip(onPath).Append(folder)));
                return;
            }

            if (!finished.Add(folder))
            {
                return;
            }

            path.Add(folder);
            foreach (var next in graph.GetValueOrDefault(folder) ?? [])
            {
                Visit(next);
            }

            path.RemoveAt(path.Count - 1);
        }
    }

    private static string[] Segments(string typeName) =>
        typeName.StartsWith(Root + ".", StringComparison.Ordinal) ? typeName[(Root.Length + 1)..].Split('.') : [];
}
