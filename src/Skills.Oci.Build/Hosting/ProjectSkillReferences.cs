using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.FileSystem;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Restore;

namespace Skills.Oci.Build.Hosting;

/// <summary>What an add or remove did to a project: the edit, and the exit code of the project's own skill restore.</summary>
public sealed record ProjectSkillEditOutcome(ProjectEdit Edit, int Removed, int RestoreExitCode)
{
    /// <summary>In a repository with central skill versions: the Directory.Packages.props whose <c>SkillVersion</c> was written.</summary>
    public string? CentralVersionsFile { get; init; }

    /// <summary>True when the restore failed and the project file was put back as it was.</summary>
    public bool Reverted => RestoreExitCode != 0;
}

/// <summary>How the project's own restore runs: MSBuild's verbosity, where its lines go, the tool's fallback targets (<see cref="MSBuildRunRequest.FallbackTargetsFile"/>).</summary>
public sealed record ProjectRestoreSettings(string Verbosity, Action<string> OnLine, string? FallbackTargetsFile = null);

/// <summary>
/// Adds or removes a project's <c>SkillReference</c> (<see cref="ProjectFileEditor"/>), then restores its
/// skills with the project's own targets (its RestoreSkills target, run by <see cref="MSBuildRunner"/>): exactly what
/// <c>dotnet restore</c> does for skills (lock, trust policies, links, pruning). A failed restore puts the
/// project file back byte for byte, so a failure changes nothing.
/// </summary>
public static class ProjectSkillReferences
{
    public static async Task<ProjectSkillEditOutcome> AddAsync(string projectPath, ImageReference reference, string version, ProjectRestoreSettings restore, CancellationToken cancellationToken)
    {
        var repository = ImageReference.Create(reference.Registry, reference.Repository);
        var editor = await ReadAsync(projectPath, cancellationToken).ConfigureAwait(false);
        var original = editor.ToBytes();
        var propsPath = await CentralVersionsFileAsync(projectPath, cancellationToken).ConfigureAwait(false);
        if (propsPath is null)
        {
            var edit = editor.AddOrUpdate(repository.RepositoryName, version, include => SameRepository(include, repository));
            return await WriteAndRestoreAsync(projectPath, original, editor, edit, 0, restore, cancellationToken).ConfigureAwait(false);
        }

        // Central versions: the version goes to Directory.Packages.props, the project names the repository alone.
        var propsOriginal = File.Exists(propsPath) ? await File.ReadAllBytesAsync(propsPath, cancellationToken).ConfigureAwait(false) : null;
        var props = ProjectFileEditor.Parse(propsOriginal ?? "<Project>\n</Project>\n"u8.ToArray(), propsPath, "SkillVersion");
        var propsEdit = props.AddOrUpdate(repository.RepositoryName, version, include => SameRepository(include, repository));
        var referenceEdit = editor.AddOrUpdate(repository.RepositoryName, null, include => SameRepository(include, repository));
        if (propsEdit != ProjectEdit.Unchanged)
        {
            await AtomicFile.WriteAllBytesAsync(propsPath, props.ToBytes(), cancellationToken).ConfigureAwait(false);
        }

        var outcome = await WriteAndRestoreAsync(projectPath, original, editor, referenceEdit, 0, restore, cancellationToken).ConfigureAwait(false);
        if (outcome.Reverted && propsEdit != ProjectEdit.Unchanged)
        {
            if (propsOriginal is null)
            {
                File.Delete(propsPath);
            }
            else
            {
                await AtomicFile.WriteAllBytesAsync(propsPath, propsOriginal, cancellationToken).ConfigureAwait(false);
            }
        }

        return outcome with { Edit = referenceEdit == ProjectEdit.Unchanged ? propsEdit : referenceEdit, CentralVersionsFile = propsPath };
    }

