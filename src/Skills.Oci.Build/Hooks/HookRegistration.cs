using Skills.Oci.Build.Diagnostics;

namespace Skills.Oci.Build.Hooks;

/// <summary>What <c>skills-oci register</c> and <c>RegisterSkillHooks</c> ask for.</summary>
public sealed record HookRegistrationRequest
{
    /// <summary>The skills root: the hook files, the scripts and the tool manifest are written below it.</summary>
    public required string SkillsRoot { get; init; }

    /// <summary>Agent names, or <c>all</c>; empty selects the agents the root links or has folders for.</summary>
    public IReadOnlyList<string> Agents { get; init; } = [];

    /// <summary>The project's <c>SkillsAgentDirectories</c> (MSBuild), besides what the lock and the root's state record.</summary>
    public IReadOnlyList<string> AgentDirectories { get; init; } = [];

    /// <summary>The lock, whose agent links select agents; null is <c>skills.lock.json</c> at the root.</summary>
    public string? LockFilePath { get; init; }

    /// <summary>Take our hooks out again instead (by default from every agent).</summary>
    public bool Remove { get; init; }

    /// <summary>The Skills.Oci.Tool version the manifest gets when it lacks the tool; null is the running version.</summary>
    public string? ToolVersion { get; init; }

    /// <summary>Where errors point when no file is at fault (the project, for MSBuild).</summary>
    public string? DiagnosticFile { get; init; }
}

/// <summary>What happened to one file.</summary>
public enum HookFileChangeKind
{
    Unchanged,
    Added,
    Updated,
    Removed,
}

/// <summary>One file register wrote, would have written, or removed; <see cref="Agent"/> is set for hook files.</summary>
public sealed record HookFileChange(string RelativePath, HookFileChangeKind Kind, AgentHookFormat? Agent = null, string? Note = null)
{
    public bool Changed => Kind != HookFileChangeKind.Unchanged;

    /// <summary>The line users see: "Registered the Claude Code session-start hook in .claude/settings.json".</summary>
    public string Describe() => (Agent, Kind) switch
    {
        ({ } agent, HookFileChangeKind.Added) => $"Registered the {agent.DisplayName} session-start hook in {RelativePath}",
        ({ } agent, HookFileChangeKind.Updated) => $"Updated the {agent.DisplayName} session-start hook in {RelativePath}",
        ({ } agent, HookFileChangeKind.Removed) => $"Removed the {agent.DisplayName} session-start hook from {RelativePath}",
        ({ } agent, _) => $"The {agent.DisplayName} session-start hook in {RelativePath} is unchanged",
        (null, HookFileChangeKind.Added) => $"Wrote {RelativePath}{Suffix}",
        (null, HookFileChangeKind.Updated) => $"Updated {RelativePath}{Suffix}",
        (null, HookFileChangeKind.Removed) => $"Removed {RelativePath}{Suffix}",
        _ => $"{RelativePath} is unchanged",
    };

    private string Suffix => Note is null ? string.Empty : $" ({Note})";
}

/// <summary>The outcome: each file in the order it was handled, hook files first, and warnings.</summary>
public sealed record HookRegistrationResult(IReadOnlyList<HookFileChange> Files, IReadOnlyList<Diagnostic> Diagnostics)
{
    /// <summary>One entry per agent handled.</summary>
    public IEnumerable<HookFileChange> Hooks => Files.Where(file => file.Agent is not null);
}
