using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Sigstore.TrustedRoots;
using Skills.Oci.Build.Trust;
using Skills.Oci.Build.Trust.Policy;
using Skills.Oci.Build.Trust.Signatures;

namespace Skills.Oci.Build.Restore;

/// <summary>What checking one skill against the trust policies gave.</summary>
/// <param name="VerifiedBy">The signer to record in the lock; null when no policy applied.</param>
/// <param name="Message">A line for detailed logs ("verified …", "no policy …").</param>
/// <param name="Unavailable">Offline with nothing cached to verify from: a warning to report, and the skill is not installed.</param>
public sealed record SkillTrustOutcome(string? VerifiedBy, string Message, Diagnostic? Unavailable = null);

/// <summary>
/// Applies the <c>SkillTrustPolicy</c> items to one skill digest: the matching policy's requirement
/// is evaluated over the signatures found in the registry (saved as a snapshot in the cache) or, with
/// no network or for a locked reinstall, over the cached snapshot. Shared by restore and VerifySkills.
/// </summary>
public sealed class SkillTrustGate
{
    private readonly SkillTrustPolicySet _policies;
    private readonly bool _requireSignatures;
    private readonly string? _trustedRootPath;
    private readonly OciImageLayout _cache;
    private readonly ISkillSignatureSource? _network;
    private readonly string _projectPath;
    private readonly TimeProvider _time;
    private SkillTrustEvaluator? _evaluator;

