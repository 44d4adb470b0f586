using System.Diagnostics;
using System.Security;
using System.Text;
using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.FileSystem;

namespace Skills.Oci.Build.Hosting;

/// <summary>What one run of a consume target over a repository's projects needs.</summary>
public sealed record MSBuildRunRequest
{
    /// <summary>Full paths of the project files; MSBuild skips those that do not consume skills.</summary>
    public required IReadOnlyList<string> Projects { get; init; }

    /// <summary>A public consume target of Skills.Oci.Consume.targets: RestoreSkills, UpdateSkills or VerifySkills.</summary>
    public required string Target { get; init; }

    /// <summary>Global properties for every project (SkillsLockedMode, SkillsToUpdate), unescaped.</summary>
    public IReadOnlyDictionary<string, string> Properties { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>MSBuild's <c>-v</c> value: quiet, minimal, normal, detailed or diagnostic.</summary>
    public string Verbosity { get; init; } = "minimal";

    /// <summary>Where MSBuild runs; relative paths in its messages are relative to it.</summary>
    public required string WorkingDirectory { get; init; }

    /// <summary>
    /// The tool's own consume targets (Skills.Oci.Tool.targets), for projects that reference the
    /// Skills.Oci.Build package but were never NuGet-restored: NuGet imports a package's targets only
    /// from obj/, so without it such a project would have no RestoreSkills at all. Null: no fallback.
    /// </summary>
    public string? FallbackTargetsFile { get; init; }
}

/// <summary>
/// Runs a consume target over many projects in one <c>dotnet msbuild</c>, without a NuGet restore: a
/// generated traversal project outside the repository calls the MSBuild task on all of them
/// (<c>BuildInParallel</c>, <c>SkipNonexistentTargets</c> so projects without the consume targets are
/// skipped). Every project's own targets, properties, trust policies and lock settings apply exactly as
/// in <c>dotnet restore</c>, because it is the same target. MSBuild's output lines are relayed as they
/// come, so diagnostics keep their file and line, and its exit code is the answer.
/// </summary>
public sealed class MSBuildRunner(Func<string, string?>? environment = null)
{
    /// <summary>The traversal's entry target.</summary>
    internal const string EntryTarget = "_SkillsOciToolRun";

    private readonly Func<string, string?> _environment = environment ?? Environment.GetEnvironmentVariable;

    /// <summary>Runs the target and returns MSBuild's exit code; <paramref name="onLine"/> gets each line of its output.</summary>
    public async Task<int> RunAsync(MSBuildRunRequest request, Action<string> onLine, CancellationToken cancellationToken)
    {
        // Outside the repository: nothing of the traversal may be picked up by globs or committed.
        var folder = Path.Combine(Path.GetTempPath(), "skills-oci-" + TempName.NewId());
        Directory.CreateDirectory(folder);
        try
        {
            var traversal = Path.Combine(folder, "skills-oci.proj");
            await File.WriteAllTextAsync(traversal, TraversalProject(request), Encoding.UTF8, cancellationToken).ConfigureAwait(false);
            return await DotnetHost.RunAsync(Arguments(traversal, request), request.WorkingDirectory, (line, _) => onLine(line), cancellationToken, _environment).ConfigureAwait(false);
        }
        finally
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // A temp folder left behind is harmless; failing the command for it would not be.
            }
        }
    }

    internal static List<string> Arguments(string traversal, MSBuildRunRequest request) =>
    [
        "msbuild", traversal, "-t:" + EntryTarget, "-nologo", "-v:" + request.Verbosity,
        // Plain lines (no live terminal view) so every diagnostic is relayed whole; no node outlives us
        // holding the task assembly open (the tool could not be updated while it runs).
        "-tl:off", "-nodeReuse:false",
    ];

    /// <summary>
    /// The traversal: first asks each project whether it needs the tool's fallback targets (only a project
    /// the fallback file was injected into answers), then runs the target on every project, those with
    /// the fallback property set, in one parallel MSBuild task.
    /// </summary>
    internal static string TraversalProject(MSBuildRunRequest request)
    {
        var properties = string.Join(";", request.Properties.Select(p => $"{p.Key}={Escape(p.Value)}"));
        if (request.FallbackTargetsFile is { } fallback)
        {
            // Both the single-targeting and the multi-targeting outer build import a Custom...After file.
            var injected = $"CustomAfterMicrosoftCommonTargets={Escape(fallback)};CustomAfterMicrosoftCommonCrossTargetingTargets={Escape(fallback)}";
            properties = properties.Length == 0 ? injected : properties + ";" + injected;
        }

        var items = string.Concat(request.Projects.Select(p => $"""{Environment.NewLine}    <_SkillsOciProject Include="{Xml(Escape(p))}" />"""));
        return $"""
            <Project>
              <!-- Generated by skills-oci for one run; deleted afterwards. -->
              <PropertyGroup>
                <_SkillsOciProperties>{Xml(properties)}</_SkillsOciProperties>
              </PropertyGroup>
              <ItemGroup>{items}
              </ItemGroup>
              <Target Name="{EntryTarget}">
                <MSBuild Projects="@(_SkillsOciProject)" Targets="_SkillsOciToolDescribe" BuildInParallel="true" SkipNonexistentTargets="true" Properties="$(_SkillsOciProperties)" Condition="'{(request.FallbackTargetsFile is null ? "false" : "true")}' == 'true'">
                  <Output TaskParameter="TargetOutputs" ItemName="_SkillsOciNeedsFallback" />
                </MSBuild>
                <ItemGroup>
                  <_SkillsOciRun Include="@(_SkillsOciProject)" Exclude="@(_SkillsOciNeedsFallback)" />
                  <_SkillsOciRun Include="@(_SkillsOciNeedsFallback)" AdditionalProperties="_SkillsOciToolConsume=true" />
                </ItemGroup>
                <MSBuild Projects="@(_SkillsOciRun)" Targets="{request.Target}" BuildInParallel="true" SkipNonexistentTargets="true" Properties="$(_SkillsOciProperties)" />
              </Target>
            </Project>
            """;
    }

    /// <summary>MSBuild's escaping, so a path or value with ; % $ @ ' or wildcards reaches the project as written.</summary>
    internal static string Escape(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            if (c is '%' or ';' or '$' or '@' or '\'' or '(' or ')' or '*' or '?')
            {
                builder.Append('%').Append(((int)c).ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    private static string Xml(string value) => SecurityElement.Escape(value);

}
