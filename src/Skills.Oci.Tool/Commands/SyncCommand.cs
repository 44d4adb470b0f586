using System.CommandLine;
using Skills.Oci.Build.Hosting;
using Skills.Oci.Build.NuGet;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Registry;
using Skills.Oci.Build.Restore;
using Skills.Oci.Tool.Cli;

namespace Skills.Oci.Tool.Commands;

/// <summary>
/// <c>skills-oci sync</c>: what a session-start hook runs. Maps the command line onto one
/// <see cref="LockSync"/> request; in hook mode standard output belongs to the agent.
/// </summary>
internal sealed class SyncCommand() : ToolCommand("sync", "Make the skills root match skills.lock.json exactly (locked digests only, cache first, verified as a locked restore), with the agent links and the .gitignore block. What session-start hooks run; fast when nothing is missing.")
{
    /// <summary>The agents whose hooks run sync; <c>register</c> writes the hooks.</summary>
    public static readonly string[] Agents = ["claude", "codex", "cursor", "gemini", "copilot"];

    /// <summary>What Claude Code reads on stdout to re-scan its skills (Claude Code 2.1.152+).</summary>
    public const string ClaudeReload = """{"hookSpecificOutput":{"hookEventName":"SessionStart","reloadSkills":true}}""";

    private readonly RootOptions _root = new();

    private readonly Option<string?> _hook = new("--hook")
    {
        Description = "Run as the session-start hook of this agent (claude, codex, cursor, gemini, copilot): read the agent's JSON on stdin (its cwd is the working folder), keep stdout for the agent (claude: the reload request, only when something changed), write every human line to stderr.",
    };

    private readonly Option<string?> _trustedRoot = new("--trusted-root")
    {
        Description = "A Sigstore trusted_root.json for keyless signers (what SkillsTrustedRoot is to restore). Default: the embedded Sigstore production root.",
    };

    private readonly Option<string[]> _denyLists = new("--deny-list")
    {
        Description = "A deny list (registry/repository:tag, repeatable) the lock's skills are checked against first, as SkillDenyList is to restore; a listed skill fails the sync (SKOCI5201).",
        AllowMultipleArgumentsPerToken = false,
    };

    private readonly Option<string?> _denyListKey = new("--deny-list-key")
    {
        Description = "The PEM public key that must have signed every --deny-list (SKOCI5202 otherwise). Without it the lists are used unverified.",
    };

    private readonly Option<bool> _removeDenied = new("--remove-denied")
    {
        Description = "Remove denied skills from the skills root (warning SKOCI5205) and sync the rest, as SkillsRemoveDenied=true.",
    };

    protected override void Define(Command command)
    {
        _root.AddTo(command);
        command.Options.Add(_trustedRoot);
        command.Options.Add(_denyLists);
        command.Options.Add(_denyListKey);
        command.Options.Add(_removeDenied);
        _hook.AcceptOnlyFromAmong(Agents);
        command.Options.Add(_hook);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parse, ToolOutput output, CancellationToken cancellationToken)
    {
        var agent = parse.GetValue(_hook);
        var workingDirectory = Directory.GetCurrentDirectory();
        var human = output;
        if (agent is not null)
        {
            workingDirectory = await HookInput.ReadWorkingDirectoryAsync(output.Console, cancellationToken).ConfigureAwait(false) ?? workingDirectory;
            // Plain stdout text becomes the agent's context: ours goes to stderr.
            human = new ToolOutput(output.Console with { Out = output.Console.Error }, output.Verbosity, output.Format);
        }

        var (root, lockPath) = _root.Resolve(parse, workingDirectory);
        // Package skills come from the global packages folder (NUGET_PACKAGES, else ~/.nuget/packages).
        var lockFile = await LockFile.ReadAsync(lockPath ?? Path.Combine(root, LockFile.FileName), cancellationToken).ConfigureAwait(false);
        var packages = lockFile is null ? new CollectedPackageSkills([], [])
            : await PackageSkillCollector.ForLockAsync(lockFile, PackageSkillFolders.DefaultGlobalPackagesFolder(), OciLimits.Default, cancellationToken).ConfigureAwait(false);
        if (packages.Diagnostics.Count > 0)
        {
            human.Diagnostics(packages.Diagnostics);
            return ExitCodes.Failure;
        }

        LockSyncResult result;
        var mirrors = await RegistryMirrors.LoadAsync(root, RegistryMirrors.None, null, cancellationToken).ConfigureAwait(false);
        using (var source = new LazyRegistrySource(new RegistryClientOptions(), mirrors))
        {
            result = await new LockSync(source.Get)
                .SyncAsync(new LockSyncRequest
                {
                    SkillsRoot = root,
                    LockFilePath = lockPath,
                    TrustedRootPath = TrustedRoot(parse, workingDirectory),
                    PackageSkills = packages.Skills,
                    DenyLists = parse.GetValue(_denyLists) ?? [],
                    DenyListKeyPath = parse.GetValue(_denyListKey) is { Length: > 0 } key ? Path.GetFullPath(key, workingDirectory) : null,
                    RemoveDenied = parse.GetValue(_removeDenied),
                }, cancellationToken).ConfigureAwait(false);
        }

        human.Diagnostics(result.Diagnostics);
        if (!result.Succeeded)
        {
            return ExitCodes.Failure;
        }

        foreach (var change in result.Changes)
        {
            human.Change("Skills: " + change);
        }

        if (result.NoLock)
        {
            human.Info($"No {LockFile.FileName} in '{root}': nothing to sync.");
        }
        else if (result.Changed)
        {
            human.Change(result.Summary);
        }
        else
        {
            human.Info(result.Summary);
        }

        if (agent == "claude" && result.Changed)
        {
            output.Data(ClaudeReload);
        }

        return ExitCodes.Success;
    }

    private string? TrustedRoot(ParseResult parse, string workingDirectory) =>
        parse.GetValue(_trustedRoot) is { Length: > 0 } path ? Path.GetFullPath(path, workingDirectory) : null;
}
