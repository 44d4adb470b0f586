using Skills.Oci.Build.FileSystem;
using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Format;

namespace Skills.Oci.Build.Restore;

/// <summary>
/// Puts skills on disk under the skills root: swaps <c>.agents/skills/&lt;name&gt;</c> atomically, links
/// each skill into the agent folders, and removes what restore created when it is no longer wanted.
/// Never writes through a link and never replaces or deletes anything the lock does not record as ours.
/// </summary>
public sealed class SkillMaterializer
{
    public SkillMaterializer(string skillsRoot, IEnumerable<string> agentDirectories)
    {
        Root = Path.GetFullPath(skillsRoot);
        AgentDirectories = CheckAgentDirectories(agentDirectories);
    }

    public string Root { get; }

    /// <summary>Agent folders, root-relative and normalised, without the primary folder.</summary>
    public IReadOnlyList<string> AgentDirectories { get; }

    /// <summary>
    /// Normalises <c>SkillsAgentDirectories</c>; an absolute folder or one that climbs out of the root is
    /// a <c>SKOCI3018</c> error, raised before anything is created.
    /// </summary>
    public static IReadOnlyList<string> CheckAgentDirectories(IEnumerable<string> directories)
    {
        var result = new List<string>();
        foreach (var raw in directories.Select(d => d.Trim()).Where(d => d.Length > 0))
        {
            var slashed = raw.Replace('\\', '/');
            if (!SkillsRootPath.IsSafeRelative(slashed))
            {
                throw new SkillsOciException(ErrorCodes.AgentDirectoryOutsideRoot,
                    $"The agent folder '{raw}' in SkillsAgentDirectories is absolute or leaves the skills root; Skills.Oci only writes inside the skills root. Use a root-relative folder such as '.claude/skills'.");
            }

            var normalised = SkillsRootPath.Normalize(slashed);
            if (normalised != SkillsRootPath.SkillsFolder && !result.Contains(normalised, StringComparer.Ordinal))
            {
                result.Add(normalised);
            }
        }

        return result;
    }

    /// <summary>The agent-folder paths for a skill, root-relative: <c>.claude/skills/&lt;name&gt;</c>.</summary>
    public IReadOnlyList<string> LinkPathsFor(string name) => AgentDirectories.Select(d => $"{d}/{name}").ToList();

    public string FullPath(string relative) => SkillsRootPath.Full(Root, relative);

    /// <summary>
    /// Checked before anything is written (the safe-extraction rules of docs/format.md): the destination
    /// may be absent, or a real folder that the lock records as ours; a link, a file, or a folder we did
    /// not create is an error, so Skills.Oci never writes through a link or replaces a user's folder.
    /// </summary>
    public void CheckDestination(string name, bool managed)
    {
        SkillsRootPath.EnsureFolders(Root, SkillsRootPath.SkillsFolder, create: false);
        var destination = FullPath(LockEntry.PrimaryPath(name));
        if (SkillsRootPath.IsLink(destination) || File.Exists(destination))
        {
            throw new SkillsOciException(ErrorCodes.SkillPathIsLink,
                $"'{destination}' is a link or a file; Skills.Oci never writes through it. Remove it and restore again.");
        }

        if (Directory.Exists(destination) && !managed)
        {
            throw new SkillsOciException(ErrorCodes.SkillPathNotManaged,
                $"'{destination}' exists but Skills.Oci did not create it (skills.lock.json does not record it), so it is not replaced. Rename or remove your folder, or remove the SkillReference that resolves to '{name}'.");
        }
    }

    /// <summary>Checks that each agent link for <paramref name="name"/> can be created or is ours to replace.</summary>
    public void CheckLinks(string name, IReadOnlyCollection<string> managedPaths)
    {
        foreach (var relative in LinkPathsFor(name))
        {
            var parent = relative[..relative.LastIndexOf('/')];
            SkillsRootPath.EnsureFolders(Root, parent, create: false);
            var full = FullPath(relative);
            if (SkillsRootPath.Exists(full) && !managedPaths.Contains(relative) && !PointsAt(full, name))
            {
                throw new SkillsOciException(ErrorCodes.SkillPathNotManaged,
                    $"'{full}' exists but Skills.Oci did not create it, so it is not replaced. Rename or remove it, or drop '{AgentDirectoryOf(relative)}' from SkillsAgentDirectories.");
            }
        }
    }

