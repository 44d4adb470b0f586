using System.Globalization;
using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Oci;

namespace Skills.Oci.Build.Restore;

/// <summary>
/// Where a locked skill came from: a closed union of <see cref="RegistryLockSource"/> (an OCI artifact)
/// and <see cref="NuGetLockSource"/> (a folder inside a NuGet package), parsed at the edge
/// (<see cref="LockFileReader"/>) so code past it matches on the case it handles.
/// </summary>
public abstract record LockSource
{
    private protected LockSource()
    {
    }

    /// <summary>For messages: <c>registry/repository:tag@digest</c>, or <c>nuget:Package/Version/path</c>.</summary>
    public abstract string Ref { get; }

    /// <summary>The key that groups every project's request for one skill: <c>registry/repository</c>, or <c>nuget:&lt;name&gt;</c>.</summary>
    public abstract string GroupKey { get; }

    /// <summary>The resolved version for messages: the tag (or short digest), or the package version.</summary>
    public abstract string VersionDisplay { get; }

    /// <summary>True when both sources pin the same content (same registry digest; same package, version and path).</summary>
    public abstract bool PinsSameContentAs(LockSource? other);
}

/// <summary>A skill restored from a registry: registry, repository, the tag resolved and the manifest digest.</summary>
public sealed record RegistryLockSource(string Registry, string Repository, string Tag, Digest Digest) : LockSource
{
    /// <summary><c>registry/repository:tag@digest</c>, or <c>registry/repository@digest</c> without a tag.</summary>
    public override string Ref => $"{Registry}/{Repository}{(Tag.Length > 0 ? ":" + Tag : string.Empty)}@{Digest}";

    public override string GroupKey => RepositoryKey;

    public override string VersionDisplay => Tag.Length > 0 ? Tag : "@" + Digest.ToString()[..19] + "…";

    public override bool PinsSameContentAs(LockSource? other) => other is RegistryLockSource registry && registry.Digest == Digest;

    /// <summary>The pinned reference to pull: repository and digest.</summary>
    public ImageReference PinnedReference => ImageReference.Create(Registry, Repository, digest: Digest);

    public ImageReference RepositoryReference => ImageReference.Create(Registry, Repository);

    /// <summary><c>registry/repository</c>: the key that groups every project's request for one skill.</summary>
    public string RepositoryKey => $"{Registry}/{Repository}";

    public bool IsSameRepository(ImageReference repository) =>
        Registry == repository.Registry && Repository == repository.Repository;
}

/// <summary>
/// A skill that came with a NuGet package: the package id (as the assets file spells it), the resolved
/// version (normalized) and the folder inside the package, <c>skills/&lt;name&gt;</c>.
/// </summary>
public sealed record NuGetLockSource(string Package, string Version, string Path) : LockSource
{
    public const string Type = "nuget";

    /// <summary>The group key of a package skill: its name (two packages bringing one name are one conflict).</summary>
    public static string KeyFor(string skillName) => Type + ":" + skillName;

    public override string Ref => $"{Type}:{Package}/{Version}/{Path}";

    public override string GroupKey => KeyFor(Path[(Path.LastIndexOf('/') + 1)..]);

    public override string VersionDisplay => Version;

    public override bool PinsSameContentAs(LockSource? other) =>
        other is NuGetLockSource nuget && string.Equals(nuget.Package, Package, StringComparison.OrdinalIgnoreCase) &&
        string.Equals(nuget.Version, Version, StringComparison.OrdinalIgnoreCase) && nuget.Path == Path;
}

/// <summary>
/// One project's request for a skill, as the lock records it: the project (root-relative, '/'), and
/// exactly what its SkillReference asked: a <c>Version</c>, a tag in the Include, or a digest (with the
/// Include's tag, if it had one). Resolution is a function of the set of these, so it never depends on
/// which project restored last.
/// </summary>
public sealed record LockRequest(string Project, string? Version = null, string? Tag = null, Digest? Digest = null)
{
    /// <summary>
    /// The SkillReference set <c>Override="true"</c>: this registry skill wins over a package skill of the
    /// same name (<see cref="PackageSkillLock"/>). For a package skill's request, <see cref="Version"/> is
    /// the package version that project resolved.
    /// </summary>
    public bool Override { get; init; }

    /// <summary>The request as a user wrote it, for messages: <c>Version 1.0.0</c>, <c>:latest</c>, <c>@sha256:…</c>.</summary>
    public string Display =>
        Digest is { } digest ? $"{(Tag is null ? string.Empty : ":" + Tag)}@{digest}"
        : Tag is not null ? ":" + Tag
        : $"Version {Version}";

    /// <summary><see cref="Display"/> with the subset, for messages about collections.</summary>
    public string DisplayWithSkills => Skills is null ? Display : $"{Display} (Skills {Skills})";

    /// <summary>The spec to match tags against; null for a digest request.</summary>
    public VersionSpec? ToSpec()
    {
        if (Digest is not null)
        {
            return null;
        }

        if (Tag is not null)
        {
            return VersionSpec.ForTag(Tag);
        }

        return VersionSpec.TryParse(Version, out var spec, out _) ? spec : null;
    }

