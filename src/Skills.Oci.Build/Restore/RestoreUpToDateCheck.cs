using System.Security.Cryptography;
using System.Text;
using Skills.Oci.Build.Diagnostics;

namespace Skills.Oci.Build.Restore;

/// <summary>
/// The restore's no-op check and its stamp. Up to date means: the lock answers the root-wide request
/// set of every skill this project touches, nothing is to be pruned, each skill folder and link exists,
/// the .gitignore block is current, no transaction is pending, and the project last restored with the
/// same root settings and trust policy (whose verdicts cover the locked digests). No network, no lock
/// taken, no hashing of folders. The stamp in <c>obj/</c> lists the paths the pre-build check probes
/// with a plain existence test, so a deleted skill folder or link is noticed without loading the task.
/// </summary>
public sealed class RestoreUpToDateCheck(SkillRestoreRequest request, SkillRestoreOptions options)
{
    private const string StampHeader = "skills-oci-stamp-2";

    /// <summary>The stamp line holding the targets' key (Skills.Oci.Consume.targets, _SkillsOciHookStampCheck).</summary>
    public const string TargetsKeyPrefix = "targets-key=";

    /// <summary>The stamp line holding the number of skills of the last restore.</summary>
    public const string SkillCountPrefix = "skills=";

    /// <summary>The effective policy digest of this project (null when no policy applies).</summary>
    public string? PolicyDigest { get; } = TrustPolicyDigest.Compute(options.TrustPolicies, options.RequireSignatures, options.TrustedRootPath, Path.GetDirectoryName(request.ProjectPath));

    public bool IsUpToDate()
    {
        try
        {
            return Check();
        }
        catch (Exception ex) when (ex is SkillsOciException || RestoreIo.IsIo(ex))
        {
            // The restore proper reports the problem with its code.
            return false;
        }
    }

    private bool Check()
    {
        var requests = request.ParseReferences();
        var lockPath = request.EffectiveLockFilePath;
        var state = new RootState(request.Root);
        if (!File.Exists(lockPath))
        {
            return requests.Count == 0 && !state.HasPendingTransaction;
        }

        if (options.UpdateAll || options.SkillsToUpdate.Count > 0 || options.Repair || state.HasPendingTransaction)
        {
            return false;
        }

        var lockFile = LockFile.Parse(File.ReadAllBytes(lockPath), lockPath);
        var project = request.ProjectKey;
        var plan = RestorePlan.Create(lockFile, project, requests, options, p => p == project || SkillRestoreEngine.ProjectExists(request.Root, p));
        if (!plan.IsFullyLocked)
        {
            return false;
        }

        var materializer = new SkillMaterializer(request.Root, options.AgentDirectories);
        // A collection is its members; what the project's skills require is its too.
        var direct = plan.Groups.Where(g => g.Own is not null).SelectMany(g => g.LockedCollection is { } c ? lockFile.MembersOf(c.Name) : [g.Entry!]).ToList();
        var closure = SkillGraph.WithDependencies(lockFile, direct.Select(e => e.Name));
        var own = direct.Concat(lockFile.Skills.Where(e => e.RequiredBy.Count > 0 && closure.Contains(e.Name))).ToList();
        if (!options.IncludeDependencies && own.Any(e => e.RequiredBy.Count > 0))
        {
            // SkillsIncludeDependencies was turned off: the locked dependencies are to be pruned.
            return false;
        }

        if (own.Select(e => e.Name).Distinct(StringComparer.Ordinal).Count() != own.Count)
        {
            return false;
        }

        foreach (var entry in own.Where(e => e.HasStandardPath))
        {
            if (!materializer.IsMaterialized(entry.Name) ||
                !entry.AdditionalPaths.SequenceEqual(materializer.LinkPathsFor(entry.Name).Order(StringComparer.Ordinal)))
            {
                return false;
            }
        }

        if (options.UpdateGitIgnore && !GitIgnoreBlock.IsCurrent(request.Root, lockFile.Skills))
        {
            return false;
        }

        var record = state.ReadProjects().GetValueOrDefault(project);
        // A project whose only skills come with its packages has a record too (see PackageSkillLock).
        if (requests.Count == 0 && !lockFile.Skills.Any(e => e.Projects.Contains(project, StringComparer.Ordinal)))
        {
            return record is null;
        }

        return record is not null && record.Settings.Differences(SkillRestoreEngine.SettingsOf(request, options)).FirstOrDefault().Property is null &&
               record.Policy == PolicyDigest &&
               (PolicyDigest is null || own.All(e => record.Verified.TryGetValue(e.Name, out var digest) && digest == e.RegistrySource.Digest.ToString()));
    }

