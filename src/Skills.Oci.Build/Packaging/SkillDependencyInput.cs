using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Format;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Restore;

namespace Skills.Oci.Build.Packaging;

/// <summary>One <c>SkillDependency</c> item of a skill project: the repository it needs, the Version spec, and where it was written.</summary>
public sealed record SkillDependencyInput(string Include, string? Version = null, string? File = null, int Line = 0)
{
    /// <summary>
    /// Checks every item (a repository reference without tag or digest; a Version as a SkillReference
    /// takes it, or none for any version; each repository once) and returns the requirements pack records,
    /// or null with the problems added to <paramref name="diagnostics"/>.
    /// </summary>
    public static IReadOnlyList<SkillRequirement>? ToRequirements(IReadOnlyList<SkillDependencyInput> items, string? projectFile, ICollection<Diagnostic> diagnostics)
    {
        var result = new List<SkillRequirement>();
        var failed = false;
        foreach (var item in items)
        {
            var file = item.File ?? projectFile;
            if (!ImageReference.TryParse(item.Include?.Trim(), out var reference, out var error))
            {
                diagnostics.Add(Diagnostic.Error(ErrorCodes.SkillDependencyInvalid,
                    $"The SkillDependency '{item.Include}' is not a valid OCI repository: {error.TrimEnd('.')}. Use REGISTRY/REPOSITORY, for example ghcr.io/acme/skills/grilling, with a Version.", file, item.Line));
                failed = true;
                continue;
            }

            if (reference!.Tag is not null || reference.Digest is not null)
            {
                diagnostics.Add(Diagnostic.Error(ErrorCodes.SkillDependencyInvalid,
                    $"The SkillDependency '{item.Include}' names a tag or digest; give the repository only ({reference.RepositoryName}) and the versions it accepts in Version, so consumers can unify it with their own references.", file, item.Line));
                failed = true;
                continue;
            }

            var version = string.IsNullOrWhiteSpace(item.Version) ? null : item.Version.Trim();
            if (version is not null && !VersionSpec.TryParse(version, out _, out var specError))
            {
                diagnostics.Add(Diagnostic.Error(ErrorCodes.SkillDependencyInvalid,
                    $"The SkillDependency '{item.Include}' has an invalid Version: {specError.TrimEnd('.')}. Use a version (a minimum), a range such as [1.0,2.0), or a float such as 1.*.", file, item.Line));
                failed = true;
                continue;
            }

            if (result.Any(r => r.Reference.RepositoryName == reference.RepositoryName))
            {
                diagnostics.Add(Diagnostic.Error(ErrorCodes.SkillDependencyDuplicate,
                    $"The skill depends on {reference.RepositoryName} twice. Keep one SkillDependency item with the Version range that covers both.", file, item.Line));
                failed = true;
                continue;
            }

            result.Add(new SkillRequirement(reference, version));
        }

        return failed ? null : result;
    }
}
