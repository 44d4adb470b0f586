using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Registry;
using Skills.Oci.Build.Trust.Signatures;

namespace Skills.Oci.Build.Restore;

/// <summary>
/// A skill source that asks a registry's mirror first: every read of a reference whose registry has a
/// <see cref="RegistryMirror"/> goes to the rewritten reference, then, on "not found" or "unreachable"
/// and unless the mirror says <c>Fallback="false"</c>, to the original. Callers see and record only
/// canonical references (the lock never names the mirror), and verify every digest as from any source;
/// the inner source looks credentials up for the host it actually contacts.
/// </summary>
public sealed class MirroredSkillSource(ISkillSource inner, RegistryMirrors mirrors) : ISkillSource, ISkillSignatureSource
{
    public Task<IReadOnlyList<string>> ListTagsAsync(ImageReference repository, CancellationToken cancellationToken) =>
        FirstAsync(repository, r => inner.ListTagsAsync(r, cancellationToken));

    public Task<Descriptor> ResolveAsync(ImageReference reference, CancellationToken cancellationToken) =>
        FirstAsync(reference, r => inner.ResolveAsync(r, cancellationToken));

    public Task<Stream> FetchManifestAsync(ImageReference repository, Descriptor manifest, CancellationToken cancellationToken) =>
        FirstAsync(repository, r => inner.FetchManifestAsync(r, manifest, cancellationToken));

    public Task<Stream> FetchBlobAsync(ImageReference repository, Descriptor blob, CancellationToken cancellationToken) =>
        FirstAsync(repository, r => inner.FetchBlobAsync(r, blob, cancellationToken));

    public Task<(Descriptor Descriptor, byte[] Bytes)> FetchTaggedManifestAsync(ImageReference reference, OciLimits limits, CancellationToken cancellationToken) =>
        FirstAsync(reference, r => inner.FetchTaggedManifestAsync(r, limits, cancellationToken));

    /// <summary>
    /// Signatures on the mirror first (a mirror copied with its referrers and signature tags serves them
    /// with the skill), then, when the mirror has none and fallback is allowed, on the original registry.
    /// </summary>
    public async Task<DiscoveredSignatures> FindSignaturesAsync(ImageReference repository, Digest subject, CancellationToken cancellationToken)
    {
        if (inner is not ISkillSignatureSource signatures)
        {
            return DiscoveredSignatures.None(subject);
        }

        if (mirrors.For(repository) is not { } mirror)
        {
            return await signatures.FindSignaturesAsync(repository, subject, cancellationToken).ConfigureAwait(false);
        }

        try
        {
            var found = await signatures.FindSignaturesAsync(mirror.Rewrite(repository), subject, cancellationToken).ConfigureAwait(false);
            if (!found.IsEmpty || !mirror.Fallback)
            {
                return found;
            }
        }
        catch (RegistryException ex) when (mirror.Fallback && ex.Kind is RegistryErrorKind.NotFound or RegistryErrorKind.Unreachable)
        {
        }

        return await signatures.FindSignaturesAsync(repository, subject, cancellationToken).ConfigureAwait(false);
    }

    private async Task<T> FirstAsync<T>(ImageReference reference, Func<ImageReference, Task<T>> read)
    {
        if (mirrors.For(reference) is not { } mirror)
        {
            return await read(reference).ConfigureAwait(false);
        }

        try
        {
            return await read(mirror.Rewrite(reference)).ConfigureAwait(false);
        }
        catch (RegistryException ex) when (ex.Kind is RegistryErrorKind.NotFound && !mirror.Fallback)
        {
            throw new SkillsOciException(ErrorCodes.MirrorMissingSkill,
                $"'{reference}' is not on {mirror.Registry}'s mirror {mirror.Location} (set in {mirror.Origin}), which does not fall back to {mirror.Registry} (Fallback=\"false\"): {ex.Message} Copy the skill to the mirror, or allow the fallback.",
                innerException: ex);
        }
        catch (RegistryException ex) when (ex.Kind is RegistryErrorKind.NotFound or RegistryErrorKind.Unreachable && mirror.Fallback)
        {
            // The original registry is the fallback; its own failure, if any, is the one reported.
        }

        return await read(reference).ConfigureAwait(false);
    }
}
