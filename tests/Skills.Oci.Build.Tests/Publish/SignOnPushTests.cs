using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Oci;
using Skills.Oci.Build.Tests.Oci.Registry;
using Skills.Oci.Build.Sigstore.Keys;
using Skills.Oci.Build.Sigstore.TrustedRoots;
using Skills.Oci.Build.Sigstore.Verification;
using Skills.Oci.Build.Trust;
using Skills.Oci.Build.Trust.Signatures;

namespace Skills.Oci.Build.Tests.Publish;

/// <summary><c>SkillSigningKey</c>: PushSkill signs what it pushed, in both formats, with the password only in the environment.</summary>
[Collection(RegistryCollectionDefinition.Name)]
public sealed class SignOnPushTests(RegistryFixture fixture)
{
    private const string Password = "correct-horse-battery";

    [Fact]
    public async Task An_encrypted_key_signs_the_pushed_manifest_as_a_bundle_referrer_and_a_legacy_signature()
    {
        var repository = ImageReference.Parse($"{fixture.Registry.HostPort}/signed/sign-me");
        using var workspace = await TestProjectWorkspace.CreateAsync();
        using var key = SigningKey.Generate(KeyAlgorithm.EcdsaP256);
        workspace.Write("keys/signing.key", key.ToEncryptedPem(Password));
        new SkillFixture("sign-me", "A signed skill.").WriteProject(workspace.Root.Combine("sign-me"), $"""
                <SkillRepository>{repository.RepositoryName}</SkillRepository>
                <SkillSigningKey>../keys/signing.key</SkillSigningKey>
            """);
        var binlog = Path.Combine(workspace.Path, "push.binlog");

        var wrongPassword = await workspace.CreateCli("sign-me", new Dictionary<string, string?> { ["SKILLS_OCI_SIGNING_PASSWORD"] = "wrong" })
            .RunAsync("pack", "/t:PushSkill");
        var pushed = await workspace.CreateCli("sign-me", new Dictionary<string, string?> { ["SKILLS_OCI_SIGNING_PASSWORD"] = Password })
            .RunAsync("pack", "/t:PushSkill", "-v:d", $"-bl:{binlog}");
        var again = await workspace.CreateCli("sign-me", new Dictionary<string, string?> { ["SKILLS_OCI_SIGNING_PASSWORD"] = Password })
            .RunAsync("pack", "/t:PushSkill");

        // A wrong password fails before anything is pushed.
        Assert.Equal([ErrorCodes.KeyDecryptionFailed], wrongPassword.ErrorCodes());
        Assert.True(pushed.Succeeded, pushed.ToString());
        Assert.True(again.Succeeded, again.ToString());
        Assert.Contains($"signed by key:{key.PublicKey.Fingerprint}", pushed.Output, StringComparison.Ordinal);

        using var client = TestClients.Isolated();
        var manifest = await client.ResolveAsync(repository.WithTag("1.0.0"));
        var found = await new SignatureStore().FindAsync(client, repository, manifest.Digest, CancellationToken.None);
        var evaluator = new SkillTrustEvaluator(TrustedRoot.Production);
        var requirement = new SkillTrustRequirement(VerificationPolicy.ForKey(key.PublicKey));
        foreach (var format in new[] { SignatureFormat.SigstoreBundle, SignatureFormat.SimpleSigning })
        {
            var ofFormat = found with { Items = found.OfFormat(format).ToList() };
            // One signature per format, even after a second push of the same manifest.
            Assert.Single(ofFormat.Items);
            Assert.True(evaluator.Evaluate(ofFormat, manifest.Digest, requirement).IsVerified, format.ToString());
        }

        // The password is in no output and no binary log.
        Assert.DoesNotContain(Password, wrongPassword.AllOutput + pushed.AllOutput + again.AllOutput, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, await BinaryLogText.ReadAsync(binlog), StringComparison.Ordinal);
    }
}
