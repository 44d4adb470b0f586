using System.Globalization;
using Skills.Oci.Build.Oci;

namespace Skills.Oci.Build.Trust.Signatures;

/// <summary>The referrer manifest cosign writes for a Sigstore bundle (cosign's specs/BUNDLE_SPEC.md), built from its parts.</summary>
internal sealed record BundleReferrer(Descriptor Layer, byte[] Manifest, IReadOnlyDictionary<string, string> Annotations)
{
    public const string ArtifactType = MediaTypes.SigstoreBundleV03;

    public static BundleReferrer Create(Descriptor subject, ReadOnlyMemory<byte> bundleJson, BundleContent content, string? predicateType, DateTimeOffset created)
    {
        var layerDigest = Digest.ComputeSha256(bundleJson.Span);
        var layer = new Descriptor
        {
            MediaType = ArtifactType,
            Digest = layerDigest,
            Size = bundleJson.Length,
            Annotations = new SortedDictionary<string, string>(StringComparer.Ordinal)
            {
                [AnnotationKeys.Title] = CosignRegistryFormat.BundleLayerTitle(layerDigest),
            },
        };

        var annotations = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            [CosignRegistryFormat.BundleContentAnnotation] = CosignRegistryFormat.ToAnnotationValue(content),
            [AnnotationKeys.Created] = created.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        };
        if (!string.IsNullOrEmpty(predicateType))
        {
            annotations[CosignRegistryFormat.BundlePredicateTypeAnnotation] = predicateType;
        }

        // The subject descriptor is written as the registry knows it: type, digest, size, nothing else.
        var bareSubject = new Descriptor { MediaType = subject.MediaType, Digest = subject.Digest, Size = subject.Size };
        var manifest = OciJsonWriter.WriteManifest(CosignRegistryFormat.EmptyConfig, [layer], ArtifactType, bareSubject, annotations);
        return new BundleReferrer(layer, manifest, annotations);
    }
}
