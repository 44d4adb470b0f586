using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Registry;
using Skills.Oci.Build.Sigstore.Cosign;
using Skills.Oci.Build.Sigstore.Keys;
using Skills.Oci.Build.Sigstore.Signing;
using Skills.Oci.Build.Sigstore.TrustedRoots;
using Skills.Oci.Build.Sigstore.Verification;
using Skills.Oci.Build.Trust.Signatures;

namespace Skills.Oci.Build.Trust;

/// <summary>Which signatures publishing attaches (the MSBuild property <c>SkillSignatureFormats</c>).</summary>
[Flags]
public enum SignatureFormats
{
    None = 0,

    /// <summary>A Sigstore bundle v0.3 as an OCI referrer: what cosign 3 and the Sigstore clients read.</summary>
    Bundle = 1,

    /// <summary>A simple-signing layer in the <c>sha256-&lt;hex&gt;.sig</c> tag: what cosign 2 reads.</summary>
    Legacy = 2,

    Both = Bundle | Legacy,
}

/// <summary>What <see cref="SkillSigner.SignAsync"/> attached.</summary>
/// <param name="BundleReferrer">The referrer manifest holding the new bundle; null when none was added.</param>
/// <param name="LegacySignatureAdded">True when a <c>.sig</c> layer was added.</param>
/// <param name="Signer">The signer as the trust evaluator records it: <c>key:sha256:…</c>.</param>
/// <remarks>A format asked for but not added already had a valid signature by the same key.</remarks>
public sealed record SkillSignatures(Descriptor? BundleReferrer, bool LegacySignatureAdded, string Signer);

/// <summary>
/// Signs a published skill manifest with a key and attaches the signatures: a v0.3 bundle (DSSE over
/// an in-toto statement with cosign's signature predicate, public-key hint, no transparency log
/// entry) as a referrer, and a legacy simple-signing signature under the <c>.sig</c> tag, so both
/// cosign 2 and cosign 3 verifiers find one. The key never leaves this process.
/// </summary>
public sealed class SkillSigner
{
    private readonly SigningKey _key;
    private readonly SignatureStore _store;
    private readonly TimeProvider _time;

    public SkillSigner(SigningKey key, SignatureStore? store = null, TimeProvider? timeProvider = null)
    {
        _key = key ?? throw new ArgumentNullException(nameof(key));
        _store = store ?? new SignatureStore();
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>
    /// Reads <c>SkillSignatureFormats</c>: <c>bundle</c>, <c>legacy</c>, <c>both</c> (the default, also
    /// for an empty value) or <c>none</c>, several separated by <c>;</c> or <c>,</c>, any case.
    /// </summary>
    public static SignatureFormats ParseFormats(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return SignatureFormats.Both;
        }

        var formats = SignatureFormats.None;
        foreach (var part in value.Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            formats |= part.ToUpperInvariant() switch
            {
                "BUNDLE" => SignatureFormats.Bundle,
                "LEGACY" => SignatureFormats.Legacy,
                "BOTH" => SignatureFormats.Both,
                "NONE" => SignatureFormats.None,
                _ => throw new SkillsOciException(ErrorCodes.SignatureFormatsInvalid, $"SkillSignatureFormats has '{part}'; use 'bundle', 'legacy' or 'both'."),
            };
        }

        return formats;
    }

    /// <summary>
    /// Signs <paramref name="manifest"/> (already pushed to <paramref name="repository"/>) and attaches
    /// the signatures <paramref name="formats"/> asks for. <paramref name="skillName"/> names the
    /// statement's subject; the simple-signing payload names the repository, as cosign does.
    /// </summary>
    public async Task<SkillSignatures> SignAsync(
        RegistryClient client,
        ImageReference repository,
        Descriptor manifest,
        string skillName,
        SignatureFormats formats = SignatureFormats.Both,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentException.ThrowIfNullOrEmpty(skillName);

        // ECDSA signatures are randomized and bundles carry a time, so signing again would add a new
        // signature on every push of the same manifest: skip a format this key already signed.
        var existing = formats == SignatureFormats.None
            ? DiscoveredSignatures.None(manifest.Digest)
            : await _store.FindAsync(client, repository, manifest.Digest, cancellationToken).ConfigureAwait(false);
        var evaluator = new SkillTrustEvaluator(TrustedRoot.Production, _time);
        var requirement = new SkillTrustRequirement(VerificationPolicy.ForKey(_key.PublicKey));
        bool AlreadySigned(SignatureFormat format) =>
            evaluator.Evaluate(existing with { Items = existing.OfFormat(format).ToList() }, manifest.Digest, requirement).IsVerified;

        Descriptor? referrer = null;
        if (formats.HasFlag(SignatureFormats.Bundle) && !AlreadySigned(SignatureFormat.SigstoreBundle))
        {
            var bundle = new SigstoreBundleSigner(_key).SignStatement(skillName, manifest.Digest);
            referrer = await _store.AttachBundleAsync(
                client, repository, manifest, bundle, BundleContent.DsseEnvelope, SigstoreBundleSigner.CosignSignPredicateType, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        }

        var added = false;
        if (formats.HasFlag(SignatureFormats.Legacy) && !AlreadySigned(SignatureFormat.SimpleSigning))
        {
            var payload = SimpleSigningPayload.Create(repository.RepositoryName, manifest.Digest);
            var signature = Convert.ToBase64String(_key.Sign(payload));
            added = await _store.AttachLegacySignatureAsync(client, repository, manifest.Digest, payload, signature, null, cancellationToken).ConfigureAwait(false);
        }

        return new SkillSignatures(referrer, added, "key:" + _key.PublicKey.Fingerprint);
    }
}
