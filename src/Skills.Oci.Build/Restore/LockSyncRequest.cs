using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Oci;

namespace Skills.Oci.Build.Restore;

/// <summary>What <see cref="LockSync"/> makes match: a skills root and its lock.</summary>
public sealed record LockSyncRequest
{
    /// <summary>The skills root (<see cref="SkillsRootLocator"/>): skill folders, links and .gitignore live here.</summary>
    public required string SkillsRoot { get; init; }

    /// <summary>Overrides <c>&lt;root&gt;/skills.lock.json</c>; a missing file is then an error, not "nothing to sync".</summary>
    public string? LockFilePath { get; init; }

    /// <summary>The content cache; null takes the one the root's projects set (SkillsCachePath), else <see cref="SkillCache.DefaultPath"/>.</summary>
    public string? CachePath { get; init; }

    /// <summary>A trusted_root.json for keyless signers; null for the embedded Sigstore production root.</summary>
    public string? TrustedRootPath { get; init; }

    /// <summary>
    /// The lock's package skills found in the packages folder (Hosting's PackageSkillCollector.ForLockAsync):
    /// installed from there, verified against the lock's contentDigest; one not found is a warning.
    /// </summary>
    public IReadOnlyList<PackageSkillInput> PackageSkills { get; init; } = [];

    /// <summary><c>--deny-list</c>: deny lists the lock's skills are checked against before anything is synced (<see cref="DenyListGate"/>).</summary>
    public IReadOnlyList<string> DenyLists { get; init; } = [];

    /// <summary><c>--deny-list-key</c>: the PEM public key that must have signed every deny list; null uses them unverified.</summary>
    public string? DenyListKeyPath { get; init; }

    /// <summary><c>--remove-denied</c>: remove denied skills from the skills root (warnings) and sync the rest, instead of failing.</summary>
    public bool RemoveDenied { get; init; }

    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromMinutes(5);

    public int MaxParallelism { get; init; } = SkillRestoreOptions.DefaultMaxParallelism;

    public OciLimits Limits { get; init; } = OciLimits.Default;

    public TimeProvider Time { get; init; } = TimeProvider.System;

    public string Root => Path.TrimEndingDirectorySeparator(Path.GetFullPath(SkillsRoot));

    public string EffectiveLockFilePath => Path.GetFullPath(LockFilePath ?? Path.Combine(Root, LockFile.FileName));
}

/// <summary>What a sync did. <see cref="Changed"/> is what a session hook reports (Claude re-scans its skills).</summary>
public sealed record LockSyncResult
{
    public IReadOnlyList<Diagnostic> Diagnostics { get; init; } = [];

    public bool Succeeded => Diagnostics.All(d => d.Severity != DiagnosticSeverity.Error);

    /// <summary>The fast path: everything was in place, nothing was read beyond the lock, the record and .gitignore.</summary>
    public bool WasUpToDate { get; init; }

    /// <summary>There was no lock at the root: nothing to sync.</summary>
    public bool NoLock { get; init; }

    /// <summary>Skill folders (re)installed: <see cref="Downloaded"/> of them needed the registry, the rest came from the cache.</summary>
    public int Installed { get; init; }

    public int Downloaded { get; init; }

    /// <summary>Skills that were already in place.</summary>
    public int InPlace { get; init; }

    /// <summary>Skills a previous sync installed that the lock no longer lists.</summary>
    public int Removed { get; init; }

    /// <summary>Locked skills still missing (the registry was unreachable).</summary>
    public int Missing { get; init; }

    /// <summary>Agent links or the .gitignore block were created or repaired.</summary>
    public bool Repaired { get; init; }

    /// <summary>One line per skill installed or removed.</summary>
    public IReadOnlyList<string> Changes { get; init; } = [];

    public bool Changed => Installed > 0 || Removed > 0 || Repaired;

    public string Summary
    {
        get
        {
            var total = Installed + InPlace;
            var parts = new List<string> { $"{Installed} installed", $"{InPlace} already in place" };
            if (Removed > 0)
            {
                parts.Add($"{Removed} removed");
            }

            if (Missing > 0)
            {
                parts.Add($"{Missing} missing");
            }

            return $"Synced {total} skill{(total == 1 ? string.Empty : "s")} ({string.Join(", ", parts)}).";
        }
    }
}