    /// <summary>
    /// For a collection: the <c>Skills</c> subset the project asked, the member names sorted and joined
    /// with ';' (a string, so requests keep value equality); null for every member.
    /// </summary>
    public string? Skills { get; init; }

    /// <summary>The normalized form of a subset: distinct names, ordinal order, ';' between; null for none.</summary>
    public static string? JoinSkills(IEnumerable<string>? names) =>
        names?.Select(n => n.Trim()).Where(n => n.Length > 0).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList() is { Count: > 0 } list ? string.Join(";", list) : null;

    /// <summary>The subset as names; null for every member.</summary>
    public IReadOnlyList<string>? SkillNames => Skills?.Split(';');

    /// <summary>By project; a dependency may hold several requests of one project (one per requiring skill's ask), ordered by what they ask.</summary>
    public static int CompareByProject(LockRequest a, LockRequest b) =>
        StringComparer.Ordinal.Compare(a.Project, b.Project) is var byProject and not 0 ? byProject : StringComparer.Ordinal.Compare(a.Display, b.Display);
}

/// <summary>One entry of skills.lock.json (see docs/lock-file.md).</summary>
public sealed record LockEntry
{
    public required string Name { get; init; }

    /// <summary>Primary folder relative to the lock's folder, '/' separated: <c>.agents/skills/&lt;name&gt;</c>.</summary>
    public required string Path { get; init; }

    public required LockSource Source { get; init; }

    /// <summary>
    /// The registry source, for the registry pipeline (plan, resolution, staging, trust), which only ever
    /// holds registry entries: a package entry reaching it is a bug, not a user error.
    /// </summary>
    public RegistryLockSource RegistrySource => Source as RegistryLockSource
        ?? throw new InvalidOperationException($"The skill '{Name}' comes from {Source.Ref}, not from a registry.");

    public bool IsFromRegistry => Source is RegistryLockSource;

    /// <summary>RFC 3339 UTC; kept as read so another tool's format survives an unchanged entry.</summary>
    public required string InstalledAt { get; init; }

    /// <summary>Agent-folder entries we created (links or copies), root-relative, '/' separated, sorted.</summary>
    public IReadOnlyList<string> AdditionalPaths { get; init; } = [];

    /// <summary>Every project's request for this skill, sorted by project (one per project).</summary>
    public IReadOnlyList<LockRequest> Requests { get; init; } = [];

    /// <summary>Root-relative project files that reference the skill, sorted (the lock's <c>projects</c>).</summary>
    public IReadOnlyList<string> Projects => Requests.Select(r => r.Project).ToList();

    /// <summary>
    /// What a trust policy verified at install: <c>key:sha256:&lt;hex&gt;</c> or <c>keyless:&lt;issuer&gt;|&lt;identity&gt;</c>
    /// (plus <c>+provenance:&lt;source&gt;</c> when provenance was required); null when no policy applied.
    /// </summary>
    public string? VerifiedBy { get; init; }

    /// <summary>The <see cref="SkillTree"/> digest of the folder as installed; null when unknown (older locks, other tools).</summary>
    public Digest? ContentDigest { get; init; }

    /// <summary>The content scan of the folder as installed (findings per code, accepted ones); null when not scanned (older locks, other tools, <c>SkillsSecurityMode=off</c>).</summary>
    public Security.ScanRecord? Scan { get; init; }

    /// <summary>
    /// The name of the collection (in <see cref="LockFile.Collections"/>) this skill is a member of; null
    /// for a skill a project references itself. A member's requests are those of its collection.
    /// </summary>
    public string? Collection { get; init; }

    /// <summary>
    /// Names of the skills that require this one (sorted): set only for a skill installed as a dependency.
    /// A dependency's requests are what its requirers ask, for each project that brings a requirer in (distinct).
    /// </summary>
    public IReadOnlyList<string> RequiredBy { get; init; } = [];

    /// <summary>True for an entry the restore derived (a collection member or a dependency), not one a project asked for by its repository.</summary>
    public bool IsDerived => Collection is not null || RequiredBy.Count > 0;

    /// <summary>The primary path for a skill name.</summary>
    public static string PrimaryPath(string name) => $"{SkillsRootPath.SkillsFolder}/{name}";

    /// <summary>True when the entry's path is the standard one, the only primary folder we manage.</summary>
    public bool HasStandardPath => Path == PrimaryPath(Name);

    /// <summary>Equality of everything but <see cref="InstalledAt"/>.</summary>
    public bool SameContentAs(LockEntry other) =>
        SameResolutionAs(other) && VerifiedBy == other.VerifiedBy && ContentDigest == other.ContentDigest && Equals(Scan, other.Scan);

    /// <summary>
    /// Locked mode's comparison: the resolution and the requests are the same; a verification or content
    /// digest may be filled in where the lock lacks it (that is not a resolution change).
    /// </summary>
    public bool SameResolutionAs(LockEntry locked) =>
        Name == locked.Name && Path == locked.Path && Source == locked.Source && Collection == locked.Collection &&
        RequiredBy.SequenceEqual(locked.RequiredBy, StringComparer.Ordinal) &&
        AdditionalPaths.SequenceEqual(locked.AdditionalPaths, StringComparer.Ordinal) &&
        Requests.SequenceEqual(locked.Requests) &&
        (locked.VerifiedBy is null || VerifiedBy == locked.VerifiedBy) &&
        (locked.ContentDigest is null || ContentDigest is null || ContentDigest == locked.ContentDigest);
}

