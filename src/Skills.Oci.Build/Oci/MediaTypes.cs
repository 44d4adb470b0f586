namespace Skills.Oci.Build.Oci;

/// <summary>Media and artifact types used by OCI registries and by the skill format.</summary>
public static class MediaTypes
{
    public const string OciManifest = "application/vnd.oci.image.manifest.v1+json";
    public const string OciIndex = "application/vnd.oci.image.index.v1+json";
    public const string DockerManifest = "application/vnd.docker.distribution.manifest.v2+json";
    public const string DockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json";
    public const string OciImageConfig = "application/vnd.oci.image.config.v1+json";
    public const string OciEmpty = "application/vnd.oci.empty.v1+json";

    public const string SkillArtifact = "application/vnd.agentskills.skill.v1";
    public const string SkillConfig = "application/vnd.agentskills.skill.config.v1+json";
    public const string SkillContentLayer = "application/vnd.agentskills.skill.content.v1.tar+gzip";
    public const string SkillCollection = "application/vnd.agentskills.collection.v1";

    /// <summary>Red Hat skillimage's collection: an artifact manifest whose one layer is a YAML list of skill images.</summary>
    public const string SkillImageCollection = "application/vnd.skillimage.collection.v1+yaml";

    public const string SigstoreBundleV03 = "application/vnd.dev.sigstore.bundle.v0.3+json";

    /// <summary>
    /// Every manifest type we can read. distribution 2.8 answers 404 to a manifest request whose
    /// Accept header lacks the OCI types, so this list goes on every manifest GET and HEAD.
    /// </summary>
    public static readonly IReadOnlyList<string> ManifestAccept =
    [
        OciManifest,
        OciIndex,
        DockerManifest,
        DockerManifestList,
    ];

    public static bool IsManifest(string? mediaType) =>
        mediaType is OciManifest or DockerManifest;

    public static bool IsIndex(string? mediaType) =>
        mediaType is OciIndex or DockerManifestList;
}

/// <summary>Annotation keys used by the skill format.</summary>
public static class AnnotationKeys
{
    public const string Created = "org.opencontainers.image.created";
    public const string Title = "org.opencontainers.image.title";
    public const string Description = "org.opencontainers.image.description";
    public const string Version = "org.opencontainers.image.version";
    public const string Licenses = "org.opencontainers.image.licenses";
    public const string Source = "org.opencontainers.image.source";
    public const string Revision = "org.opencontainers.image.revision";
    public const string RefName = "org.opencontainers.image.ref.name";
    public const string SkillName = "io.agentskills.skill.name";
    public const string SkillCompatibility = "io.agentskills.skill.compatibility";
    public const string SkillRef = "io.agentskills.skill.ref";
    public const string CollectionName = "io.agentskills.collection.name";

    /// <summary>The skills a skill needs: a JSON array of <c>{"ref": "...", "version": "..."}</c>.</summary>
    public const string SkillRequires = "io.agentskills.skill.requires";

    /// <summary>ToolHive's form of the same: a JSON array of reference strings.</summary>
    public const string ToolHiveRequires = "dev.toolhive.skills.requires";

    public const string SkillImageCollectionName = "io.skillimage.collection.name";
}
