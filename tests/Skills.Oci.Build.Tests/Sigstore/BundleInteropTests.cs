using System.Text.Json;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Sigstore.Attestations;
using Skills.Oci.Build.Sigstore.Keys;
using Skills.Oci.Build.Sigstore.Signing;

namespace Skills.Oci.Build.Tests.Sigstore;

/// <summary>Runs only where <c>node</c> is on PATH; says so when it is not.</summary>
public sealed class NodeFactAttribute : FactAttribute
{
    public NodeFactAttribute()
    {
        if (NodeVerifier.NodePath is null)
        {
            Skip = "node is not on PATH: the sigstore-js interop check cannot run.";
        }
    }
}

/// <summary>sigstore-js (<c>@sigstore/verify</c>, low-level API, offline) run over a bundle through <c>Sigstore/Interop/verify-bundle.mjs</c>.</summary>
internal static class NodeVerifier
{
    public static string? NodePath { get; } = FindOnPath(OperatingSystem.IsWindows() ? "node.exe" : "node");

    public static string Folder => RepositoryRoot.File(Path.Combine("tests", "Skills.Oci.Build.Tests", "Sigstore", "Interop"));

    public static async Task<JsonElement> VerifyAsync(byte[] bundle, VerificationKey key)
    {
        Assert.True(Directory.Exists(Path.Combine(Folder, "node_modules", "@sigstore", "verify")),
            $"The npm packages are not installed; run: npm ci --prefix {Folder}");
        using var temp = new TempFolder("interop");
        var bundlePath = temp.Write("bundle.sigstore.json", bundle);
        var keyPath = temp.Write("key.pub", key.ToPem());

        var result = await ProcessRunner.RunAsync(NodePath!, [Path.Combine(Folder, "verify-bundle.mjs"), bundlePath, keyPath], workingDirectory: Folder);
        var line = result.Output.Trim().Split('\n').LastOrDefault() ?? string.Empty;
        Assert.True(line.StartsWith('{'), result.ToString());
        using var document = JsonDocument.Parse(line);
        return document.RootElement.Clone();
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, name))
            .FirstOrDefault(File.Exists);
}

/// <summary>An independent Sigstore verifier accepts the bundles we sign, and refuses them when tampered or checked with another key.</summary>
public sealed class BundleInteropTests
{
    private static readonly Digest Manifest = Digest.ComputeSha256("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\"}"u8);

    [NodeFact]
    public async Task Sigstore_js_verifies_our_p256_bundle_and_the_statement_names_the_manifest()
    {
        using var key = SigningKey.Generate(KeyAlgorithm.EcdsaP256);
        var bundle = new SigstoreBundleSigner(key).SignStatement("ghcr.io/acme/skills/pdf", Manifest);

        var result = await NodeVerifier.VerifyAsync(bundle, key.PublicKey);

        Assert.True(result.GetProperty("verified").GetBoolean(), result.ToString());
        Assert.True(result.GetProperty("hintMatches").GetBoolean(), "sigstore-js computes the same public-key hint");
        Assert.Equal(DsseEnvelope.InTotoPayloadType, result.GetProperty("payloadType").GetString());
        // sigstore-js does not look inside the statement: the subject check is ours.
        var statement = InTotoStatement.Parse(Convert.FromBase64String(result.GetProperty("payload").GetString()!));
        Assert.True(statement.HasSubject(Manifest));
        Assert.Equal(SigstoreBundleSigner.CosignSignPredicateType, statement.PredicateType);
    }

    [NodeFact]
    public async Task Sigstore_js_verifies_our_ed25519_bundle()
    {
        using var key = SigningKey.Generate(KeyAlgorithm.Ed25519);
        var bundle = new SigstoreBundleSigner(key).SignStatement("skill", Manifest);

        var result = await NodeVerifier.VerifyAsync(bundle, key.PublicKey);

        Assert.True(result.GetProperty("verified").GetBoolean(), result.ToString());
    }

    [NodeFact]
    public async Task Sigstore_js_verifies_our_slsa_provenance_bundle()
    {
        using var key = SigningKey.Generate(KeyAlgorithm.EcdsaP256);
        var bundle = Provenance.SignedSlsaV1Bundle(key, "skill", Manifest, "https://github.com/acme/skills");

        var result = await NodeVerifier.VerifyAsync(bundle, key.PublicKey);

        Assert.True(result.GetProperty("verified").GetBoolean(), result.ToString());
    }

    [NodeFact]
    public async Task Sigstore_js_refuses_our_bundle_with_another_key_or_a_changed_payload()
    {
        using var key = SigningKey.Generate(KeyAlgorithm.EcdsaP256);
        using var other = SigningKey.Generate(KeyAlgorithm.EcdsaP256);
        var bundle = new SigstoreBundleSigner(key).SignStatement("skill", Manifest);
        var tampered = System.Text.Json.Nodes.JsonNode.Parse(bundle)!;
        tampered["dsseEnvelope"]!["payload"] = Convert.ToBase64String(InTotoStatement.Create("skill", Digest.ComputeSha256("other"u8), SigstoreBundleSigner.CosignSignPredicateType));

        var wrongKey = await NodeVerifier.VerifyAsync(bundle, other.PublicKey);
        var changed = await NodeVerifier.VerifyAsync(JsonSerializer.SerializeToUtf8Bytes(tampered), key.PublicKey);

        Assert.False(wrongKey.GetProperty("verified").GetBoolean());
        Assert.Contains("SIGNATURE", wrongKey.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.False(changed.GetProperty("verified").GetBoolean());
        Assert.Contains("SIGNATURE", changed.GetProperty("error").GetString(), StringComparison.Ordinal);
    }
}
