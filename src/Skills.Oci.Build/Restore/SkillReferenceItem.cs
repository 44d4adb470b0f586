namespace Skills.Oci.Build.Restore;

/// <summary>
/// One <c>SkillReference</c> item as MSBuild hands it over: the Include, the Version metadata and any
/// other metadata (kept for the stamp, so a change in any of it is noticed).
/// </summary>
public sealed record SkillReferenceItem(string Include, string? Version = null, IReadOnlyDictionary<string, string>? Metadata = null);

/// <summary>
/// A SkillReference parsed at the edge: which repository, and either a version spec to resolve against
/// the repository's tags or a digest to pull directly. Only valid requests travel inward.
/// </summary>
public sealed class SkillRequest
{
    private SkillRequest(string project, SkillReferenceItem item, Oci.ImageReference repository, VersionSpec? spec, string? tag, Oci.Digest? digest)
    {
        Project = project;
        Item = item;
        Repository = repository;
        Spec = spec;
        Tag = tag;
        Digest = digest;
    }

    /// <summary>The referencing project, root-relative with '/' separators.</summary>
    public string Project { get; }

    public SkillReferenceItem Item { get; }

    /// <summary>Registry and repository, without tag or digest.</summary>
    public Oci.ImageReference Repository { get; }

    /// <summary>What to resolve against the tags; null when the Include pins a digest.</summary>
    public VersionSpec? Spec { get; }

    /// <summary>The tag from the Include (<c>repo:tag</c>), if any.</summary>
    public string? Tag { get; }

    /// <summary>The digest from the Include (<c>repo@sha256:...</c>); the digest wins over any tag.</summary>
    public Oci.Digest? Digest { get; }

    /// <summary>The request as the lock records it for this project.</summary>
    public LockRequest ToLockRequest() =>
        (Digest is { } digest ? new LockRequest(Project, Tag: Tag, Digest: digest)
        : Item.Version is { Length: > 0 } v && Tag is null ? new LockRequest(Project, v.Trim())
        : new LockRequest(Project, Tag: Tag)) with { Override = IsOverride, Skills = Subset };

    /// <summary>
    /// <c>Skills="pdf;review"</c> on a reference to a collection: the members to install, normalized
    /// (<see cref="LockRequest.JoinSkills"/>); null for every member.
    /// </summary>
    public string? Subset => LockRequest.JoinSkills(
        Item.Metadata?.FirstOrDefault(p => string.Equals(p.Key, "Skills", StringComparison.OrdinalIgnoreCase)).Value?.Split([';', ','], StringSplitOptions.RemoveEmptyEntries));

    /// <summary><c>Override="true"</c>: this reference wins over a package skill of the same name.</summary>
    public bool IsOverride =>
        Item.Metadata?.FirstOrDefault(p => string.Equals(p.Key, "Override", StringComparison.OrdinalIgnoreCase)).Value is { } value &&
        string.Equals(value.Trim(), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Where diagnostics about this request point: the project file.</summary>
    public string ProjectFile { get; init; } = string.Empty;

    public override string ToString() => Item.Version is { Length: > 0 } v ? $"{Item.Include} (Version {v})" : Item.Include;

    /// <summary>Parses one item; a problem is a <c>SKOCI3001</c> error naming the project file.</summary>
    public static SkillRequest Parse(string project, string projectFile, SkillReferenceItem item) =>
        Parse(project, projectFile, item, SkillRequestSubject.SkillReference);

    /// <summary>
    /// Parses anything written as a SkillReference is (a collection member, a <c>--skill</c> argument):
    /// the same rule, the <paramref name="subject"/>'s words and code in a problem, at its file and line.
    /// </summary>
    public static SkillRequest Parse(string project, string projectFile, SkillReferenceItem item, SkillRequestSubject subject, int line = 0)
    {
        var what = $"The {subject.Noun} '{item.Include}'";
        if (!Oci.ImageReference.TryParse(item.Include?.Trim(), out var reference, out var referenceError))
        {
            throw Invalid(subject, projectFile, line, $"{what} is not a valid OCI reference: {referenceError.TrimEnd('.')}. Use REGISTRY/REPOSITORY with a Version, or with :TAG or @sha256:DIGEST.");
        }

        var version = string.IsNullOrWhiteSpace(item.Version) ? null : item.Version.Trim();
        var repository = Oci.ImageReference.Create(reference!.Registry, reference.Repository);
        if (reference.Digest is { } digest)
        {
            if (version is not null)
            {
                throw Invalid(subject, projectFile, line, $"{what} pins a digest and also sets Version '{version}'. Remove one of them.");
            }

            return new SkillRequest(project, item, repository, null, reference.Tag, digest) { ProjectFile = projectFile };
        }

        if (reference.Tag is { } tag)
        {
            if (version is not null && version != tag)
            {
                throw Invalid(subject, projectFile, line, $"{what} names the tag '{tag}' and also sets Version '{version}'. Remove one of them.");
            }

            return new SkillRequest(project, item, repository, VersionSpec.ForTag(tag), tag, null) { ProjectFile = projectFile };
        }

        if (version is null)
        {
            throw Invalid(subject, projectFile, line, $"{what} has no Version. Add Version=\"1.0.0\" (a minimum, as for PackageReference), a range such as \"1.*\", or a tag.");
        }

        if (!VersionSpec.TryParse(version, out var spec, out var specError))
        {
            throw Invalid(subject, projectFile, line, $"{what} has an invalid Version: {specError.TrimEnd('.')}.");
        }

        return new SkillRequest(project, item, repository, spec, null, null) { ProjectFile = projectFile };
    }

    private static Diagnostics.SkillsOciException Invalid(SkillRequestSubject subject, string projectFile, int line, string message) =>
        new(subject.Code, message, string.IsNullOrEmpty(projectFile) ? null : projectFile, line);
}

/// <summary>What a request parsed by <see cref="SkillRequest.Parse(string, string, SkillReferenceItem, SkillRequestSubject, int)"/> is called in a problem, and the problem's code.</summary>
public sealed record SkillRequestSubject(string Noun, string Code)
{
    public static SkillRequestSubject SkillReference { get; } = new("SkillReference", Diagnostics.ErrorCodes.InvalidSkillReference);
}
