using System.Text;
using Skills.Oci.Build.Sigstore;
using Skills.Oci.Build.Sigstore.Attestations;

namespace Skills.Oci.Build.Tests.Sigstore;

/// <summary>SLSA provenance v0.2 and v1: the source repository a policy can require.</summary>
public sealed class SlsaProvenanceTests
{
    private static InTotoStatement Statement(string predicateType, string predicate) =>
        InTotoStatement.Parse(Encoding.UTF8.GetBytes(
            $$$"""{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"x","digest":{"sha256":"{{{new string('a', 64)}}}"}}],"predicateType":"{{{predicateType}}}","predicate":{{{predicate}}}}"""));

    [Fact]
    public async Task V1_provenance_from_a_verified_conformance_bundle_names_its_workflow_repository()
    {
        var result = await SigstoreConformanceTests.VerifyCaseAsync("intoto-with-custom-trust-root");

        var provenance = SlsaProvenance.FromStatement(result.Statement!);

        Assert.Equal(SlsaProvenance.PredicateTypeV1, provenance.PredicateType);
        Assert.Equal("https://github.com/sigstore/sigstore-conformance", provenance.SourceRepository);
        Assert.Equal("https://github.com/actions/runner/github-hosted", provenance.BuilderId);
        Assert.True(provenance.IsFromRepository("https://github.com/sigstore/sigstore-conformance.git"));
    }

    [Fact]
    public void V1_provenance_falls_back_to_the_first_resolved_dependency()
    {
        var statement = Statement(SlsaProvenance.PredicateTypeV1, """{"buildDefinition":{"buildType":"b","resolvedDependencies":[{"uri":"git+https://github.com/acme/skills@refs/tags/v1.2.0","digest":{"gitCommit":"abc"}}]}}""");

        var provenance = SlsaProvenance.FromStatement(statement);

        Assert.Equal("https://github.com/acme/skills", provenance.SourceRepository);
    }

    [Fact]
    public void V02_provenance_reads_the_config_source()
    {
        var statement = Statement(SlsaProvenance.PredicateTypeV02, """{"builder":{"id":"https://github.com/slsa-framework/slsa-github-generator"},"invocation":{"configSource":{"uri":"git+https://github.com/acme/skills@refs/heads/main","entryPoint":".github/workflows/release.yml"}},"materials":[{"uri":"git+https://github.com/other/repo"}]}""");

        var provenance = SlsaProvenance.FromStatement(statement);

        Assert.Equal("https://github.com/acme/skills", provenance.SourceRepository);
        Assert.Equal("https://github.com/slsa-framework/slsa-github-generator", provenance.BuilderId);
    }

    [Fact]
    public void V02_provenance_falls_back_to_materials()
    {
        var statement = Statement(SlsaProvenance.PredicateTypeV02, """{"builder":{"id":"b"},"materials":[{"uri":"git+https://github.com/acme/skills.git@refs/heads/main"}]}""");

        Assert.Equal("https://github.com/acme/skills", SlsaProvenance.FromStatement(statement).SourceRepository);
    }

    [Fact]
    public void Provenance_from_another_repository_fails_the_requirement()
    {
        var statement = Statement(SlsaProvenance.PredicateTypeV02, """{"invocation":{"configSource":{"uri":"git+https://github.com/mallory/skills@refs/heads/main"}}}""");

        var error = Assert.Throws<SigstoreException>(() => SlsaProvenance.FromStatement(statement).RequireRepository("https://github.com/acme/skills"));

        Assert.Equal(SigstoreFailureKind.ProvenanceMismatch, error.Kind);
        Assert.Contains("mallory", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Other_predicate_types_are_not_provenance()
    {
        var statement = Statement("https://sigstore.dev/cosign/sign/v1", "{}");

        Assert.False(SlsaProvenance.IsProvenance(statement.PredicateType));
        Assert.Equal(SigstoreFailureKind.ProvenanceMismatch, Assert.Throws<SigstoreException>(() => SlsaProvenance.FromStatement(statement)).Kind);
    }
}
