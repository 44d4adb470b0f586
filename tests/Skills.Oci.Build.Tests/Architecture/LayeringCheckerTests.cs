using Skills.Oci.Build.Tests.Architecture.Samples;

namespace Skills.Oci.Build.Tests.Architecture;

/// <summary>The layering checks themselves: they find references hidden in method bodies and report bad edges and cycles.</summary>
public sealed class LayeringCheckerTests
{
    private const string Root = Layering.Root;

    private static readonly Lazy<IReadOnlyList<TypeEdge>> OwnEdges =
        new(() => TypeReferenceGraph.Read(typeof(LayeringCheckerTests).Assembly.Location));

    [Theory]
    [InlineData(nameof(NamesInBody), nameof(Target), "the constructor called in a method body")]
    [InlineData(nameof(NamesInTypeTest), nameof(Target), "a type test in a method body")]
    [InlineData(nameof(NamesInGenericArgument), nameof(Target), "a generic argument of a field type")]
    [InlineData(nameof(NamesInLambda), nameof(Target), "a lambda, compiled to a nested type")]
    [InlineData(nameof(NamesInCatch), nameof(Target), "a catch clause")]
    [InlineData(nameof(NamesInAttribute), nameof(TargetAttribute), "an attribute")]
    public void The_reader_finds_a_reference_made_only_by(string sample, string target, string because)
    {
        var samples = typeof(Target).Namespace;
        var edge = new TypeEdge($"{samples}.{sample}", $"{samples}.{target}");

        Assert.True(OwnEdges.Value.Contains(edge), $"{edge} is found through {because}");
    }

    [Fact]
    public void The_reader_reports_no_reference_a_type_does_not_make()
    {
        Assert.DoesNotContain(OwnEdges.Value, edge => edge.From == typeof(NamesNothing).FullName);
    }

    [Fact]
    public void A_lower_layer_naming_a_higher_one_is_reported()
    {
        var edge = new TypeEdge($"{Root}.Diagnostics.Diagnostic", $"{Root}.Registry.RegistryClient");

        var violations = Layering.Intended.Violations([edge]);

        Assert.Equal([$"Diagnostics -> Registry: {edge}"], violations);
    }

    [Theory]
    [InlineData("Registry.RegistryClient", "Oci.Digest")]
    [InlineData("Tasks.RestoreSkills", "Restore.SkillRestoreEngine")]
    [InlineData("Sigstore.Keys.PublicKey", "Oci.Digest")]
    [InlineData("Sigstore.Keys.PublicKey", "Sigstore.Bundles.Bundle")]
    public void An_allowed_edge_is_not_reported(string from, string to)
    {
        Assert.Empty(Layering.Intended.Violations([new TypeEdge($"{Root}.{from}", $"{Root}.{to}")]));
    }

    [Fact]
    public void A_layer_allowed_one_type_of_another_may_name_no_other()
    {
        var edge = new TypeEdge($"{Root}.Sigstore.Keys.PublicKey", $"{Root}.Oci.ImageReference");

        Assert.Single(Layering.Intended.Violations([edge]));
    }

    [Fact]
    public void A_folder_the_layering_does_not_know_is_reported()
    {
        var violations = Layering.Intended.Violations([new TypeEdge($"{Root}.Tasks.RestoreSkills", $"{Root}.Helpers.Anything")]);

        Assert.Equal([$"{Root}.Helpers.Anything is in Helpers/, a folder the layering does not know"], violations);
    }

    [Fact]
    public void A_cycle_between_sub_folders_is_reported_and_a_chain_is_not()
    {
        TypeEdge[] edges =
        [
            new($"{Root}.Trust.Policy.A", $"{Root}.Trust.Signatures.B"),
            new($"{Root}.Trust.Signatures.B", $"{Root}.Trust.Policy.C"),
            new($"{Root}.Trust.Signatures.B", $"{Root}.Trust.Verdict"),
            new($"{Root}.Sigstore.Keys.K", $"{Root}.Sigstore.SigstoreException"),
        ];

        Assert.Equal(["Trust.Policy -> Trust.Signatures -> Trust.Policy"], Layering.FolderCycles(edges, "Trust"));
        Assert.Empty(Layering.FolderCycles(edges, "Sigstore"));
    }
}
