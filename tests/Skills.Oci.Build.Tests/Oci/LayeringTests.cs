using System.Text.RegularExpressions;

namespace Skills.Oci.Build.Tests.Oci;

/// <summary>
/// The lower layers of the engine, bottom to top: FileSystem, IO and Diagnostics, the OCI model, Auth,
/// the registry client. A layer names only the layers below it, so none forms a cycle.
/// </summary>
public partial class LayeringTests
{
    [Theory]
    [InlineData("Diagnostics")]
    [InlineData("FileSystem")]
    [InlineData("IO")]
    [InlineData("Oci", "FileSystem", "IO")]
    [InlineData("Auth", "Oci", "Diagnostics")]
    [InlineData("Registry", "Oci", "Auth", "Diagnostics", "FileSystem", "IO")]
    public void A_layer_names_only_the_layers_below_it(string layer, params string[] below)
    {
        var folder = RepositoryRoot.File(Path.Combine("src", "Skills.Oci.Build", layer));
        var offending = Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories)
            .SelectMany(file => NamespaceReference().Matches(File.ReadAllText(file))
                .Select(match => match.Groups["layer"].Value)
                .Where(named => named != layer && !below.Contains(named))
                .Select(named => $"{Path.GetFileName(file)} names {named}"))
            .Distinct()
            .ToList();

        Assert.Empty(offending);
    }

    [GeneratedRegex(@"Skills\.Oci\.Build\.(?<layer>[A-Za-z]+)\b")]
    private static partial Regex NamespaceReference();
}
