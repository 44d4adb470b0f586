using Skills.Oci.Build.Hosting;

namespace Skills.Oci.Build.Tests.Tool;

/// <summary>The one <c>dotnet msbuild</c> that install, update and verify run (<see cref="MSBuildRunner"/>), on plain projects.</summary>
public sealed class MSBuildRunnerTests
{
    [Fact]
    public void The_traversal_escapes_paths_and_properties_and_runs_the_target_on_every_project_skipping_those_without_it()
    {
        var request = new MSBuildRunRequest
        {
            Projects = ["/r/a;b/A.csproj", "/r/$(x)/B.csproj"],
            Target = "UpdateSkills",
            Properties = new Dictionary<string, string>(StringComparer.Ordinal) { ["SkillsToUpdate"] = "pdf;docx" },
            WorkingDirectory = "/r",
        };

        var xml = System.Xml.Linq.XDocument.Parse(MSBuildRunner.TraversalProject(request));

        var includes = xml.Descendants("_SkillsOciProject").Select(i => (string?)i.Attribute("Include")).ToList();
        Assert.Equal(["/r/a%3Bb/A.csproj", "/r/%24%28x%29/B.csproj"], includes);
        Assert.Equal("SkillsToUpdate=pdf%3Bdocx", xml.Descendants("_SkillsOciProperties").Single().Value);
        var run = xml.Descendants("MSBuild").Last();
        Assert.Equal("UpdateSkills", (string?)run.Attribute("Targets"));
        Assert.Equal("true", (string?)run.Attribute("SkipNonexistentTargets"));
        Assert.Equal("true", (string?)run.Attribute("BuildInParallel"));
    }

    [Fact]
    public async Task One_run_passes_the_properties_skips_projects_without_the_target_relays_diagnostics_with_their_line_and_gives_MSBuilds_exit_code()
    {
        using var repo = new TempFolder("runner");
        var failing = repo.Write("a/A.proj", """
            <Project>
              <Target Name="RestoreSkills">
                <Message Importance="high" Text="A got $(SkillsToUpdate)" />
                <Error Code="SKOCI9001" Text="A failed" />
              </Target>
            </Project>
            """);
        var passing = repo.Write("b/B.proj", """<Project><Target Name="RestoreSkills"><Message Importance="high" Text="B ran" /></Target></Project>""");
        var without = repo.Write("c/C.proj", """<Project><Target Name="Build" /></Project>""");
        var lines = new List<string>();

        var code = await new MSBuildRunner().RunAsync(
            new MSBuildRunRequest
            {
                Projects = [failing, passing, without],
                Target = "RestoreSkills",
                Properties = new Dictionary<string, string>(StringComparer.Ordinal) { ["SkillsToUpdate"] = "pdf;docx" },
                WorkingDirectory = repo.Path,
            },
            lines.Add,
            CancellationToken.None);

        Assert.Equal(1, code);
        Assert.Contains(lines, l => l.Contains("A got pdf;docx", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("B ran", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith($"{failing}(4,5): error SKOCI9001: A failed", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("MSB4057", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_project_the_fallback_targets_describe_as_needing_them_runs_again_with_the_consume_property_and_the_others_without()
    {
        using var repo = new TempFolder("runner");
        // Stands in for the tool's Skills.Oci.Tool.targets: describes the project, and imports the target only with the property.
        var fallback = repo.Write("tool/Fallback.targets", """
            <Project>
              <Import Project="Consume.targets" Condition="'$(_SkillsOciToolConsume)' == 'true'" />
              <Target Name="_SkillsOciToolDescribe" Returns="@(_Needs)">
                <ItemGroup><_Needs Include="$(MSBuildProjectFullPath)" Condition="'$(NeedsFallback)' == 'true'" /></ItemGroup>
              </Target>
            </Project>
            """);
        repo.Write("tool/Consume.targets", """
            <Project>
              <Target Name="RestoreSkills"><Message Importance="high" Text="$(MSBuildProjectName) restored by the fallback" /></Target>
            </Project>
            """);
        const string Body = """
              <Import Project="$(CustomAfterMicrosoftCommonTargets)" Condition="'$(CustomAfterMicrosoftCommonTargets)' != ''" />
            </Project>
            """;
        var needs = repo.Write("p/Package.proj", "<Project>\n  <PropertyGroup><NeedsFallback>true</NeedsFallback></PropertyGroup>\n" + Body);
        var own = repo.Write("s/Sdk.proj", "<Project>\n  <Target Name=\"RestoreSkills\"><Message Importance=\"high\" Text=\"Sdk restored by its own targets\" /></Target>\n" + Body);
        var lines = new List<string>();

        var code = await new MSBuildRunner().RunAsync(
            new MSBuildRunRequest { Projects = [needs, own], Target = "RestoreSkills", WorkingDirectory = repo.Path, FallbackTargetsFile = fallback },
            lines.Add,
            CancellationToken.None);

        Assert.True(code == 0, string.Join(Environment.NewLine, lines));
        Assert.Contains(lines, l => l.Contains("Package restored by the fallback", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("Sdk restored by its own targets", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("Sdk restored by the fallback", StringComparison.Ordinal));
    }
}
