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

    /// <summary>How a problem with a member is worded and coded: SKOCI7000, at the member's file and line.</summary>
    public static SkillRequestSubject Subject { get; } = new("collection member", ErrorCodes.CollectionMemberInvalid);

    /// <summary>Parses one member with the SkillReference parser (<see cref="SkillRequest.Parse(string, string, SkillReferenceItem, SkillRequestSubject, int)"/>).</summary>
    public static SkillCollectionMemberSpec Parse(SkillCollectionMemberInput input, string? projectFile)
    {
        var file = input.File ?? projectFile;
        var request = SkillRequest.Parse(string.Empty, file ?? string.Empty, new SkillReferenceItem(input.Include, input.Version), Subject, input.Line);
        return new SkillCollectionMemberSpec(input with { File = file }, request.Repository, request.ToLockRequest());
    }

    /// <summary>
    /// A <c>--skill</c> argument: <c>repository:tag</c>, <c>repository@sha256:digest</c>, or
    /// <c>repository@VERSION</c> (a Version spec after '@' that is not a digest, as an item's Version metadata).
    /// </summary>
    public static SkillCollectionMemberInput FromArgument(string value)
    {
        var at = value.LastIndexOf('@');
        return at > 0 && !value[(at + 1)..].Contains(':', StringComparison.Ordinal)
            ? new SkillCollectionMemberInput(value[..at], value[(at + 1)..])
            : new SkillCollectionMemberInput(value);
    }
}
