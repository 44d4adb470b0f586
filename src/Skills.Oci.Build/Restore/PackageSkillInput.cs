using Skills.Oci.Build.NuGet;

namespace Skills.Oci.Build.Restore;

/// <summary>
/// A skill one of the project's packages brings, already checked and written as a layer
/// (Packaging's <c>PackageSkillArchive</c>): restore extracts it like a registry skill's layer.
/// </summary>
/// <param name="PackageFolder">The extracted package's folder (the global packages folder's, read only).</param>
public sealed record PackageSkillInput(PackageSkillFolder Skill, string PackageFolder, ReadOnlyMemory<byte> Layer)
{
    public string Name => Skill.Name;

    public PackageIdentity Package => Skill.Package;

    public NuGetLockSource ToSource() => new(Package.Id, Package.Version, Skill.PathInPackage);

    /// <summary>True when this input holds the content <paramref name="source"/> pins.</summary>
    public bool Provides(NuGetLockSource source) => ToSource().PinsSameContentAs(source);
}
