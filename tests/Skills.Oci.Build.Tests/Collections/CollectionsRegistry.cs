namespace Skills.Oci.Build.Tests.Collections;

/// <summary>
/// The end-to-end collection and dependency classes share one registry of their own, so they run one
/// after another among themselves and in parallel with the classes of the "Registry" collection.
/// </summary>
[CollectionDefinition(Name)]
public sealed class CollectionsRegistry : ICollectionFixture<RegistryFixture>
{
    public const string Name = "Collections";
}
