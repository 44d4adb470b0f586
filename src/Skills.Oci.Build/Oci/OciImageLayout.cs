using System.Text.Json;
using Skills.Oci.Build.FileSystem;
using Skills.Oci.Build.IO;

namespace Skills.Oci.Build.Oci;

/// <summary>
/// An OCI image layout folder (image-spec image-layout.md): <c>oci-layout</c>, <c>index.json</c> and
/// content-addressed <c>blobs/&lt;alg&gt;/&lt;hex&gt;</c>. <c>dotnet pack</c> writes one; the per-user
/// cache is one. Blobs are written through a digest-verifying stream into a temporary file and moved
/// into place, so a blob file, once present, is complete; reads verify again because a cache on disk
/// can be tampered with. Safe for concurrent writers in several processes.
/// </summary>
public sealed class OciImageLayout
{
    private const string LayoutFileContent = "{\"imageLayoutVersion\":\"1.0.0\"}";
    private static readonly TimeSpan IndexLockTimeout = TimeSpan.FromMinutes(2);

    public OciImageLayout(string root)
    {
        Root = Path.GetFullPath(root);
    }

    public string Root { get; }

    public string IndexPath => Path.Combine(Root, "index.json");

    public string BlobPath(Digest digest) => Path.Combine(Root, "blobs", digest.Algorithm, digest.Encoded);

    /// <summary>True when the layout marker exists.</summary>
    public bool Exists => File.Exists(Path.Combine(Root, "oci-layout"));

