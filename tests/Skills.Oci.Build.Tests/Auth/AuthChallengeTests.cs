using Skills.Oci.Build.Auth;

namespace Skills.Oci.Build.Tests.Auth;

public class AuthChallengeTests
{
    [Fact]
    public void Parses_a_bearer_challenge_with_realm_service_and_scope()
    {
        var challenge = Assert.Single(AuthChallenge.ParseAll(
            "Bearer realm=\"http://127.0.0.1:5005/token\",service=\"test-registry\",scope=\"repository:skills/x:pull,push\""));

        Assert.True(challenge.IsBearer);
        Assert.Equal("http://127.0.0.1:5005/token", challenge.Realm);
        Assert.Equal("test-registry", challenge.Service);
        Assert.Equal(["repository:skills/x:pull,push"], challenge.Scopes);
    }

    [Fact]
    public void Splits_several_scopes_in_one_parameter()
    {
        var challenge = Assert.Single(AuthChallenge.ParseAll(
            "Bearer realm=\"https://auth.example/token\",service=\"r\",scope=\"repository:skills/y:pull,push repository:skills/x:pull\""));

        Assert.Equal(["repository:skills/y:pull,push", "repository:skills/x:pull"], challenge.Scopes);
    }

    [Fact]
    public void Reads_the_error_parameter()
    {
        var challenge = Assert.Single(AuthChallenge.ParseAll(
            "Bearer realm=\"https://a/token\",service=\"s\",scope=\"repository:x:push\",error=\"insufficient_scope\""));

        Assert.Equal("insufficient_scope", challenge.Error);
    }

    [Fact]
    public void Parses_basic_and_unquoted_and_escaped_values()
    {
        var challenges = AuthChallenge.ParseAll("Basic realm=test-realm, Bearer realm=\"https://a/t?x=1,2\", service = \"say \\\"hi\\\"\"");

        Assert.Equal(2, challenges.Count);
        Assert.True(challenges[0].IsBasic);
        Assert.Equal("test-realm", challenges[0].Realm);
        Assert.True(challenges[1].IsBearer);
        Assert.Equal("https://a/t?x=1,2", challenges[1].Realm);
        Assert.Equal("say \"hi\"", challenges[1].Service);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Has_no_challenge_in_an_empty_header(string? header) =>
        Assert.Empty(AuthChallenge.ParseAll(header));
}
