using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Restore;

namespace Skills.Oci.Build.Packaging;

/// <summary>
/// One member as written: a <c>SkillCollectionMember</c> item (Include and Version), a <c>--skill</c>
/// argument, or the pushed reference of a ProjectReference (<c>registry/repository:tag@digest</c>), with
/// where it was written so an error points there.
/// </summary>
public sealed record SkillCollectionMemberInput(string Include, string? Version = null, string? File = null, int Line = 0);

/// <summary>
/// A member parsed at the edge: the repository, and what to resolve there, which is the request a
/// SkillReference with the same Include and Version makes (a spec over the tags, or a pinned digest).
/// </summary>
public sealed record SkillCollectionMemberSpec(SkillCollectionMemberInput Input, ImageReference Repository, LockRequest Request)
{
    public string Display => Input.Version is { Length: > 0 } v ? $"{Input.Include} (Version {v})" : Input.Include;

    /// <summary>Parses one member as a SkillReference is parsed; a problem is SKOCI7000 at the member's file and line.</summary>
    public static SkillCollectionMemberSpec Parse(SkillCollectionMemberInput input, string? projectFile)
    {
        var file = input.File ?? projectFile;
        if (!ImageReference.TryParse(input.Include?.Trim(), out var reference, out var error))
        {
            throw Invalid(input, file, $"The collection member '{input.Include}' is not a valid OCI reference: {error.TrimEnd('.')}. Use REGISTRY/REPOSITORY with a Version, or :TAG, or @sha256:DIGEST.");
        }

        var version = string.IsNullOrWhiteSpace(input.Version) ? null : input.Version.Trim();
        var repository = ImageReference.Create(reference!.Registry, reference.Repository);
        LockRequest request;
        if (reference.Digest is { } digest)
        {
            if (version is not null)
            {
                throw Invalid(input, file, $"The collection member '{input.Include}' pins a digest and also sets Version '{version}'. Remove one of them.");
            }

            request = new LockRequest(string.Empty, Tag: reference.Tag, Digest: digest);
        }
        else if (reference.Tag is { } tag)
        {
            if (version is not null && version != tag)
            {
                throw Invalid(input, file, $"The collection member '{input.Include}' names the tag '{tag}' and also sets Version '{version}'. Remove one of them.");
            }

            request = new LockRequest(string.Empty, Tag: tag);
        }
        else if (version is null)
        {
            throw Invalid(input, file, $"The collection member '{input.Include}' has no Version. Add Version=\"1.0.0\" (a minimum, as for SkillReference), a range such as \"1.*\", or a tag.");
        }
        else if (!VersionSpec.TryParse(version, out _, out var specError))
        {
            throw Invalid(input, file, $"The collection member '{input.Include}' has an invalid Version: {specError.TrimEnd('.')}.");
        }
        else
        {
            request = new LockRequest(string.Empty, version);
        }

        return new SkillCollectionMemberSpec(input with { File = file }, repository, request);
    }

    private static SkillsOciException Invalid(SkillCollectionMemberInput input, string? file, string message) =>
        new(ErrorCodes.CollectionMemberInvalid, message, file, input.Line);
}
