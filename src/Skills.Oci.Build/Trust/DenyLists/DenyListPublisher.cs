using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Registry;
using Skills.Oci.Build.Sigstore.Keys;
using Skills.Oci.Build.Trust.Signatures;

namespace Skills.Oci.Build.Trust.DenyLists;

/// <summary>What a deny list push did: the manifest pushed under the reference's tag, its entry count and signer.</summary>
public sealed record DenyListPushResult(ImageReference Reference, Descriptor Manifest, int Entries, string? Signer)
{
    public string Summary => $"Pushed the deny list {Reference}@{Manifest.Digest} ({Entries} entr{(Entries == 1 ? "y" : "ies")}{(Signer is null ? ", unsigned" : $", signed by {Signer}")}).";
}

/// <summary>
/// Publishes a deny list: the empty config, one layer holding the list's JSON as written (checked first
/// with <see cref="DenyList.Parse"/>), the artifact type <see cref="DenyList.MediaType"/>, under the
/// reference's tag; then signs the manifest as PushSkill signs a skill (<see cref="SkillSigner"/>).
/// </summary>
public sealed class DenyListPublisher(RegistryClient client)
{
    public async Task<DenyListPushResult> PushAsync(string reference, ReadOnlyMemory<byte> content, string source, SigningKey? key, SignatureFormats formats, CancellationToken cancellationToken)
    {
        if (!ImageReference.TryParse(reference.Trim(), out var target, out var error) || target!.Tag is null || target.Digest is not null)
        {
            throw new SkillsOciException(ErrorCodes.DenyListReferenceInvalid,
                $"'{reference}' is not a registry/repository:tag reference{(error.Length > 0 ? $" ({error.TrimEnd('.')})" : string.Empty)}; a deny list is pushed under a tag, for example ghcr.io/acme/skills/denylist:latest.");
        }

        var list = DenyList.Parse(content, source, source);
        var repository = target.WithTag(null);
        var layer = Descriptor.FromContent(DenyList.MediaType, content.Span) with
        {
            Annotations = new Dictionary<string, string>(StringComparer.Ordinal) { [AnnotationKeys.Title] = "denylist.json" },
        };
        var manifestBytes = OciJsonWriter.WriteManifest(CosignRegistryFormat.EmptyConfig, [layer], DenyList.MediaType);
        await client.PushBlobAsync(repository, CosignRegistryFormat.EmptyConfig, CosignRegistryFormat.EmptyJson, cancellationToken).ConfigureAwait(false);
        await client.PushBlobAsync(repository, layer, content, cancellationToken).ConfigureAwait(false);
        var digest = await client.PushManifestAsync(repository, target.Tag, manifestBytes, MediaTypes.OciManifest, cancellationToken).ConfigureAwait(false);
        var manifest = new Descriptor { MediaType = MediaTypes.OciManifest, Digest = digest, Size = manifestBytes.Length, ArtifactType = DenyList.MediaType };

        string? signer = null;
        if (key is not null && formats != SignatureFormats.None)
        {
            var name = target.Repository.Split('/')[^1];
            signer = (await new SkillSigner(key).SignAsync(client, repository, manifest, name, formats, cancellationToken).ConfigureAwait(false)).Signer;
        }

        return new DenyListPushResult(target, manifest, list.Entries.Count, signer);
    }
}
