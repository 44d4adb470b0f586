using Microsoft.Build.Framework;
using Skills.Oci.Build.Packaging;

namespace Skills.Oci.Build.Tasks;

/// <summary>
/// What both collection tasks read from a collection project: the target, the name, and the members
/// (SkillCollectionMember items, and the pushed references of the skill projects it references).
/// </summary>
public abstract class SkillCollectionTask : SkillsOciTask
{
    public string? SkillRepository { get; set; }

    public string? Version { get; set; }

    public string[] AdditionalTags { get; set; } = [];

    public string? CollectionName { get; set; }

    public string? Description { get; set; }

    public string? RepositoryUrl { get; set; }

    public string? SourceRevisionId { get; set; }

    public string? SourceDateEpoch { get; set; }

    /// <summary>SkillCollectionMember items: Include is the repository (or a tag or digest reference), metadata Version.</summary>
    public ITaskItem[] Members { get; set; } = [];

    /// <summary>SkillPushOutput items of referenced skill projects (<c>registry/repository:tag@digest</c>), pinned as pushed.</summary>
    public ITaskItem[] ProjectMembers { get; set; } = [];

    /// <summary>Referenced skill projects not pushed yet (validation only counts them as members).</summary>
    public ITaskItem[] ReferencedProjects { get; set; } = [];

    public string ProjectFile { get; set; } = string.Empty;

    /// <summary>Problems without a better location point at the project, not at the SDK's targets file.</summary>
    protected override string? DefaultDiagnosticFile => string.IsNullOrEmpty(ProjectFile) ? base.DefaultDiagnosticFile : ProjectFile;

    protected SkillCollectionPublishRequest CreateRequest() => new()
    {
        Repository = SkillRepository,
        Version = Version,
        AdditionalTags = AdditionalTags,
        Name = CollectionName,
        Description = Description,
        RepositoryUrl = RepositoryUrl,
        SourceRevisionId = SourceRevisionId,
        SourceDateEpoch = SourceDateEpoch,
        ProjectFile = DefaultDiagnosticFile ?? string.Empty,
        ReferencedProjects = ReferencedProjects.Select(p => p.ItemSpec).ToList(),
        Members = Members.Select(Member).Concat(ProjectMembers.Select(p => new SkillCollectionMemberInput(p.ItemSpec, null, DefaultDiagnosticFile))).ToList(),
    };

    private SkillCollectionMemberInput Member(ITaskItem item)
    {
        var (file, line) = ItemLocation.Of(item, "SkillCollectionMember", DefaultDiagnosticFile);
        return new SkillCollectionMemberInput(item.ItemSpec, item.GetMetadata("Version"), file, line);
    }
}
