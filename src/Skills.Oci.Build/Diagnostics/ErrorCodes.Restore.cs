namespace Skills.Oci.Build.Diagnostics;

/// <summary>Restore, lock file and materialization codes (band 3xxx); each has a page in docs/errors/.</summary>
public static partial class ErrorCodes
{
    /// <summary>A SkillReference's Include or Version cannot be used (bad range, tag and Version both given, nothing to resolve).</summary>
    public const string InvalidSkillReference = "SKOCI3001";

    /// <summary>No tag of the repository satisfies the requested Version; the nearest versions are listed.</summary>
    public const string NoMatchingSkillVersion = "SKOCI3002";

    /// <summary>Warning: the requested minimum version does not exist; a higher one was chosen.</summary>
    public const string SkillVersionNotExactMatch = "SKOCI3003";

    /// <summary>The manifest is not a skill artifact (wrong artifactType or config media type).</summary>
    public const string NotASkillArtifact = "SKOCI3004";

    /// <summary>The reference points at an image index (perhaps a collection) where one skill was expected.</summary>
    public const string SkillReferenceIsIndex = "SKOCI3005";

    /// <summary>The skill manifest does not have exactly one content layer.</summary>
    public const string SkillLayerCount = "SKOCI3006";

    /// <summary>The skill config blob is not valid (not JSON, wrong schemaVersion, missing or unsafe name).</summary>
    public const string InvalidSkillConfig = "SKOCI3007";

    /// <summary>The config name, the name annotation, the archive root or SKILL.md's name disagree.</summary>
    public const string SkillNameMismatch = "SKOCI3008";

    /// <summary>Inline config data in the manifest does not match the config descriptor's digest or size.</summary>
    public const string InlineConfigMismatch = "SKOCI3009";

    /// <summary>An archive entry name is unsafe (empty, absolute, '..', '\', NUL, outside &lt;name&gt;/).</summary>
    public const string UnsafeArchiveEntry = "SKOCI3010";

    /// <summary>Two archive entries map to the same path (also when only the letter case differs).</summary>
    public const string DuplicateArchiveEntry = "SKOCI3011";

    /// <summary>An archive entry is a symlink, hard link, device, FIFO or other non-regular type.</summary>
    public const string UnsupportedArchiveEntryType = "SKOCI3012";

    /// <summary>A size limit was exceeded (descriptor size, uncompressed bytes, entry count, path length).</summary>
    public const string SkillContentTooLarge = "SKOCI3013";

    /// <summary>The archive holds no &lt;name&gt;/SKILL.md, or its frontmatter has no name.</summary>
    public const string MissingSkillFile = "SKOCI3014";

    /// <summary>The layer is not a readable gzip-compressed tar archive.</summary>
    public const string CorruptSkillArchive = "SKOCI3015";

    /// <summary>A path Skills.Oci would write through (.agents, .agents/skills, the skill folder, an agent folder) is a link or a file.</summary>
    public const string SkillPathIsLink = "SKOCI3016";

    /// <summary>A folder or link that Skills.Oci did not create occupies a path it needs.</summary>
    public const string SkillPathNotManaged = "SKOCI3017";

    /// <summary>An agent folder (SkillsAgentDirectories) is absolute or leaves the skills root.</summary>
    public const string AgentDirectoryOutsideRoot = "SKOCI3018";

    /// <summary>skills.lock.json is not valid JSON or does not follow the lock schema.</summary>
    public const string InvalidLockFile = "SKOCI3019";

    /// <summary>A digest in skills.lock.json is not 'sha256:' followed by 64 lower-case hex characters.</summary>
    public const string InvalidLockDigest = "SKOCI3020";

    /// <summary>Two projects under one skills root request one skill incompatibly.</summary>
    public const string IncompatibleSkillRequests = "SKOCI3021";

    /// <summary>Two SkillReference items of one project resolve to the same skill name.</summary>
    public const string DuplicateSkillName = "SKOCI3022";

    /// <summary>Locked mode is on and the lock would change.</summary>
    public const string LockedModeChange = "SKOCI3023";

    /// <summary>Another restore held the skills root's lock for the whole timeout.</summary>
    public const string SkillsRootBusy = "SKOCI3024";

    /// <summary>Warning: offline (design-time) restore could not install a skill that is not locked and cached.</summary>
    public const string SkillUnavailableOffline = "SKOCI3025";

    /// <summary>Warning: an entry of SkillsToUpdate names no skill, repository or SkillReference of the root.</summary>
    public const string SkillsToUpdateMatchesNothing = "SKOCI3027";

    /// <summary>Projects of one skills root set the root-shaping properties (agent folders, .gitignore, lock, cache) differently.</summary>
    public const string RootSettingsDisagree = "SKOCI3028";

    /// <summary>Warning: a tag now points at another digest than the one the lock pinned for it.</summary>
    public const string TagMoved = "SKOCI3029";

    /// <summary>A file or folder under the skills root, the lock or the cache could not be read or written (I/O or permissions).</summary>
    public const string RestoreIoFailure = "SKOCI3030";

    /// <summary>The digest the lock pins is no longer in the registry.</summary>
    public const string LockedDigestGone = "SKOCI3031";

    /// <summary>A restore property (such as SkillsMaxParallelDownloads) has a value it cannot take.</summary>
    public const string RestorePropertyInvalid = "SKOCI3032";
}
