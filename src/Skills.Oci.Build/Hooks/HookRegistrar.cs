using System.Text;
using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.FileSystem;
using Skills.Oci.Build.Restore;

namespace Skills.Oci.Build.Hooks;

/// <summary>
/// Writes (or removes) the session-start hooks of the selected agents, the scripts they run and the
/// tool manifest the scripts restore from. Everything is read and checked first and written only
/// after, so an unreadable file fails the whole run with nothing changed; an unchanged file is not
/// rewritten, so a second run changes no byte.
/// </summary>
public static class HookRegistrar
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    public static async Task<HookRegistrationResult> RunAsync(HookRegistrationRequest request, CancellationToken cancellationToken)
    {
        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(request.SkillsRoot));
        var formats = await SelectAsync(request, root, cancellationToken).ConfigureAwait(false);
        if (formats.Count == 0)
        {
            return new HookRegistrationResult([], [Diagnostic.Warning(ErrorCodes.NoHookAgentFound,
                $"No coding agent was found at '{root}' (no agent folder such as .claude or .github, and no agent folder in SkillsAgentDirectories), so no session-start hook was registered. Name the agents: --agent claude, or --agent all (SkillsHookAgents in MSBuild).", request.DiagnosticFile)]);
        }

        var plan = new List<PlannedFile>();
        foreach (var format in formats)
        {
            cancellationToken.ThrowIfCancellationRequested();
            plan.Add(await PlanHookAsync(root, format, request.Remove, cancellationToken).ConfigureAwait(false));
            if (format.Name == "codex")
            {
                plan.Add(await PlanCodexFlagAsync(root, request.Remove, cancellationToken).ConfigureAwait(false));
            }
        }

        var keepScripts = !request.Remove || await AnyHookLeftAsync(root, plan, cancellationToken).ConfigureAwait(false);
        foreach (var script in HookScripts.All)
        {
            plan.Add(PlanScript(root, script, keepScripts));
        }

        if (!request.Remove)
        {
            plan.Add(await PlanManifestAsync(root, request.ToolVersion ?? ToolManifest.RunningVersion(), cancellationToken).ConfigureAwait(false));
        }

        foreach (var file in plan.Where(file => file.Change.Changed))
        {
            await file.ApplyAsync(root, cancellationToken).ConfigureAwait(false);
        }

        return new HookRegistrationResult(plan.Select(file => file.Change).ToList(), []);
    }

    /// <summary>The agents to handle: those named (<c>all</c> for every one), else those the root links or has a folder for.</summary>
    public static async Task<IReadOnlyList<AgentHookFormat>> SelectAsync(HookRegistrationRequest request, string root, CancellationToken cancellationToken)
    {
        var names = request.Agents.SelectMany(a => a.Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
        if (names.Any(name => string.Equals(name, AgentHookFormats.AllAgents, StringComparison.OrdinalIgnoreCase)) || (names.Count == 0 && request.Remove))
        {
            return AgentHookFormats.All;
        }

        if (names.Count > 0)
        {
            var unknown = names.Where(name => AgentHookFormats.Find(name) is null).ToList();
            if (unknown.Count > 0)
            {
                throw new SkillsOciException(ErrorCodes.UnknownHookAgent,
                    $"'{string.Join("', '", unknown)}' is not an agent Skills.Oci can register a session-start hook for. Use {string.Join(", ", AgentHookFormats.All.Select(f => f.Name))} or all.", request.DiagnosticFile);
            }

            return AgentHookFormats.All.Where(format => names.Any(name => AgentHookFormats.Find(name) == format)).ToList();
        }

        var lockFile = await LockFile.ReadAsync(request.LockFilePath ?? Path.Combine(root, LockFile.FileName), cancellationToken).ConfigureAwait(false);
        var linked = request.AgentDirectories
            .Concat(lockFile?.Skills.SelectMany(entry => entry.AdditionalPaths) ?? [])
            .Concat(new RootState(root).ReadProjects().Values.SelectMany(record => record.Settings.AgentDirectories))
            .Select(AgentHookFormats.OwningFolder)
            .ToHashSet();
        return AgentHookFormats.All.Where(format => linked.Contains(format) || Directory.Exists(Path.Combine(root, format.Folder))).ToList();
    }

    private static async Task<PlannedFile> PlanHookAsync(string root, AgentHookFormat format, bool remove, CancellationToken cancellationToken)
    {
        var (full, existing) = await ReadAsync(root, format.HookFile, cancellationToken).ConfigureAwait(false);
        if (existing is null && remove)
        {
            return PlannedFile.Unchanged(format.HookFile, format);
        }

        var file = existing is null ? JsonSettingsFile.New(format.HookFile) : JsonSettingsFile.Parse(format.HookFile, full, existing);
        var change = remove ? HookEntryEditor.Remove(file, format, full) : HookEntryEditor.Upsert(file, format, full);
        var kind = change switch
        {
            HookEntryChange.Added => HookFileChangeKind.Added,
            HookEntryChange.Updated => HookFileChangeKind.Updated,
            HookEntryChange.Removed => HookFileChangeKind.Removed,
            _ => HookFileChangeKind.Unchanged,
        };

        // A file left with nothing but what we put there goes, as it came.
        var delete = change == HookEntryChange.Removed && (format.DedicatedFile || file.Root.Count == 0);
        return new PlannedFile(new HookFileChange(format.HookFile, kind, format), delete ? null : file.ToBytes(), Mode: null) { Json = file };
    }

    private static async Task<PlannedFile> PlanCodexFlagAsync(string root, bool remove, CancellationToken cancellationToken)
    {
        var path = AgentHookFormats.CodexConfigFile;
        var (_, existing) = await ReadAsync(root, path, cancellationToken).ConfigureAwait(false);
        var text = existing is null ? null : Utf8.GetString(existing);
        if (remove)
        {
            // Only a config we wrote ourselves goes; a flag in the user's own config stays (it is harmless).
            return text == CodexFeatureFlag.NewFile
                ? new PlannedFile(new HookFileChange(path, HookFileChangeKind.Removed), Content: null, Mode: null)
                : PlannedFile.Unchanged(path);
        }

        var updated = CodexFeatureFlag.Apply(text);
        return updated == text
            ? PlannedFile.Unchanged(path)
            : new PlannedFile(new HookFileChange(path, text is null ? HookFileChangeKind.Added : HookFileChangeKind.Updated, Note: "codex_hooks = true, for Codex builds older than hooks on by default"), Utf8.GetBytes(updated), Mode: null);
    }

    private static PlannedFile PlanScript(string root, HookScript script, bool keep)
    {
        var full = CheckedPath(root, script.RelativePath);
        var exists = File.Exists(full);
        if (!keep)
        {
            return exists ? new PlannedFile(new HookFileChange(script.RelativePath, HookFileChangeKind.Removed), Content: null, Mode: null) : PlannedFile.Unchanged(script.RelativePath);
        }

        var content = Utf8.GetBytes(script.Content.Replace("\r\n", "\n", StringComparison.Ordinal));
        var same = exists && File.ReadAllBytes(full).AsSpan().SequenceEqual(content) && (OperatingSystem.IsWindows() || File.GetUnixFileMode(full) == script.Mode);
        return same
            ? PlannedFile.Unchanged(script.RelativePath)
            : new PlannedFile(new HookFileChange(script.RelativePath, exists ? HookFileChangeKind.Updated : HookFileChangeKind.Added), content, script.Mode);
    }

    private static async Task<PlannedFile> PlanManifestAsync(string root, string version, CancellationToken cancellationToken)
    {
        var path = ToolManifest.PathFor(root);
        var (full, existing) = await ReadAsync(root, path, cancellationToken).ConfigureAwait(false);
        var manifest = existing is null ? JsonSettingsFile.New(path) : JsonSettingsFile.Parse(path, full, existing);
        return ToolManifest.AddTool(manifest, version, full)
            ? new PlannedFile(new HookFileChange(path, existing is null ? HookFileChangeKind.Added : HookFileChangeKind.Updated, Note: $"{ToolManifest.PackageId} {version}, restored by the hook script"), manifest.ToBytes(), Mode: null)
            : PlannedFile.Unchanged(path);
    }

    /// <summary>After a removal: true when an agent's file (planned or on disk) still holds one of our hooks, so the scripts must stay.</summary>
    private static async Task<bool> AnyHookLeftAsync(string root, List<PlannedFile> plan, CancellationToken cancellationToken)
    {
        foreach (var format in AgentHookFormats.All)
        {
            var planned = plan.FirstOrDefault(file => file.Change.Agent == format);
            if (planned is not null)
            {
                if (planned.Json is { } json && planned.Content is not null && HookEntryEditor.Contains(json, format))
                {
                    return true;
                }

                continue;
            }

            var (full, existing) = await ReadAsync(root, format.HookFile, cancellationToken).ConfigureAwait(false);
            if (existing is not null && HookEntryEditor.Contains(JsonSettingsFile.Parse(format.HookFile, full, existing), format))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The file's bytes, or null when absent; a link anywhere on the way is refused (we never write through one).</summary>
    private static async Task<(string FullPath, byte[]? Bytes)> ReadAsync(string root, string relative, CancellationToken cancellationToken)
    {
        var full = CheckedPath(root, relative);
        try
        {
            return (full, File.Exists(full) ? await File.ReadAllBytesAsync(full, cancellationToken).ConfigureAwait(false) : null);
        }
        catch (Exception ex) when (RestoreIo.IsIo(ex))
        {
            throw RestoreIo.Failure(full, "read", ex);
        }
    }

    private static string CheckedPath(string root, string relative)
    {
        var full = SkillsRootPath.Full(root, relative);
        var parent = Path.GetDirectoryName(relative.Replace('\\', '/'))!.Replace('\\', '/');
        if (parent.Length > 0)
        {
            SkillsRootPath.EnsureFolders(root, parent, create: false);
        }

        if (SkillsRootPath.IsLink(full))
        {
            throw new SkillsOciException(ErrorCodes.SkillPathIsLink,
                $"'{full}' is a link; Skills.Oci never writes through a link. Make it a regular file, or edit the agent's hooks by hand.", full);
        }

        return full;
    }

    /// <summary>One file's new content (null: delete it), decided before anything is written.</summary>
    private sealed record PlannedFile(HookFileChange Change, byte[]? Content, UnixFileMode? Mode)
    {
        /// <summary>The edited tree of a hook file, for later decisions in the same run.</summary>
        public JsonSettingsFile? Json { get; init; }

        public static PlannedFile Unchanged(string relative, AgentHookFormat? agent = null) =>
            new(new HookFileChange(relative, HookFileChangeKind.Unchanged, agent), Content: null, Mode: null);

        public async Task ApplyAsync(string root, CancellationToken cancellationToken)
        {
            var relative = Change.RelativePath;
            var full = SkillsRootPath.Full(root, relative);
            try
            {
                if (Content is null)
                {
                    File.Delete(full);
                    RemoveEmptyParents(root, full);
                    return;
                }

                var parent = Path.GetDirectoryName(relative)!.Replace('\\', '/');
                if (parent.Length > 0)
                {
                    SkillsRootPath.EnsureFolders(root, parent, create: true);
                }

                await AtomicFile.WriteIfChangedAsync(full, Content, cancellationToken).ConfigureAwait(false);
                if (Mode is { } mode && !OperatingSystem.IsWindows())
                {
                    File.SetUnixFileMode(full, mode);
                }
            }
            catch (Exception ex) when (RestoreIo.IsIo(ex))
            {
                throw RestoreIo.Failure(full, Content is null ? "delete" : "write", ex);
            }
        }

        /// <summary>
        /// Folders such as <c>.github/hooks</c> that held only the file we removed go with it; top-level
        /// folders stay (an empty <c>.claude</c> still tells the next run which agents the user has).
        /// </summary>
        private static void RemoveEmptyParents(string root, string full)
        {
            for (var folder = Path.GetDirectoryName(full); folder is not null && Path.GetDirectoryName(folder) is { } above && above.Length > root.Length && folder.StartsWith(root, StringComparison.Ordinal); folder = above)
            {
                if (SkillsRootPath.IsLink(folder) || Directory.EnumerateFileSystemEntries(folder).Any())
                {
                    return;
                }

                Directory.Delete(folder);
            }
        }
    }
}