    /// <summary>
    /// The Directory.Packages.props to write the version to when the project manages skill versions
    /// centrally (<see cref="CentralSkillVersions.IsEnabled"/>, found as <see cref="CentralSkillVersions.LocatePropsFile"/>); null when it does not.
    /// </summary>
    private static async Task<string?> CentralVersionsFileAsync(string projectPath, CancellationToken cancellationToken)
    {
        var properties = await ProjectProperties.EvaluateAsync(projectPath, ["ManageSkillVersionsCentrally", "ManagePackageVersionsCentrally", "DirectoryPackagesPropsPath"], cancellationToken).ConfigureAwait(false);
        if (properties is null || !CentralSkillVersions.IsEnabled(properties["ManageSkillVersionsCentrally"], properties["ManagePackageVersionsCentrally"]))
        {
            return null;
        }

        var folder = Path.GetDirectoryName(projectPath)!;
        return CentralSkillVersions.LocatePropsFile(properties["DirectoryPackagesPropsPath"], folder, SkillsRootLocator.Locate(folder));
    }

    /// <summary>
    /// Removes the items for the skill <paramref name="name"/>: its locked name, its repository, its
    /// repository's last segment, or an Include as written. None is SKOCI6023, and nothing changes.
    /// </summary>
    public static async Task<ProjectSkillEditOutcome> RemoveAsync(string projectPath, string name, ProjectRestoreSettings restore, CancellationToken cancellationToken)
    {
        var editor = await ReadAsync(projectPath, cancellationToken).ConfigureAwait(false);
        var original = editor.ToBytes();
        var lockPath = Path.Combine(SkillsRootLocator.Locate(Path.GetDirectoryName(projectPath)!), LockFile.FileName);
        var locked = (await LockFile.ReadAsync(lockPath, cancellationToken).ConfigureAwait(false))?.Find(name)?.Source as RegistryLockSource;
        bool Matches(string include) =>
            string.Equals(include.Trim(), name, StringComparison.OrdinalIgnoreCase) ||
            (ImageReference.TryParse(include.Trim(), out var reference, out _) &&
             (string.Equals(reference!.RepositoryName, name, StringComparison.OrdinalIgnoreCase) ||
              reference.Repository.Split('/')[^1] == name ||
              (locked is not null && locked.IsSameRepository(reference))));

        var removed = editor.Remove(Matches);
        if (removed == 0)
        {
            var declared = editor.SkillReferenceIncludes;
            throw new SkillsOciException(ErrorCodes.SkillNotDeclared,
                $"The project declares no SkillReference for '{name}' ({(declared.Count == 0 ? "it has none" : "it has " + string.Join(", ", declared))}; items in imported files such as Directory.Build.props are not edited). Nothing was changed.",
                projectPath);
        }

        return await WriteAndRestoreAsync(projectPath, original, editor, ProjectEdit.Updated, removed, restore, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<ProjectSkillEditOutcome> WriteAndRestoreAsync(string projectPath, byte[] original, ProjectFileEditor editor, ProjectEdit edit, int removed, ProjectRestoreSettings restore, CancellationToken cancellationToken)
    {
        if (edit != ProjectEdit.Unchanged)
        {
            await AtomicFile.WriteAllBytesAsync(projectPath, editor.ToBytes(), cancellationToken).ConfigureAwait(false);
        }

        // The same run as install's, for one project (a never-restored package reference included).
        var exitCode = await new MSBuildRunner().RunAsync(
            new MSBuildRunRequest
            {
                Projects = [projectPath],
                Target = "RestoreSkills",
                Verbosity = restore.Verbosity,
                WorkingDirectory = Path.GetDirectoryName(projectPath)!,
                FallbackTargetsFile = restore.FallbackTargetsFile,
            },
            restore.OnLine,
            cancellationToken).ConfigureAwait(false);
        if (exitCode != 0 && edit != ProjectEdit.Unchanged)
        {
            await AtomicFile.WriteAllBytesAsync(projectPath, original, cancellationToken).ConfigureAwait(false);
        }

        return new ProjectSkillEditOutcome(edit, removed, exitCode);
    }

    private static async Task<ProjectFileEditor> ReadAsync(string projectPath, CancellationToken cancellationToken)
    {
        try
        {
            return await ProjectFileEditor.ReadAsync(projectPath, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new SkillsOciException(ErrorCodes.ProjectFileUnreadable, $"The project file could not be read: {ex.Message}", projectPath, innerException: ex);
        }
    }

    private static bool SameRepository(string include, ImageReference repository) =>
        ImageReference.TryParse(include.Trim(), out var reference, out _) &&
        reference!.Registry == repository.Registry && reference.Repository == repository.Repository;
}
