using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Oci;

namespace Skills.Oci.Build.Restore;

/// <summary>
/// The version <c>skills-oci add</c> records, as <c>dotnet add package</c> chooses it: the tag in the
/// reference or <c>--version</c> (they must agree), else the newest stable version tag of the repository.
/// </summary>
public static class SkillVersionChoice
{
    /// <param name="reference">What the user typed: <c>registry/repository[:tag]</c>.</param>
    /// <param name="version">The <c>--version</c> option, if given.</param>
    /// <param name="listTags">Lists the repository's tags; called only when neither a tag nor a version was given.</param>
    public static async Task<string> ChooseAsync(ImageReference reference, string? version, Func<CancellationToken, Task<IReadOnlyList<string>>> listTags, CancellationToken cancellationToken)
    {
        version = string.IsNullOrWhiteSpace(version) ? null : version.Trim();
        if (reference.Digest is not null)
        {
            throw new SkillsOciException(ErrorCodes.AddVersionUnresolved,
                $"'{reference}' pins a digest; add records a version the lock then pins. Use {reference.RepositoryName}:<tag> or --version, and commit {LockFile.FileName}.");
        }

        if (reference.Tag is { } tag && version is not null && tag != version)
        {
            throw new SkillsOciException(ErrorCodes.AddVersionUnresolved,
                $"'{reference}' names the tag '{tag}' and --version is '{version}'. Give one of them.");
        }

        if ((reference.Tag ?? version) is { } chosen)
        {
            if (!VersionSpec.TryParse(chosen, out _, out var error))
            {
                throw new SkillsOciException(ErrorCodes.AddVersionUnresolved, $"The version '{chosen}' is not usable: {error}.");
            }

            return chosen;
        }

        var tags = await listTags(cancellationToken).ConfigureAwait(false);
        var newest = VersionSpec.TryParse(SkillsManifestEntry.AnyVersion, out var any, out _) ? any!.Select(tags) : null;
        return newest?.Tag
               ?? throw new SkillsOciException(ErrorCodes.AddVersionUnresolved,
                   $"{reference.RepositoryName} has no stable version tag to choose ({(tags.Count == 0 ? "it has no tags" : "its tags: " + string.Join(", ", tags.Take(10)))}). Name the tag ({reference.RepositoryName}:<tag>) or pass --version.");
    }
}
