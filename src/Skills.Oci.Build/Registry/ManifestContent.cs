using Skills.Oci.Build.Oci;

namespace Skills.Oci.Build.Registry;

/// <summary>A manifest or index, its descriptor and its exact bytes (the bytes are what digests and signatures cover).</summary>
public sealed record ManifestContent(Descriptor Descriptor, byte[] Bytes)
{
    public OciManifest ParseManifest() => OciManifest.Parse(Bytes);

    public OciIndex ParseIndex() => OciIndex.Parse(Bytes);
}
