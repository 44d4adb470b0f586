namespace Skills.Oci.Build.Tests.Team;

/// <summary>
/// The Team end-to-end classes share a registry of their own, so they run beside the main "Registry"
/// collection instead of after it (each uses its own repository prefix there too).
/// </summary>
[CollectionDefinition(Name)]
public sealed class TeamRegistryDefinition : ICollectionFixture<RegistryFixture>
{
    public const string Name = "Team registry";
}
