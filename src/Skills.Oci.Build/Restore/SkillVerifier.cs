using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Format;
using Skills.Oci.Build.NuGet;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Trust.Policy;
using Skills.Oci.Build.FileSystem;

namespace Skills.Oci.Build.Restore;

/// <summary>What <see cref="SkillVerifier"/> found: coded problems, and one line per skill for the log.</summary>
public sealed record SkillVerifyResult(IReadOnlyList<Diagnostic> Diagnostics, IReadOnlyList<string> Messages)
{
    public bool Succeeded => Diagnostics.All(d => d.Severity != DiagnosticSeverity.Error);
}

/// <summary>
/// <c>VerifySkills</c>: for each skill the lock records for this project, re-verifies its signature
/// offline from the cached snapshot against the current policies, and compares its folder with the
/// content digest recorded at install, naming each changed file (from the cached layer, extracted to
/// a temporary folder). Never touches the network, the lock or the skill folders.
/// </summary>
public static class SkillVerifier
{
    public static async Task<SkillVerifyResult> VerifyAsync(SkillRestoreRequest request, SkillRestoreOptions options, CancellationToken cancellationToken)
    {
        var diagnostics = new List<Diagnostic>();
        var messages = new List<string>();
        var lockPath = request.EffectiveLockFilePath;
        var lockFile = await LockFile.ReadAsync(lockPath, cancellationToken).ConfigureAwait(false);
        if (lockFile is null)
        {
            messages.Add($"No lock file at '{lockPath}': nothing to verify.");
            return new SkillVerifyResult(diagnostics, messages);
        }

        var policies = options.TrustPolicies.Count == 0
            ? SkillTrustPolicySet.Empty
            : await SkillTrustPolicySet.LoadAsync(options.TrustPolicies, Path.GetDirectoryName(request.ProjectPath), cancellationToken).ConfigureAwait(false);
        var cache = new SkillCache(options.EffectiveCachePath);
        var gate = new SkillTrustGate(policies, options.RequireSignatures, options.TrustedRootPath, cache.Layout, network: null, request.ProjectPath, options.Time);
        var materializer = new SkillMaterializer(request.Root, options.AgentDirectories);
        var packageTrust = PackageSkillTrust.ForRestore(policies, options, request.ProjectPath);
        foreach (var entry in lockFile.Skills.Where(e => e.Projects.Contains(request.ProjectKey)))
        {
            try
            {
                if (entry.Source is NuGetLockSource package)
                {
                    // A package skill's signature is NuGet's, checked again in the package NuGet keeps locally.
                    await CheckPackageSignatureAsync(entry, package, packageTrust, options, lockPath, diagnostics, messages, cancellationToken).ConfigureAwait(false);
                    await CheckContentAsync(entry, materializer, cache, options.Limits, lockPath, diagnostics, messages, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                var registry = entry.RegistrySource;

                var trust = await gate.VerifyOfflineAsync(entry.Name, registry.RepositoryReference, registry.Digest, cancellationToken).ConfigureAwait(false);
                messages.Add(trust.Message);
                if (entry.VerifiedBy is not null && trust.VerifiedBy is not null && entry.VerifiedBy != trust.VerifiedBy)
                {
                    diagnostics.Add(Diagnostic.Error(ErrorCodes.SignerChanged,
                        $"The skill '{entry.Name}' is locked as verified by '{entry.VerifiedBy}', and the current policy verifies it as '{trust.VerifiedBy}'. Review the change; to record it, delete '.agents/skills/{entry.Name}' and run 'dotnet restore'.",
                        lockPath));
                }
            }
            catch (SkillsOciException ex)
            {
                diagnostics.Add(ex.Diagnostic);
            }

            await CheckContentAsync(entry, materializer, cache, options.Limits, lockPath, diagnostics, messages, cancellationToken).ConfigureAwait(false);
        }

        return new SkillVerifyResult(diagnostics, messages);
    }

    private static async Task CheckPackageSignatureAsync(LockEntry entry, NuGetLockSource package, PackageSkillTrust trust, SkillRestoreOptions options, string lockPath, List<Diagnostic> diagnostics, List<string> messages, CancellationToken cancellationToken)
    {
        if (!trust.IsActive)
        {
            return;
        }

        var packagesFolder = options.PackagesFolder ?? PackageSkillFolders.DefaultGlobalPackagesFolder();
        var verifiedBy = await trust.VerifyAsync(VerifiablePackage.InGlobalPackagesFolder(packagesFolder, package.Package, package.Version), entry, cancellationToken).ConfigureAwait(false);
        if (verifiedBy is null)
        {
            messages.Add($"'{entry.Name}': no SkillTrustPolicy covers the package {package.Package} {package.Version}.");
            return;
        }

        messages.Add($"'{entry.Name}': the package {package.Package} {package.Version} is signed as the policy requires ({verifiedBy}).");
        if (entry.VerifiedBy is not null && entry.VerifiedBy != verifiedBy)
        {
            diagnostics.Add(Diagnostic.Error(ErrorCodes.SignerChanged,
                $"The skill '{entry.Name}' is locked as verified by '{entry.VerifiedBy}', and the current policy verifies it as '{verifiedBy}'. Review the change; to record it, delete '.agents/skills/{entry.Name}' and run 'dotnet restore'.",
                lockPath));
        }
    }

    private static async Task CheckContentAsync(LockEntry entry, SkillMaterializer materializer, SkillCache cache, OciLimits limits, string lockPath, List<Diagnostic> diagnostics, List<string> messages, CancellationToken cancellationToken)
    {
        if (!entry.HasStandardPath)
        {
            messages.Add($"'{entry.Name}': installed by another tool at '{entry.Path}'; its content is not compared.");
            return;
        }

        var folder = materializer.FullPath(entry.Path);
        if (!Directory.Exists(folder) || SkillsRootPath.IsLink(folder))
        {
            diagnostics.Add(Diagnostic.Error(ErrorCodes.SkillContentUnverifiable,
                $"The skill '{entry.Name}' is locked but its folder '{folder}' is missing. Run 'dotnet restore'.", lockPath));
            return;
        }

        if (entry.ContentDigest is not { } expectedDigest)
        {
            diagnostics.Add(Diagnostic.Warning(ErrorCodes.SkillContentUnverifiable,
                $"The lock records no contentDigest for the skill '{entry.Name}' (written by an older tool), so its folder cannot be compared. Delete '{folder}' and run 'dotnet restore' to record one.", lockPath));
            return;
        }

        var actual = await SkillTree.FromFolderAsync(folder, cancellationToken).ConfigureAwait(false);
        if (actual.Digest == expectedDigest)
        {
            messages.Add($"'{entry.Name}': content matches {expectedDigest}.");
            return;
        }

        var fix = $"Delete '{folder}' and run 'dotnet restore' to reinstall {entry.Source.Ref}, or move your changes into a skill of your own.";
        var expected = await ExpectedTreeAsync(entry, cache, limits, cancellationToken).ConfigureAwait(false);
        IReadOnlyList<SkillTreeDifference> differences = expected is null ? [] : actual.CompareTo(expected);
        if (differences.Count == 0)
        {
            diagnostics.Add(Diagnostic.Error(ErrorCodes.SkillContentDrift,
                $"The folder of the skill '{entry.Name}' differs from the content it was installed from ({expectedDigest}, now {actual.Digest}){(expected is null ? "; its layer is not cached, so the changed files cannot be named" : string.Empty)}. {fix}",
                folder));
            return;
        }

        foreach (var difference in differences)
        {
            diagnostics.Add(Diagnostic.Error(ErrorCodes.SkillContentDrift,
                $"The skill '{entry.Name}' differs from the content it was installed from: {difference.Change.ToString().ToLowerInvariant()} '{difference.Path}'. {fix}",
                Path.Combine(folder, difference.Path.Replace('/', Path.DirectorySeparatorChar))));
        }
    }

    /// <summary>The tree as installed, rebuilt from the cached layer with the safe extractor; null when not cached.</summary>
    private static async Task<SkillTree?> ExpectedTreeAsync(LockEntry entry, SkillCache cache, OciLimits limits, CancellationToken cancellationToken)
    {
        var reader = new SkillContentReader(cache, null, limits);
        SkillArtifact? artifact;
        if (entry.Source is not RegistryLockSource registry)
        {
            // A package skill's layer is not cached: the difference is reported without a file list.
            return null;
        }

        try
        {
            artifact = await reader.ReadArtifactAsync(registry.RepositoryReference, registry.Digest, null, entry.Source.Ref, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SkillsOciException or RegistryException)
        {
            return null;
        }

        if (artifact is null || !cache.HasBlob(artifact.Skill.Layer))
        {
            return null;
        }

        var parent = Path.Combine(Path.GetTempPath(), "skills-oci-verify-" + TempName.NewId());
        Directory.CreateDirectory(parent);
        try
        {
            await using var layer = reader.OpenLayer(artifact);
            var staging = await SkillArchiveExtractor.ExtractAsync(layer, artifact.Name, parent, limits, entry.Source.Ref, cancellationToken).ConfigureAwait(false);
            return await SkillTree.FromFolderAsync(Path.Combine(staging, artifact.Name), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SkillsOciException or RegistryException or IOException)
        {
            return null;
        }
        finally
        {
            DirectoryTree.Delete(parent);
        }
    }
}
