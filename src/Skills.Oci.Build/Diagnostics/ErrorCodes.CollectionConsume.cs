namespace Skills.Oci.Build.Diagnostics;

/// <summary>Codes of consuming collections and resolving dependencies at restore (band 7030-7069); each has a page in docs/errors/.</summary>
public static partial class ErrorCodes
{
    /// <summary>A SkillReference's <c>Skills</c> subset names a skill the collection does not list; the members are listed.</summary>
    public const string UnknownCollectionMember = "SKOCI7030";

    /// <summary>Collections nest deeper than three levels.</summary>
    public const string CollectionTooDeep = "SKOCI7031";

    /// <summary>A collection contains itself, directly or through the collections it lists.</summary>
    public const string CollectionCycle = "SKOCI7032";

    /// <summary>Two members of collections, or a member and another reference or dependency, install the same skill name; both origins are named.</summary>
    public const string CollectionNameCollision = "SKOCI7033";

    /// <summary>A trust policy matches the collection's repository and the collection index has no signature the policy accepts.</summary>
    public const string CollectionNotSigned = "SKOCI7034";

    /// <summary><c>Skills</c> metadata on a SkillReference that resolves to one skill, not a collection.</summary>
    public const string SkillsSubsetOnSkill = "SKOCI7035";

    /// <summary>No version of a required skill satisfies every requester; the chain of each requester is named.</summary>
    public const string DependencyConflict = "SKOCI7040";

    /// <summary>Skills require each other in a cycle; the cycle is named.</summary>
    public const string DependencyCycle = "SKOCI7041";

    /// <summary>A skill's requirement annotation names a reference or version that cannot be used.</summary>
    public const string InvalidDependency = "SKOCI7042";

    /// <summary><c>skills-oci why</c> names a skill or collection the lock does not pin; the known names are listed.</summary>
    public const string WhyUnknownSkill = "SKOCI7043";
}
