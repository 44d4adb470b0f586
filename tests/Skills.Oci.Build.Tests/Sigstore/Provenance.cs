using System.Text.Json;
using System.Text.Json.Nodes;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Sigstore.Attestations;
using Skills.Oci.Build.Sigstore.Keys;
using Skills.Oci.Build.Sigstore.Signing;

namespace Skills.Oci.Build.Tests.Sigstore;

/// <summary>SLSA provenance statements signed with a key, shaped like what GitHub's attest-build-provenance emits.</summary>
internal static class Provenance
{
    public static byte[] SlsaV1Statement(string subjectName, Digest subject, string sourceRepository) =>
        InTotoStatement.Create(subjectName, subject, SlsaProvenance.PredicateTypeV1, writer =>
        {
            writer.WriteStartObject();
            writer.WriteStartObject("buildDefinition");
            writer.WriteString("buildType", "https://actions.github.io/buildtypes/workflow/v1");
            writer.WriteStartObject("externalParameters");
            writer.WriteStartObject("workflow");
            writer.WriteString("ref", "refs/heads/main");
            writer.WriteString("repository", sourceRepository);
            writer.WriteString("path", ".github/workflows/release.yml");
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteStartObject("runDetails");
            writer.WriteStartObject("builder");
            writer.WriteString("id", "https://github.com/actions/runner/github-hosted");
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteEndObject();
        });

    /// <summary>A v0.3 bundle: a DSSE envelope over an SLSA v1 statement about <paramref name="subject"/>.</summary>
    public static byte[] SignedSlsaV1Bundle(SigningKey key, string subjectName, Digest subject, string sourceRepository) =>
        new SigstoreBundleSigner(key).SignEnvelope(DsseEnvelope.InTotoPayloadType, SlsaV1Statement(subjectName, subject, sourceRepository));

    /// <summary>Just the DSSE envelope of a bundle, as a legacy <c>.att</c> layer holds it.</summary>
    public static byte[] EnvelopeOf(byte[] bundleJson) =>
        JsonSerializer.SerializeToUtf8Bytes(JsonNode.Parse(bundleJson)!["dsseEnvelope"]);
}