    /// <summary>
    /// The stamp's first line: a hash of the references, the options that shape the tree, the policy and
    /// the lock's bytes. Equal stamps mean a build may skip the check.
    /// </summary>
    public string ComputeStamp()
    {
        var text = new StringBuilder(StampHeader).Append('\n');
        text.Append(request.Root).Append('\n').Append(request.EffectiveLockFilePath).Append('\n').Append(request.ProjectKey).Append('\n');
        foreach (var item in request.References)
        {
            text.Append("ref\t").Append(item.Include).Append('\t').Append(item.Version);
            foreach (var pair in (item.Metadata ?? new Dictionary<string, string>()).OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                text.Append('\t').Append(pair.Key).Append('=').Append(pair.Value);
            }

            text.Append('\n');
        }

        text.Append("agents\t").AppendJoin(';', options.AgentDirectories).Append("\ngitignore\t").Append(options.UpdateGitIgnore).Append('\n');
        text.Append("policy\t").Append(PolicyDigest).Append('\n');
        if (!options.IncludeDependencies)
        {
            text.Append("dependencies\tfalse\n");
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(text.ToString()));
        var lockPath = request.EffectiveLockFilePath;
        hash.AppendData(File.Exists(lockPath) ? File.ReadAllBytes(lockPath) : "no-lock"u8.ToArray());
        return Convert.ToHexString(hash.GetHashAndReset()).ToLowerInvariant();
    }

    /// <summary>
    /// Writes the stamp: the hash; the targets' key of the settings this restore ran with and the number of
    /// skills it found up to date (what the restore hook compares, and says, when it skips the task); then
    /// one line per path the targets test for existence (each skill's SKILL.md and agent link of the root).
    /// An unchanged stamp is touched, since its time is what MSBuild compares with the project and the lock.
    /// </summary>
    /// <param name="path">The stamp file.</param>
    /// <param name="targetsKey">What the targets computed from the settings (<c>_SkillsOciHookKey</c>); null for none.</param>
    /// <param name="skills">The skills of this project, for the hook's "up to date" line.</param>
    public void WriteStamp(string path, string? targetsKey = null, int skills = 0)
    {
        try
        {
            var content = new StringBuilder(ComputeStamp()).Append('\n');
            if (!string.IsNullOrWhiteSpace(targetsKey))
            {
                // Lines the targets read with ReadLinesFromFile; neither ends in .md, so the existence probes skip them.
                content.Append(TargetsKeyPrefix).Append(targetsKey.Trim()).Append('\n');
                content.Append(SkillCountPrefix).Append(skills.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append('\n');
            }

            var lockPath = request.EffectiveLockFilePath;
            if (File.Exists(lockPath))
            {
                var lockFile = LockFile.Parse(File.ReadAllBytes(lockPath), lockPath);
                foreach (var entry in lockFile.Skills.Where(e => e.HasStandardPath))
                {
                    content.Append(SkillsRootPath.Full(request.Root, entry.Path + "/SKILL.md")).Append('\n');
                    foreach (var link in entry.AdditionalPaths)
                    {
                        content.Append(SkillsRootPath.Full(request.Root, link + "/SKILL.md")).Append('\n');
                    }
                }
            }

            var full = Path.GetFullPath(path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            var text = content.ToString();
            if (File.Exists(full) && File.ReadAllText(full) == text)
            {
                File.SetLastWriteTimeUtc(full, DateTime.UtcNow);
            }
            else
            {
                File.WriteAllText(full, text);
            }
        }
        catch (Exception ex) when (ex is SkillsOciException || RestoreIo.IsIo(ex))
        {
            // Only costs a repeated check in the next build.
        }
    }
}