    public async Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.Combine(Root, "blobs", Digest.Sha256));
        var marker = Path.Combine(Root, "oci-layout");
        if (!File.Exists(marker))
        {
            await AtomicFile.WriteAllTextAsync(marker, LayoutFileContent, cancellationToken).ConfigureAwait(false);
        }

        if (!File.Exists(IndexPath))
        {
            await WriteIndexAsync([], cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>True when the blob is present with the descriptor's size (its digest is checked on read).</summary>
    public bool HasBlob(Descriptor descriptor)
    {
        var info = new FileInfo(BlobPath(descriptor.Digest));
        return info.Exists && info.Length == descriptor.Size;
    }

    /// <summary>
    /// Stores a blob from an untrusted stream; the bytes must match the descriptor or nothing is kept.
    /// </summary>
    public Task WriteBlobAsync(Descriptor descriptor, Stream content, CancellationToken cancellationToken) =>
        HasBlob(descriptor)
            ? Task.CompletedTask
            : WriteBlobWhileReadingAsync(descriptor, content, static (stream, ct) => Task.FromResult(true), cancellationToken);

    /// <summary>
    /// Stores a blob from an untrusted stream while <paramref name="consume"/> reads the same bytes (the
    /// archive extractor reading a download): one read for both. The consumer sees only bytes that are
    /// verified by the end of the content; the blob is kept only when the consumer succeeded and every
    /// byte matched the descriptor, read to the end here if the consumer stopped early.
    /// </summary>
    public async Task<T> WriteBlobWhileReadingAsync<T>(Descriptor descriptor, Stream content, Func<Stream, CancellationToken, Task<T>> consume, CancellationToken cancellationToken)
    {
        var target = BlobPath(descriptor.Digest);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var temp = AtomicFile.TempPathBeside(target);
        try
        {
            T result;
            // A registry download is already a verifying stream for this descriptor: hashing it twice adds nothing.
            var verifying = content is VerifyingReadStream own && own.Verifies(descriptor.Digest, descriptor.Size)
                ? null
                : new VerifyingReadStream(content, descriptor.Digest, descriptor.Size, leaveOpen: true) { Source = descriptor.Digest.ToString() };
            await using (verifying)
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous))
            {
                var copying = new CopyingReadStream(verifying ?? content, file);
                result = await consume(copying, cancellationToken).ConfigureAwait(false);
                await copying.CopyToAsync(Stream.Null, cancellationToken).ConfigureAwait(false);
            }

            MoveIntoPlace(temp, target);
            return result;
        }
        finally
        {
            AtomicFile.TryDelete(temp);
        }
    }

    /// <summary>Stores bytes we produced ourselves and returns their descriptor.</summary>
    public async Task<Descriptor> WriteBlobAsync(string mediaType, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        var descriptor = Descriptor.FromContent(mediaType, content.Span);
        using var stream = new MemoryStream(content.ToArray(), writable: false);
        await WriteBlobAsync(descriptor, stream, cancellationToken).ConfigureAwait(false);
        return descriptor;
    }

    /// <summary>
    /// Moves a finished file we wrote and hashed ourselves into the blob store (the packer streams a
    /// large layer to a temporary file while hashing it, then adopts it here without a second copy).
    /// </summary>
    public void AdoptBlobFile(string finishedFile, Digest digest)
    {
        var target = BlobPath(digest);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        MoveIntoPlace(finishedFile, target);
    }

    /// <summary>Opens a stored blob; reading verifies it against the descriptor.</summary>
    public Stream OpenBlob(Descriptor descriptor) => OpenVerifiedBlob(descriptor);

    private VerifyingReadStream OpenVerifiedBlob(Descriptor descriptor)
    {
        var path = BlobPath(descriptor.Digest);
        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 81920, FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch (FileNotFoundException ex)
        {
            throw new RegistryException(RegistryErrorKind.NotFound, $"The blob {descriptor.Digest} is not in the image layout at '{Root}'.", ex);
        }
        catch (DirectoryNotFoundException ex)
        {
            throw new RegistryException(RegistryErrorKind.NotFound, $"The blob {descriptor.Digest} is not in the image layout at '{Root}'.", ex);
        }

        return new VerifyingReadStream(file, descriptor.Digest, descriptor.Size) { Source = path };
    }

    /// <summary>Reads a small blob (manifest, config) whole, verified, refusing more than <paramref name="maxBytes"/>.</summary>
    public async Task<byte[]> ReadBlobAsync(Descriptor descriptor, long maxBytes, CancellationToken cancellationToken)
    {
        if (descriptor.Size > maxBytes)
        {
            throw new RegistryException(RegistryErrorKind.TooLarge, $"The blob {descriptor.Digest} is {descriptor.Size} bytes, more than the limit of {maxBytes} bytes.");
        }

        await using var stream = OpenVerifiedBlob(descriptor);
        return await stream.ReadAllAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The manifests listed in index.json.</summary>
    public async Task<IReadOnlyList<Descriptor>> ReadIndexAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(IndexPath))
        {
            return [];
        }

        var bytes = await File.ReadAllBytesAsync(IndexPath, cancellationToken).ConfigureAwait(false);
        return OciIndex.Parse(bytes).Manifests;
    }

    /// <summary>The manifest tagged <paramref name="refName"/> in index.json, if any.</summary>
    public async Task<Descriptor?> ResolveAsync(string refName, CancellationToken cancellationToken)
    {
        var manifests = await ReadIndexAsync(cancellationToken).ConfigureAwait(false);
        return manifests.LastOrDefault(m => m.GetAnnotation(AnnotationKeys.RefName) == refName);
    }

    /// <summary>
    /// Lists a manifest in index.json, under <paramref name="refName"/> when given (replacing what that
    /// name pointed at), under a cross-process lock so concurrent writers never lose an entry.
    /// </summary>
    public Task AddToIndexAsync(Descriptor manifest, string? refName, CancellationToken cancellationToken) =>
        AddToIndexAsync([(manifest, refName)], cancellationToken);

    /// <summary>
    /// Lists several manifests, in order, as <see cref="AddToIndexAsync(Descriptor, string?, CancellationToken)"/>
    /// does each: one lock, one read and one write of index.json, however many there are, so a restore
    /// of n skills does not rewrite an index that grows with each of them n times.
    /// </summary>
    public async Task AddToIndexAsync(IReadOnlyList<(Descriptor Manifest, string? RefName)> entries, CancellationToken cancellationToken)
    {
        if (entries.Count == 0)
        {
            return;
        }

        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        using var indexLock = await FileLock.AcquireAsync(IndexPath + ".lock", IndexLockTimeout, cancellationToken).ConfigureAwait(false);
        var manifests = (await ReadIndexAsync(cancellationToken).ConfigureAwait(false)).ToList();
        foreach (var (manifest, refName) in entries)
        {
            var entry = manifest with
            {
                Annotations = refName is null
                    ? manifest.Annotations
                    : new SortedDictionary<string, string>(manifest.Annotations?.ToDictionary(p => p.Key, p => p.Value) ?? [], StringComparer.Ordinal)
                    {
                        [AnnotationKeys.RefName] = refName,
                    },
            };

            manifests.RemoveAll(m => refName is null
                ? m.Digest == manifest.Digest && m.GetAnnotation(AnnotationKeys.RefName) is null
                : m.GetAnnotation(AnnotationKeys.RefName) == refName);
            manifests.Add(entry);
        }

        await WriteIndexAsync(manifests, cancellationToken).ConfigureAwait(false);
    }

    private Task WriteIndexAsync(IReadOnlyList<Descriptor> manifests, CancellationToken cancellationToken) =>
        AtomicFile.WriteAllBytesAsync(IndexPath, OciJsonWriter.WriteIndex(manifests), cancellationToken);

    private static void MoveIntoPlace(string source, string target)
    {
        try
        {
            // Content-addressed: if another writer got there first, its file is the same content.
            File.Move(source, target, overwrite: false);
        }
        catch (IOException) when (File.Exists(target))
        {
            AtomicFile.TryDelete(source);
        }
    }
}