    public SkillTrustGate(SkillTrustPolicySet policies, bool requireSignatures, string? trustedRootPath, OciImageLayout cache, ISkillSignatureSource? network, string projectPath, TimeProvider? time = null)
    {
        _policies = policies;
        _requireSignatures = requireSignatures;
        _trustedRootPath = trustedRootPath;
        _cache = cache;
        _network = network;
        _projectPath = projectPath;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>True when no check can apply (no registry policy, signatures not required): restore skips the gate entirely.</summary>
    public bool IsInactive => _policies.Policies.Count == 0 && !_requireSignatures;

    /// <summary>True when a policy matches <paramref name="repository"/> (a collection is checked only then; signatures required or not).</summary>
    public bool Covers(ImageReference repository) => _policies.Match(repository.Registry, repository.Repository) is not null;

    /// <summary>
    /// Checks <paramref name="digest"/> of <paramref name="repository"/>. Throws the coded error when a
    /// policy applies and is not satisfied (or none applies and signatures are required).
    /// </summary>
    /// <param name="preferSnapshot">Verify from the cached snapshot first (locked reinstalls): no network when it verifies.</param>
    public async Task<SkillTrustOutcome> CheckAsync(string name, ImageReference repository, Digest digest, bool preferSnapshot, CancellationToken cancellationToken)
    {
        var policy = _policies.Match(repository.Registry, repository.Repository);
        var display = $"{repository.RepositoryName}@{digest}";
        if (policy is null)
        {
            if (_requireSignatures)
            {
                throw new SkillsOciException(ErrorCodes.TrustPolicyRequired,
                    $"SkillsRequireSignatures is true and no SkillTrustPolicy covers the skill '{name}' ({repository.RepositoryName}). Add a SkillTrustPolicy whose Include matches '{repository.RepositoryName}' with the Key or Issuer and Identity that sign it.",
                    _projectPath);
            }

            return new SkillTrustOutcome(null, $"'{name}' ({display}): no SkillTrustPolicy covers it; signatures were not checked (VerifySkills reports its signers).");
        }

        SkillTrustVerdict? verdict = null;
        if (preferSnapshot || _network is null)
        {
            var snapshot = await LoadSnapshotAsync(digest, cancellationToken).ConfigureAwait(false);
            if (snapshot is not null)
            {
                verdict = await EvaluateAsync(snapshot, digest, policy, cancellationToken).ConfigureAwait(false);
                if (verdict.IsVerified || _network is null)
                {
                    return Finish(name, display, policy, verdict, "the cached signature snapshot");
                }
            }
            else if (_network is null)
            {
                return new SkillTrustOutcome(null, string.Empty, Diagnostic.Warning(ErrorCodes.SignatureSnapshotMissing,
                    $"The skill '{name}' ({display}) is covered by {policy} but no signature snapshot is cached, so it cannot be verified offline (design-time build); it was not installed. Run 'dotnet restore'.",
                    _projectPath));
            }
        }

        var found = await _network!.FindSignaturesAsync(repository, digest, cancellationToken).ConfigureAwait(false);
        await SignatureSnapshot.SaveAsync(_cache, found, cancellationToken).ConfigureAwait(false);
        verdict = await EvaluateAsync(found, digest, policy, cancellationToken).ConfigureAwait(false);
        return Finish(name, display, policy, verdict, "the registry");
    }

    /// <summary>VerifySkills: offline only, from the snapshot; a missing snapshot is an error.</summary>
    public async Task<SkillTrustOutcome> VerifyOfflineAsync(string name, ImageReference repository, Digest digest, CancellationToken cancellationToken)
    {
        var policy = _policies.Match(repository.Registry, repository.Repository);
        var display = $"{repository.RepositoryName}@{digest}";
        var snapshot = await LoadSnapshotAsync(digest, cancellationToken).ConfigureAwait(false);
        if (policy is null)
        {
            if (_requireSignatures)
            {
                throw new SkillsOciException(ErrorCodes.TrustPolicyRequired,
                    $"SkillsRequireSignatures is true and no SkillTrustPolicy covers the skill '{name}' ({repository.RepositoryName}). Add a SkillTrustPolicy whose Include matches it.",
                    _projectPath);
            }

            var described = snapshot is null
                ? "no signature snapshot is cached (none is taken without a policy)"
                : string.Join("; ", (await EvaluatorAsync(cancellationToken).ConfigureAwait(false)).Describe(snapshot) is { Count: > 0 } lines ? lines : ["unsigned"]);
            return new SkillTrustOutcome(null, $"'{name}' ({display}): no SkillTrustPolicy covers it; {described}.");
        }

        if (snapshot is null)
        {
            throw new SkillsOciException(ErrorCodes.SignatureSnapshotMissing,
                $"The skill '{name}' ({display}) is covered by {policy} but no signature snapshot is in the cache, so it cannot be verified offline. Run 'dotnet msbuild -t:RepairSkills' with the registry reachable to take one (a plain restore takes one whenever it installs the skill or its policy changes).",
                _projectPath);
        }

        return Finish(name, display, policy, await EvaluateAsync(snapshot, digest, policy, cancellationToken).ConfigureAwait(false), "the cached signature snapshot");
    }

    private async Task<DiscoveredSignatures?> LoadSnapshotAsync(Digest digest, CancellationToken cancellationToken)
    {
        try
        {
            return await SignatureSnapshot.LoadAsync(_cache, digest, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (RegistryException)
        {
            // A damaged snapshot is as good as none: fetch again when the network is allowed.
            return null;
        }
    }

    private SkillTrustOutcome Finish(string name, string display, SkillTrustPolicy policy, SkillTrustVerdict verdict, string from)
    {
        if (verdict.Diagnostic is { } diagnostic)
        {
            throw new SkillsOciException(diagnostic with
            {
                Message = $"The skill '{name}' ({display}) does not satisfy {policy}: {diagnostic.Message}",
                File = diagnostic.File ?? _projectPath,
            });
        }

        var attestations = verdict.Attestations.Count == 0 ? string.Empty : $"; verified attestations: {string.Join(", ", verdict.Attestations)}";
        return new SkillTrustOutcome(verdict.Signer, $"'{name}' ({display}): verified from {from}, signed by {verdict.Signer} ({policy}){attestations}.");
    }

    private async Task<SkillTrustVerdict> EvaluateAsync(DiscoveredSignatures found, Digest digest, SkillTrustPolicy policy, CancellationToken cancellationToken) =>
        (await EvaluatorAsync(cancellationToken).ConfigureAwait(false)).Evaluate(found, digest, policy.Requirement);

    private async Task<SkillTrustEvaluator> EvaluatorAsync(CancellationToken cancellationToken)
    {
        if (_evaluator is null)
        {
            var root = _trustedRootPath is { Length: > 0 } path
                ? await LoadRootAsync(path, cancellationToken).ConfigureAwait(false)
                : TrustedRoot.Production;
            _evaluator = new SkillTrustEvaluator(root, _time);
        }

        return _evaluator;
    }

    private async Task<TrustedRoot> LoadRootAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            return await SigstoreDiagnostics.LoadTrustedRootAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new SkillsOciException(ErrorCodes.TrustedRootInvalid, $"SkillsTrustedRoot '{path}' could not be read: {ex.Message}", _projectPath);
        }
    }
}
