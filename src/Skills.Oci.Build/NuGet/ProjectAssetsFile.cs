using System.Text.Json;
using Skills.Oci.Build.Diagnostics;

namespace Skills.Oci.Build.NuGet;

/// <summary>One package of the resolved graph: its identity and its folder relative to a packages folder (<c>libraries[].path</c>).</summary>
public sealed record ResolvedPackage(PackageIdentity Identity, string Path);

/// <summary>
/// What Skills.Oci reads of NuGet's obj/project.assets.json: the packages of every target framework's
/// graph (<c>targets</c>, type <c>package</c>, with their <c>libraries</c> path) and the folders they
/// were restored into (<c>packageFolders</c>, the global packages folder first). Projects are not
/// packages and are skipped; nothing else of the file is interpreted.
/// </summary>
public sealed class ProjectAssetsFile
{
    private ProjectAssetsFile(IReadOnlyList<ResolvedPackage> packages, IReadOnlyList<string> packageFolders)
    {
        Packages = packages;
        PackageFolders = packageFolders;
    }

    /// <summary>Distinct packages of all target graphs, sorted by id then version.</summary>
    public IReadOnlyList<ResolvedPackage> Packages { get; }

    /// <summary>Full paths, in the file's order (the first is the global packages folder).</summary>
    public IReadOnlyList<string> PackageFolders { get; }

    public static async Task<ProjectAssetsFile> ReadAsync(string path, CancellationToken cancellationToken)
    {
        byte[] bytes;
        try
        {
            bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw Invalid(path, $"it cannot be read ({ex.Message})", ex);
        }

        return Parse(bytes, path);
    }

    public static ProjectAssetsFile Parse(byte[] bytes, string path)
    {
        try
        {
            using var document = JsonDocument.Parse(bytes, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            return Read(document.RootElement, path);
        }
        catch (JsonException ex)
        {
            throw Invalid(path, $"it is not valid JSON ({ex.Message})", ex);
        }
    }

    private static ProjectAssetsFile Read(JsonElement root, string path)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw Invalid(path, "the top level is not an object");
        }

        var libraries = new Dictionary<string, JsonElement>(StringComparer.OrdinalIgnoreCase);
        if (root.TryGetProperty("libraries", out var libraryObject) && libraryObject.ValueKind == JsonValueKind.Object)
        {
            foreach (var library in libraryObject.EnumerateObject())
            {
                libraries[library.Name] = library.Value;
            }
        }

        var packages = new Dictionary<PackageIdentity, ResolvedPackage>();
        if (root.TryGetProperty("targets", out var targets) && targets.ValueKind == JsonValueKind.Object)
        {
            foreach (var key in targets.EnumerateObject().Where(t => t.Value.ValueKind == JsonValueKind.Object).SelectMany(t => t.Value.EnumerateObject()))
            {
                if (!IsPackage(key.Value) || !libraries.TryGetValue(key.Name, out var library) || !IsPackage(library))
                {
                    continue;
                }

                var slash = key.Name.IndexOf('/');
                if (slash <= 0 || !PackageIdentity.TryCreate(key.Name[..slash], key.Name[(slash + 1)..], out var identity))
                {
                    throw Invalid(path, $"the package key '{key.Name}' is not '<id>/<version>'");
                }

                var folder = library.TryGetProperty("path", out var pathElement) && pathElement.ValueKind == JsonValueKind.String
                    ? pathElement.GetString()!.Replace('\\', '/')
                    : identity!.FolderPath;
                if (folder.Length == 0 || folder.StartsWith('/') || folder.Split('/').Contains(".."))
                {
                    throw Invalid(path, $"the path '{folder}' of the package {identity} leaves the packages folder");
                }

                packages.TryAdd(identity!, new ResolvedPackage(identity!, folder));
            }
        }

        var folders = new List<string>();
        if (root.TryGetProperty("packageFolders", out var folderObject) && folderObject.ValueKind == JsonValueKind.Object)
        {
            folders.AddRange(folderObject.EnumerateObject().Select(f => f.Name).Where(Path.IsPathRooted));
        }

        var ordered = packages.Values
            .OrderBy(p => p.Identity.Id, StringComparer.OrdinalIgnoreCase)
            .ThenBy(p => p.Identity.SemanticVersion)
            .ToList();
        return new ProjectAssetsFile(ordered, folders);
    }

    private static bool IsPackage(JsonElement element) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty("type", out var type) &&
        type.ValueKind == JsonValueKind.String && type.GetString() == "package";

    private static SkillsOciException Invalid(string path, string detail, Exception? inner = null) =>
        new(ErrorCodes.PackageAssetsInvalid, $"NuGet's assets file cannot be read for package skills: {detail}. Run 'dotnet restore' again; if it persists, delete the project's obj folder.", path, 0, inner);
}
