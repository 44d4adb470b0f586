using Skills.Oci.Build.Oci;

namespace Skills.Oci.Build.Registry;

/// <summary>
/// The referrers tag schema (OCI distribution spec, for registries without the referrers API): the
/// referrers of a subject are listed in an index tagged <c>sha256-&lt;hex&gt;</c> of the subject's
/// digest, which writers extend and readers fetch.
/// </summary>
internal sealed class ReferrersTagSchema(RegistryClient client)
{
    public async Task<IReadOnlyList<Descriptor>> ListAsync(ImageReference repository, Digest subject, string? artifactType, CancellationToken cancellationToken)
    {
        var manifests = await ReadAsync(repository, subject, cancellationToken).ConfigureAwait(false);
        return artifactType is null ? manifests : manifests.Where(m => m.ArtifactType == artifactType).ToList();
    }

    /// <summary>Adds the referrer to the subject's index unless it is listed already.</summary>
    public async Task AddAsync(ImageReference repository, Digest subject, Descriptor referrer, CancellationToken cancellationToken)
    {
        var manifests = (await ReadAsync(repository, subject, cancellationToken).ConfigureAwait(false)).ToList();
        if (manifests.Any(m => m.Digest == referrer.Digest))
        {
            return;
        }

        manifests.Add(referrer);
        await client.PushManifestAsync(repository, subject.ToTagSchema(), OciJsonWriter.WriteIndex(manifests), MediaTypes.OciIndex, cancellationToken).ConfigureAwait(false);
    }

    private async Task<IReadOnlyList<Descriptor>> ReadAsync(ImageReference repository, Digest subject, CancellationToken cancellationToken)
    {
        ManifestContent index;
        try
        {
            index = await client.FetchManifestAsync(repository.WithDigest(null).WithTag(subject.ToTagSchema()), cancellationToken).ConfigureAwait(false);
        }
        catch (RegistryException ex) when (ex.Kind == RegistryErrorKind.NotFound)
        {
            return [];
        }

        return RegistryResponse.ParseIndex(index.Bytes, repository).Manifests;
    }
}
