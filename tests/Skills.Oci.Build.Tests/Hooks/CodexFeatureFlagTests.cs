using Skills.Oci.Build.Hooks;

namespace Skills.Oci.Build.Tests.Hooks;

/// <summary>The features flag older Codex builds need, added to a user's config.toml without touching anything else.</summary>
public sealed class CodexFeatureFlagTests
{
    [Fact]
    public void A_missing_config_gets_the_features_table()
    {
        Assert.Equal("[features]\ncodex_hooks = true\n", CodexFeatureFlag.Apply(null));
    }

    [Fact]
    public void The_flag_goes_right_after_an_existing_features_header_and_every_other_byte_stays()
    {
        var config = "model = \"o4\" # mine\r\n\r\n[features]\r\nweb_search = true\r\n\r\n[profiles.x]\r\nmodel = \"y\"\r\n";

        var updated = CodexFeatureFlag.Apply(config);

        Assert.Equal("model = \"o4\" # mine\r\n\r\n[features]\r\ncodex_hooks = true\r\nweb_search = true\r\n\r\n[profiles.x]\r\nmodel = \"y\"\r\n", updated);
    }

    [Theory]
    [InlineData("model = \"o4\"\n", "model = \"o4\"\n\n[features]\ncodex_hooks = true\n")]
    [InlineData("model = \"o4\"", "model = \"o4\"\n\n[features]\ncodex_hooks = true\n")]
    [InlineData("[features]", "[features]\ncodex_hooks = true\n")]
    public void Without_a_features_table_one_is_appended(string config, string expected)
    {
        Assert.Equal(expected, CodexFeatureFlag.Apply(config));
    }

    [Theory]
    [InlineData("[features]\ncodex_hooks = false\n")]
    [InlineData("features.codex_hooks = true\n")]
    public void A_config_that_already_decides_the_flag_is_left_alone(string config)
    {
        Assert.Same(config, CodexFeatureFlag.Apply(config));
    }
}
