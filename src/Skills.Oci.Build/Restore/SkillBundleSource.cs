using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Trust.Signatures;

namespace Skills.Oci.Build.Restore;

/// <summary>
/// An offline bundle: one OCI image layout holding skills of many registries and repositories, as
/// <see cref="SkillBundleExporter"/> writes it. Each skill manifest is listed in <c>index.json</c> under
/// its canonical pinned reference (<c>registry/repository@sha256:…</c>, what import looks up for a
/// locked skill) and, when the lock has one, its tagged reference (<c>registry/repository:tag</c>); each
/// one's signatures are a <see cref="SignatureSnapshot"/> in the same layout. Bytes are returned raw:
/// restore verifies every digest, so a tampered bundle fails as a tampered registry would.
/// </summary>
public sealed class SkillBundleSource : ISkillSource, ISkillSignatureSource
{
    private readonly Lazy<Task<IReadOnlyList<Descriptor>>> _index;

    public SkillBundleSource(string folder)
    {
        Layout = new OciImageLayout(Path.GetFullPath(folder));
        if (!Layout.Exists)
        {
            throw new SkillsOciException(ErrorCodes.BundleNotFound,
                $"'{Layout.Root}' is not an offline skills bundle (no oci-layout file). Write one with 'dotnet msbuild -t:ExportSkills -p:SkillsExportPath=<folder>' or 'skills-oci export <folder>'.");
        }

        // Read once: restore asks for many skills at once, and a bundle does not change during a restore.
        _index = new(() => Layout.ReadIndexAsync(CancellationToken.None));
    }

    public OciImageLayout Layout { get; }

    /// <summary>The ref name a skill manifest is listed under: the canonical reference, registry included.</summary>
    public static string RefName(ImageReference reference) => reference.ToString();

    public async Task<IReadOnlyList<string>> ListTagsAsync(ImageReference repository, CancellationToken cancellationToken)
    {
        var prefix = repository.RepositoryName + ":";
        var tags = (await _index.Value.ConfigureAwait(false))
            .Select(m => m.GetAnnotation(AnnotationKeys.RefName))
            .OfType<string>()
            .Where(name => name.StartsWith(prefix, StringComparison.Ordinal) && !name.Contains('@', StringComparison.Ordinal))
            .Select(name => name[prefix.Length..])
            .Distinct(StringComparer.Ordinal)
            .ToList();
        return tags.Count > 0 ? tags : throw Missing(repository);
    }

    public async Task<Descriptor> ResolveAsync(ImageReference reference, CancellationToken cancellationToken)
    {
        var name = RefName(reference.Digest is null ? reference.WithTag(reference.Tag ?? "latest") : ImageReference.Create(reference.Registry, reference.Repository, digest: reference.Digest));
        var listed = (await _index.Value.ConfigureAwait(false)).FirstOrDefault(m => m.GetAnnotation(AnnotationKeys.RefName) == name);
        return listed is null ? throw Missing(reference) : listed with { Annotations = null };
    }

    public Task<Stream> FetchManifestAsync(ImageReference repository, Descriptor manifest, CancellationToken cancellationToken) =>
        FetchBlobAsync(repository, manifest, cancellationToken);

    public Task<Stream> FetchBlobAsync(ImageReference repository, Descriptor blob, CancellationToken cancellationToken)
    {
        var path = Layout.BlobPath(blob.Digest);
        try
        {
            // Raw bytes, as a registry would send them; the caller verifies.
            return Task.FromResult<Stream>(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.Asynchronous | FileOptions.SequentialScan));
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new SkillsOciException(ErrorCodes.BundleMissingSkill,
                $"The blob {blob.Digest} of {repository.RepositoryName} is missing from the offline bundle '{Layout.Root}'. Export the bundle again.", innerException: ex);
        }
    }

    /// <summary>The signatures exported with the skill; none when the bundle holds no snapshot for it.</summary>
    public async Task<DiscoveredSignatures> FindSignaturesAsync(ImageReference repository, Digest subject, CancellationToken cancellationToken) =>
        await SignatureSnapshot.LoadAsync(Layout, subject, cancellationToken: cancellationToken).ConfigureAwait(false) ?? DiscoveredSignatures.None(subject);

    private SkillsOciException Missing(ImageReference reference) =>
        new(ErrorCodes.BundleMissingSkill,
            $"'{reference}' is not in the offline bundle '{Layout.Root}'. Export the bundle again from the current skills.lock.json ('skills-oci export'), and restore in locked mode.");
}
