using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Registry;

namespace Skills.Oci.Build.Restore;

/// <summary>
/// Installs what a skills.json declares, and adds or removes its entries, through the same
/// <see cref="SkillRestoreEngine"/> as <c>dotnet restore</c>: skills.json is the "project" (its path is
/// the request's ProjectPath), so the lock's <c>requests</c> and <c>projects</c> name <c>skills.json</c>
/// and the root-wide union with the .NET projects, pruning and the install transaction apply unchanged.
/// skills.json is written only after the restore succeeded, so a failure changes no file.
/// </summary>
public static class SkillsManifestRestore
{
    /// <summary>
    /// Installs every entry of the skills.json at <paramref name="manifestPath"/> into its folder's skills
    /// root (<c>.agents/skills</c>, the agent links of <paramref name="options"/>, skills.lock.json).
    /// An entry whose source holds a skill of another name is an error (SKOCI6028).
    /// </summary>
    public static async Task<SkillRestoreResult> RestoreAsync(string manifestPath, SkillRestoreOptions options, CancellationToken cancellationToken)
    {
        var manifest = await SkillsManifest.ReadAsync(manifestPath, cancellationToken).ConfigureAwait(false);
        var result = await RestoreAsync(manifest, options, cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            return result;
        }

        var locked = await ReadLockAsync(manifest, cancellationToken).ConfigureAwait(false);
        var mismatches = manifest.Entries
            .Select(entry => (Entry: entry, Locked: LockedFor(manifest, locked, entry.Source)))
            .Where(pair => pair.Locked is not null && pair.Locked.Name != pair.Entry.Name)
            .Select(pair => Diagnostic.Error(ErrorCodes.SkillsManifestNameMismatch,
                $"{SkillsManifest.FileName} names the skill from {pair.Entry.Source} '{pair.Entry.Name}', but the artifact is the skill '{pair.Locked!.Name}' (installed as .agents/skills/{pair.Locked.Name}). Set the entry's name to '{pair.Locked.Name}', or remove it and add the skill again with 'skills-oci add'.",
                manifest.Path))
            .ToList();
        return mismatches.Count == 0 ? result : result with { Diagnostics = [.. result.Diagnostics, .. mismatches] };
    }

    /// <summary>
    /// Adds (or re-points) the entry for <paramref name="source"/> at <paramref name="version"/>, installs,
    /// and only then writes skills.json with the name the artifact declares. Returns the entry written.
    /// </summary>
    public static async Task<(SkillRestoreResult Result, SkillsManifestEntry? Entry)> AddAsync(string manifestPath, ImageReference source, string version, SkillRestoreOptions options, CancellationToken cancellationToken)
    {
        var manifest = await SkillsManifest.ReadAsync(manifestPath, cancellationToken).ConfigureAwait(false);
        var repository = ImageReference.Create(source.Registry, source.Repository);
        // The name is the artifact's, known after resolution: until then the entry goes by its repository's last segment.
        var existing = manifest.Entries.FirstOrDefault(e => e.Source.RepositoryName == repository.RepositoryName);
        manifest.Upsert(new SkillsManifestEntry(existing?.Name ?? repository.Repository.Split('/')[^1], repository, version));
        var result = await RestoreAsync(manifest, options, cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            return (result, null);
        }

        var locked = LockedFor(manifest, await ReadLockAsync(manifest, cancellationToken).ConfigureAwait(false), repository)
                     ?? throw new InvalidOperationException($"The restore succeeded but the lock has no entry for {repository}.");
        var entry = new SkillsManifestEntry(locked.Name, repository, version);
        manifest.Upsert(entry);
        await manifest.WriteAsync(cancellationToken).ConfigureAwait(false);
        return (result, entry);
    }

    /// <summary>
    /// Deletes the entry named <paramref name="name"/> and installs again, so the engine prunes its folder,
    /// links and lock entry (unless a project of the root still references it); then writes skills.json.
    /// A name skills.json does not declare is SKOCI6023, and nothing changes.
    /// </summary>
    public static async Task<SkillRestoreResult> RemoveAsync(string manifestPath, string name, SkillRestoreOptions options, CancellationToken cancellationToken)
    {
        var manifest = await SkillsManifest.ReadAsync(manifestPath, cancellationToken).ConfigureAwait(false);
        if (!manifest.Remove(name))
        {
            var known = manifest.Entries.Count == 0 ? "it declares no skills" : "it declares " + string.Join(", ", manifest.Entries.Select(e => e.Name));
            throw new SkillsOciException(ErrorCodes.SkillNotDeclared,
                $"The skill '{name}' is not in {SkillsManifest.FileName} ({known}). Nothing was changed.", manifest.Path);
        }

        var result = await RestoreAsync(manifest, options, cancellationToken).ConfigureAwait(false);
        if (result.Succeeded)
        {
            await manifest.WriteAsync(cancellationToken).ConfigureAwait(false);
        }

        return result;
    }

    /// <summary>The engine over the registry; the client is created only past the no-op check.</summary>
    private static async Task<SkillRestoreResult> RestoreAsync(SkillsManifest manifest, SkillRestoreOptions options, CancellationToken cancellationToken)
    {
        // The repository's mirrors (environment variable, .skills-oci/mirrors.json) apply to skills.json too.
        var mirrors = await RegistryMirrors.LoadAsync(manifest.ToRestoreRequest().Root, RegistryMirrors.None, null, cancellationToken).ConfigureAwait(false);
        using var source = new LazyRegistrySource(new RegistryClientOptions { Limits = options.Limits }, mirrors);
        return await new SkillRestoreEngine(source.Get).RestoreAsync(manifest.ToRestoreRequest(), options, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<LockFile> ReadLockAsync(SkillsManifest manifest, CancellationToken cancellationToken) =>
        await LockFile.ReadAsync(manifest.ToRestoreRequest().EffectiveLockFilePath, cancellationToken).ConfigureAwait(false) ?? LockFile.Empty;

    private static LockEntry? LockedFor(SkillsManifest manifest, LockFile lockFile, ImageReference source)
    {
        var project = manifest.ToRestoreRequest().ProjectKey;
        return lockFile.Skills.FirstOrDefault(e => e.Source is RegistryLockSource registry && registry.IsSameRepository(source) && e.Projects.Contains(project, StringComparer.Ordinal));
    }
}
