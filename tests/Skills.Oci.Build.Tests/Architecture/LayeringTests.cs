using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Tests.Infrastructure;

namespace Skills.Oci.Build.Tests.Architecture;

/// <summary>
/// The compiled engine keeps the layering docs/architecture.md draws: a layer names only the layers
/// below it, and the sub-folders of Sigstore/ and Trust/ form no cycle.
/// </summary>
public sealed class LayeringTests
{
    private static readonly Lazy<IReadOnlyList<TypeEdge>> EngineEdges =
        new(() => TypeReferenceGraph.Read(typeof(Diagnostic).Assembly.Location));

    [Fact]
    public void Every_type_reference_of_the_engine_follows_the_layering()
    {
        Assert.NotEmpty(EngineEdges.Value);

        var violations = Layering.Intended.Violations(EngineEdges.Value);

        Assert.True(violations.Count == 0, "References against the layering:\n" + string.Join("\n", violations));
    }

    [Theory]
    [InlineData("Sigstore")]
    [InlineData("Trust")]
    public void The_sub_folders_of_a_layer_form_no_cycle(string layer)
    {
        var cycles = Layering.FolderCycles(EngineEdges.Value, layer);

        Assert.True(cycles.Count == 0, $"Cycles between the folders of {layer}/:\n" + string.Join("\n", cycles));
    }

    [Fact]
    public void Every_layer_of_the_engine_is_known_to_the_layering()
    {
        var layers = EngineEdges.Value
            .SelectMany(edge => new[] { edge.From, edge.To })
            .Select(Layering.LayerOf)
            .OfType<string>()
            .Distinct();

        Assert.Empty(layers.Except(Layering.Intended.Layers));
    }

    [Fact]
    public void Every_source_folder_of_the_engine_is_a_layer()
    {
        string[] notCode = ["bin", "obj", "build"];
        var folders = Directory.EnumerateDirectories(RepositoryRoot.File(Path.Combine("src", Layering.Root)))
            .Select(Path.GetFileName)
            .OfType<string>()
            .Except(notCode)
            .ToList();

        Assert.NotEmpty(folders);
        Assert.Empty(folders.Except(Layering.Intended.Layers));
    }
}
