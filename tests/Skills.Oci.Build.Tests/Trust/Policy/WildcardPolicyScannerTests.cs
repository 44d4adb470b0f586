using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.Trust.Policy;

namespace Skills.Oci.Build.Tests.Trust.Policy;

public sealed class WildcardPolicyScannerTests : IDisposable
{
    private readonly TempFolder _temp = new("skoci-wildcard");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Only_policies_MSBuild_dropped_are_reported_with_their_line()
    {
        var project = _temp.Write("App.csproj", """
            <Project>
              <ItemGroup>
                <SkillTrustPolicy Include="ghcr.io/acme/skills/*" Key="a.pub" />
                <SkillTrustPolicy Include="docker.io/salaboy/%2A" Key="b.pub" />
                <SkillTrustPolicy Include="localhost:5000/x/*" Key="c.pub" />
                <SkillTrustPolicy Include="ghcr.io/exact/skill" Key="d.pub" />
              </ItemGroup>
            </Project>
            """);

        var diagnostics = WildcardPolicyScanner.Scan([project, _temp.Combine("absent.props"), ""], ["docker.io/salaboy/*", "localhost:5000/x/*", "ghcr.io/exact/skill"]);

        var warning = Assert.Single(diagnostics);
        Assert.Equal(ErrorCodes.PolicyDroppedByWildcard, warning.Code);
        Assert.Equal(DiagnosticSeverity.Warning, warning.Severity);
        Assert.Equal(project, warning.File);
        Assert.Equal(3, warning.Line);
        Assert.Contains("ghcr.io/acme/skills/%2A", warning.Message, StringComparison.Ordinal);
    }
}
