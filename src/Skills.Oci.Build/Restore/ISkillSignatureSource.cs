using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Trust.Signatures;

namespace Skills.Oci.Build.Restore;

/// <summary>
/// A skill source that can also find the signatures attached to a manifest (the registry, with the
/// same client and credentials as the pull). Sources without it cannot verify from the network; a
/// cached signature snapshot still can.
/// </summary>
public interface ISkillSignatureSource
{
    Task<DiscoveredSignatures> FindSignaturesAsync(ImageReference repository, Digest subject, CancellationToken cancellationToken);
}