    /// <summary>
    /// Creates or repairs the agent links of a skill (a copy where links are impossible). A copy is
    /// refreshed when <paramref name="refreshCopies"/> (the skill was reinstalled). Returns the paths made.
    /// </summary>
    public IReadOnlyList<string> FanOut(string name, bool refreshCopies)
    {
        var source = FullPath(LockEntry.PrimaryPath(name));
        var made = new List<string>();
        foreach (var relative in LinkPathsFor(name))
        {
            var parent = relative[..relative.LastIndexOf('/')];
            var parentFull = SkillsRootPath.EnsureFolders(Root, parent, create: true);
            var full = Path.Combine(parentFull, name);
            var target = Path.GetRelativePath(parentFull, source);
            if (SkillsRootPath.IsLink(full))
            {
                if (new FileInfo(full).LinkTarget == target)
                {
                    made.Add(relative);
                    continue;
                }

                DeleteLink(full);
            }
            else if (Directory.Exists(full))
            {
                if (!refreshCopies)
                {
                    made.Add(relative);
                    continue;
                }

                DirectoryTree.Delete(full);
            }

            try
            {
                Directory.CreateSymbolicLink(full, target);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or PlatformNotSupportedException)
            {
                // Windows without Developer Mode cannot create symlinks: a copy works for every agent.
                DirectoryTree.Copy(source, full);
            }

            made.Add(relative);
        }

        return made;
    }

    /// <summary>Removes agent entries we created (links, or copies); a path whose parent is a link is left alone.</summary>
    public void RemoveAgentPaths(IEnumerable<string> relativePaths)
    {
        foreach (var relative in relativePaths)
        {
            var slash = relative.LastIndexOf('/');
            if (slash > 0 && HasLinkOnTheWay(relative[..slash]))
            {
                continue;
            }

            var full = FullPath(relative);
            if (SkillsRootPath.IsLink(full))
            {
                DeleteLink(full);
            }
            else if (Directory.Exists(full))
            {
                DirectoryTree.Delete(full);
            }
        }
    }

    /// <summary>
    /// After the lock committed: removes agent paths that are no longer wanted (stale, pruned, or of a
    /// withdrawn skill) and creates the links of every skill in place (a reinstalled one's copies refreshed).
    /// </summary>
    public void Reconcile(LockFile previous, LockFile desired, IReadOnlySet<string> installed, IReadOnlyCollection<string> withdrawn)
    {
        foreach (var entry in desired.Skills.Where(e => e.HasStandardPath))
        {
            RemoveAgentPaths((previous.Find(entry.Name)?.AdditionalPaths ?? []).Except(entry.AdditionalPaths, StringComparer.Ordinal));
            if (withdrawn.Contains(entry.Name))
            {
                RemoveAgentPaths(entry.AdditionalPaths);
            }
            else if (Directory.Exists(FullPath(entry.Path)))
            {
                FanOut(entry.Name, refreshCopies: installed.Contains(entry.Name));
            }
        }

        foreach (var pruned in previous.Skills.Where(e => desired.Find(e.Name) is null))
        {
            RemoveAgentPaths(pruned.AdditionalPaths);
        }
    }

    /// <summary>The primary folder is a real folder with SKILL.md (links not checked).</summary>
    public bool IsPresent(string name)
    {
        var destination = FullPath(LockEntry.PrimaryPath(name));
        return !SkillsRootPath.IsLink(destination) && File.Exists(Path.Combine(destination, "SKILL.md"));
    }

    /// <summary>Cheap presence check (no hashing): the folder is a real folder with SKILL.md, and the agent paths exist.</summary>
    public bool IsMaterialized(string name)
    {
        return IsPresent(name) &&
               LinkPathsFor(name).All(p => SkillsRootPath.Exists(FullPath(p)) && Directory.Exists(FullPath(p)));
    }

    private bool PointsAt(string linkPath, string name) =>
        SkillsRootPath.IsLink(linkPath) &&
        new FileInfo(linkPath).LinkTarget == Path.GetRelativePath(Path.GetDirectoryName(linkPath)!, FullPath(LockEntry.PrimaryPath(name)));

    private bool HasLinkOnTheWay(string relativeFolder)
    {
        var current = Root;
        foreach (var segment in relativeFolder.Split('/'))
        {
            current = Path.Combine(current, segment);
            if (SkillsRootPath.IsLink(current))
            {
                return true;
            }
        }

        return false;
    }

    private static string AgentDirectoryOf(string relative) => relative[..relative.LastIndexOf('/')];

    private static void DeleteLink(string path)
    {
        // A directory link on Windows is removed as a directory; elsewhere unlink removes any link.
        if (OperatingSystem.IsWindows() && Directory.Exists(path))
        {
            Directory.Delete(path);
        }
        else
        {
            File.Delete(path);
        }
    }
}
