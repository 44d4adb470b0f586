using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Packaging;
using Skills.Oci.Build.Restore;

namespace Skills.Oci.Build.Tests.Collections;

/// <summary>A member is parsed by the SkillReference parser, its problems worded for a member and coded SKOCI7000 at its line.</summary>
public sealed class SkillCollectionMemberSpecTests
{
    private const string Project = "/src/dev-tools/dev-tools.csproj";

    [Theory]
    [InlineData("ghcr.io/acme/skills/pdf", "1.2.0", "1.2.0", null)]
    [InlineData("ghcr.io/acme/skills/pdf:latest", null, null, "latest")]
    [InlineData("ghcr.io/acme/skills/pdf:1.0.0", "1.0.0", null, "1.0.0")]
    public void A_member_makes_the_request_a_SkillReference_with_the_same_Include_and_Version_makes(string include, string? version, string? expectedVersion, string? expectedTag)
    {
        var spec = SkillCollectionMemberSpec.Parse(new SkillCollectionMemberInput(include, version, Project, 7), null);
        var reference = SkillRequest.Parse(string.Empty, Project, new SkillReferenceItem(include, version));

        Assert.Equal(reference.ToLockRequest(), spec.Request);
        Assert.Equal(new LockRequest(string.Empty, expectedVersion, expectedTag), spec.Request);
        Assert.Equal("ghcr.io/acme/skills/pdf", spec.Repository.RepositoryName);
    }

    [Theory]
    [InlineData("ghcr.io/acme/skills/pdf", "[1.0", "The collection member 'ghcr.io/acme/skills/pdf' has an invalid Version")]
    [InlineData("ghcr.io/acme/skills/pdf", null, "The collection member 'ghcr.io/acme/skills/pdf' has no Version")]
    [InlineData("ghcr.io/acme/skills/pdf:2.0.0", "1.0.0", "names the tag '2.0.0' and also sets Version '1.0.0'")]
    [InlineData("Not A Reference", null, "The collection member 'Not A Reference' is not a valid OCI reference")]
    public void A_bad_member_is_SKOCI7000_at_its_line_in_a_members_words(string include, string? version, string message)
    {
        var error = Assert.Throws<SkillsOciException>(() => SkillCollectionMemberSpec.Parse(new SkillCollectionMemberInput(include, version, Line: 9), Project));

        Assert.Equal(ErrorCodes.CollectionMemberInvalid, error.Code);
        Assert.Equal((Project, 9), (error.Diagnostic.File, error.Diagnostic.Line));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        // The same text a SkillReference gets, but for its noun and code.
        var asReference = Assert.Throws<SkillsOciException>(() => SkillRequest.Parse(string.Empty, Project, new SkillReferenceItem(include, version)));
        Assert.Equal(ErrorCodes.InvalidSkillReference, asReference.Code);
        Assert.Equal(error.Message.Replace("collection member", "SkillReference", StringComparison.Ordinal), asReference.Message);
    }

    [Theory]
    [InlineData("ghcr.io/acme/skills/pdf@1.*", "ghcr.io/acme/skills/pdf", "1.*")]
    [InlineData("ghcr.io/acme/skills/pdf:1.0.0", "ghcr.io/acme/skills/pdf:1.0.0", null)]
    [InlineData("ghcr.io/acme/skills/pdf@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "ghcr.io/acme/skills/pdf@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", null)]
    public void A_skill_argument_after_at_is_a_Version_unless_it_is_a_digest(string argument, string include, string? version)
    {
        Assert.Equal(new SkillCollectionMemberInput(include, version), SkillCollectionMemberSpec.FromArgument(argument));
    }
}