/// <summary>
/// skills.lock.json, the model: one entry per skill of the root. <see cref="LockFileFormat"/> reads and
/// writes it.
/// </summary>
public sealed record LockFile
{
    public const string FileName = "skills.lock.json";
    public const int Version = 1;

    public static LockFile Empty { get; } = new();

    public string? GeneratedAt { get; init; }

    public IReadOnlyList<LockEntry> Skills { get; init; } = [];

    /// <summary>The collections projects reference, sorted by name; their members are entries of <see cref="Skills"/>.</summary>
    public IReadOnlyList<CollectionLockEntry> Collections { get; init; } = [];

    public LockEntry? Find(string name) => Skills.FirstOrDefault(s => s.Name == name);

    public CollectionLockEntry? FindCollection(string name) => Collections.FirstOrDefault(c => c.Name == name);

    /// <summary>The entries installed as members of <paramref name="collection"/>.</summary>
    public IEnumerable<LockEntry> MembersOf(string collection) => Skills.Where(s => s.Collection == collection);

    /// <summary>RFC 3339 UTC, whole seconds.</summary>
    public static string FormatTimestamp(DateTimeOffset time) =>
        time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Reads the lock, or null when the file does not exist.</summary>
    public static async Task<LockFile?> ReadAsync(string path, CancellationToken cancellationToken)
    {
        byte[] bytes;
        try
        {
            bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw RestoreIo.Failure(path, "read", ex);
        }

        return Parse(bytes, path);
    }

    public static LockFile Parse(byte[] bytes, string path) => LockFileFormat.Parse(bytes, path);

    /// <summary>The deterministic bytes of this lock.</summary>
    public byte[] Serialize() => LockFileFormat.Serialize(this);

    /// <summary>True when both locks hold the same entries, timestamps aside.</summary>
    public bool SameContentAs(LockFile other) => Compare(other, (a, b) => a.SameContentAs(b));

    /// <summary>Locked mode: true when this lock resolves exactly as <paramref name="locked"/> (see <see cref="LockEntry.SameResolutionAs"/>).</summary>
    public bool SameResolutionAs(LockFile locked) => Compare(locked, (a, b) => a.SameResolutionAs(b));

    private bool Compare(LockFile other, Func<LockEntry, LockEntry, bool> same)
    {
        if (!Collections.OrderBy(c => c.Name, StringComparer.Ordinal).SequenceEqual(other.Collections.OrderBy(c => c.Name, StringComparer.Ordinal), CollectionLockEntry.Comparer))
        {
            return false;
        }

        var mine = Skills.OrderBy(s => s.Name, StringComparer.Ordinal).ToList();
        var theirs = other.Skills.OrderBy(s => s.Name, StringComparer.Ordinal).ToList();
        return mine.Count == theirs.Count && mine.Zip(theirs).All(p => same(p.First, p.Second));
    }
}

/// <summary>
/// A collection a project references, as the lock records it: its name, the index it resolved to (tag
/// and index digest), every project's request and the members installed from it. A locked restore
/// installs the members from their own entries, so it needs no tag lookup for them.
/// </summary>
public sealed record CollectionLockEntry
{
    /// <summary>The collection's name (<c>io.agentskills.collection.name</c>, else the repository's last segment).</summary>
    public required string Name { get; init; }

    /// <summary>The collection index: registry, repository, tag and index digest.</summary>
    public required RegistryLockSource Source { get; init; }

    /// <summary>Every project's request for the collection, sorted by project.</summary>
    public IReadOnlyList<LockRequest> Requests { get; init; } = [];

    /// <summary>Names of the member skills installed from it (sorted): the subset when every request names one.</summary>
    public IReadOnlyList<string> Members { get; init; } = [];

    /// <summary>The collections it lists (at any depth) that members were installed through, each by the digest read, sorted by name (the lock's <c>nested</c>).</summary>
    public IReadOnlyList<NestedCollectionLockEntry> Nested { get; init; } = [];

    public IReadOnlyList<string> Projects => Requests.Select(r => r.Project).ToList();

    internal static IEqualityComparer<CollectionLockEntry> Comparer { get; } = EqualityComparer<CollectionLockEntry>.Create(
        (a, b) => a is not null && b is not null && a.Name == b.Name && a.Source == b.Source &&
                  a.Requests.SequenceEqual(b.Requests) && a.Members.SequenceEqual(b.Members, StringComparer.Ordinal) && a.Nested.SequenceEqual(b.Nested),
        c => c.Name.GetHashCode(StringComparison.Ordinal));
}

/// <summary>A collection listed by a collection the projects reference: its name and the index it was read at (registry, repository, tag, digest).</summary>
public sealed record NestedCollectionLockEntry(string Name, RegistryLockSource Source);
