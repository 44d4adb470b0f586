using System.Text.Json;
using Skills.Oci.Build.Oci;

namespace Skills.Oci.Build.Restore;

/// <summary>
/// A skill source backed by OCI image layout folders on disk, one per repository, at
/// <c>&lt;root&gt;/&lt;registry&gt;/&lt;repository&gt;</c> (a registry's ':' becomes '_'): what
/// <c>dotnet pack</c> writes and <c>skopeo copy oci:</c> reads. Tags are the layout's
/// <c>org.opencontainers.image.ref.name</c> annotations.
/// </summary>
public sealed class ImageLayoutSkillSource(string root) : ISkillSource
{
    public string Root { get; } = Path.GetFullPath(root);

    /// <summary>The layout folder that holds <paramref name="repository"/>.</summary>
    public OciImageLayout LayoutFor(ImageReference repository) =>
        new(Path.Combine([Root, repository.Registry.Replace(':', '_'), .. repository.Repository.Split('/')]));

    public async Task<IReadOnlyList<string>> ListTagsAsync(ImageReference repository, CancellationToken cancellationToken)
    {
        var layout = RequireLayout(repository);
        var manifests = await layout.ReadIndexAsync(cancellationToken).ConfigureAwait(false);
        return manifests.Select(m => m.GetAnnotation(AnnotationKeys.RefName)).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
    }

    public async Task<Descriptor> ResolveAsync(ImageReference reference, CancellationToken cancellationToken)
    {
        var layout = RequireLayout(reference);
        if (reference.Digest is { } digest)
        {
            var listed = (await layout.ReadIndexAsync(cancellationToken).ConfigureAwait(false)).FirstOrDefault(m => m.Digest == digest);
            if (listed is not null)
            {
                return listed with { Annotations = null };
            }

            var file = new FileInfo(layout.BlobPath(digest));
            if (!file.Exists)
            {
                throw NotFound(reference);
            }

            // Not listed in index.json: read the media type from the manifest itself, as a registry would.
            string? mediaType;
            await using (var stream = file.OpenRead())
            {
                using var document = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
                mediaType = document.RootElement.TryGetProperty("mediaType", out var mt) ? mt.GetString() : null;
            }

            return new Descriptor { MediaType = mediaType ?? MediaTypes.OciManifest, Digest = digest, Size = file.Length };
        }

        var tagged = await layout.ResolveAsync(reference.Tag ?? "latest", cancellationToken).ConfigureAwait(false);
        return tagged is null ? throw NotFound(reference) : tagged with { Annotations = null };
    }

    public Task<Stream> FetchManifestAsync(ImageReference repository, Descriptor manifest, CancellationToken cancellationToken) =>
        FetchBlobAsync(repository, manifest, cancellationToken);

    public Task<Stream> FetchBlobAsync(ImageReference repository, Descriptor blob, CancellationToken cancellationToken)
    {
        var path = RequireLayout(repository).BlobPath(blob.Digest);
        try
        {
            // Raw bytes, as a registry would send them; the caller verifies.
            return Task.FromResult<Stream>(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.Asynchronous | FileOptions.SequentialScan));
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new RegistryException(RegistryErrorKind.NotFound, $"The blob {blob.Digest} of {repository.RepositoryName} is not in the image layout at '{path}'.", ex);
        }
    }

    private OciImageLayout RequireLayout(ImageReference reference)
    {
        var layout = LayoutFor(reference);
        return layout.Exists ? layout : throw NotFound(reference);
    }

    private static RegistryException NotFound(ImageReference reference) =>
        new(RegistryErrorKind.NotFound, $"'{reference}' was not found.") { Registry = reference.Registry, Repository = reference.Repository };
}
