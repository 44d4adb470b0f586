using Skills.Oci.Build.Restore;

namespace Skills.Oci.Build.Tests.Restore;

/// <summary>
/// A repository root (a folder holding .git) with projects, a layout-backed registry and a private
/// cache, all in one temporary folder; restores run the real engine against them.
/// </summary>
public sealed class RestoreWorkspace : IDisposable
{
    private static readonly HashSet<string> GitFolder = new(StringComparer.Ordinal) { ".git" };

    private readonly TempFolder _folder = new();

    public RestoreWorkspace()
    {
        Root = _folder.Combine("repo");
        Directory.CreateDirectory(Path.Combine(Root, ".git"));
        CachePath = _folder.Combine("cache");
        Registry = new SkillRegistry(_folder.Combine("registry"));
        Source = new CountingSkillSource(Registry.Source);
        Project();
    }

    public static readonly DateTimeOffset Now = new(2026, 4, 2, 8, 11, 9, TimeSpan.Zero);

    public string Root { get; }

    public string CachePath { get; }

    public SkillRegistry Registry { get; }

    public CountingSkillSource Source { get; }

    public string LockPath => Path.Combine(Root, "skills.lock.json");

    public string TempPath(string name) => _folder.Combine(name);

    public SkillRestoreOptions Options(DateTimeOffset? now = null) => new()
    {
        CachePath = CachePath,
        Time = new FixedTime(now ?? Now),
        LockTimeout = TimeSpan.FromSeconds(60),
    };

    /// <summary>Creates (if needed) a project file at a root-relative path and returns its full path.</summary>
    public string Project(string relative = "src/App/App.csproj")
    {
        var path = Path.Combine(Root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        if (!File.Exists(path))
        {
            File.WriteAllText(path, "<Project />");
        }

        return path;
    }

    public Task<SkillRestoreResult> RestoreAsync(string project, SkillRestoreOptions? options = null, params SkillReferenceItem[] references) =>
        new SkillRestoreEngine(Source).RestoreAsync(
            new SkillRestoreRequest { SkillsRoot = Root, ProjectPath = Project(project), References = references },
            options ?? Options(),
            CancellationToken.None);

    public Task<SkillRestoreResult> RestoreAsync(params SkillReferenceItem[] references) => RestoreAsync("src/App/App.csproj", null, references);

    public static SkillReferenceItem Ref(string name, string? version = "1.0.0") => new(SkillRegistry.Repo(name), version);

    public string SkillFolder(string name) => Path.Combine(Root, ".agents", "skills", name);

    public string ClaudeLink(string name) => Path.Combine(Root, ".claude", "skills", name);

    /// <summary>Every path under the root (except .git) with its content hash or link target, for "nothing changed" checks.</summary>
    public IReadOnlyDictionary<string, string> Snapshot() => FolderSnapshot.Take(Root, GitFolder);

    public void Dispose() => _folder.Dispose();

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
