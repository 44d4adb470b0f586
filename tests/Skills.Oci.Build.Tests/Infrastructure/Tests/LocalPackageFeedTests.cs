namespace Skills.Oci.Build.Tests.Infrastructure.Tests;

public sealed class LocalPackageFeedTests
{
    [Fact]
    public async Task Sdk_from_the_feed_resolves_through_the_NuGet_SDK_resolver_into_an_empty_packages_folder()
    {
        using var workspace = await TestProjectWorkspace.CreateAsync();
        workspace.Write("consumer/consumer.csproj", """
            <Project Sdk="Microsoft.NET.Sdk">
              <Sdk Name="Skills.Oci.Sdk" />
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
              </PropertyGroup>
            </Project>
            """);
        var cli = workspace.CreateCli("consumer");
        Assert.False(Directory.Exists(workspace.GlobalPackagesFolder));

        var property = await cli.RunAsync("msbuild", "-getProperty:UsingSkillsOciSdk");
        // No upstream feed: a net10.0 consumer needs nothing beyond the SDK's own packs.
        var restore = await cli.RunAsync("restore");

        Assert.True(property.Succeeded, property.ToString());
        Assert.Equal("true", property.Output.Trim());
        Assert.True(restore.Succeeded, restore.ToString());
        Assert.True(File.Exists(workspace.Feed.SdkPackagePath));
        Assert.True(File.Exists(workspace.Feed.BuildPackagePath));
        Assert.True(Directory.Exists(Path.Combine(workspace.GlobalPackagesFolder, "skills.oci.sdk", workspace.Feed.Version)));
        Assert.StartsWith(Path.GetTempPath(), workspace.Path, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Feed_is_packed_once_per_test_run()
    {
        var first = await LocalPackageFeed.GetAsync();
        var second = await LocalPackageFeed.GetAsync();

        Assert.Same(first, second);
        Assert.StartsWith("0.0.0-test.", first.Version, StringComparison.Ordinal);
    }
}
