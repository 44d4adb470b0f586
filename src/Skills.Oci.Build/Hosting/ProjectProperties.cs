using System.Text.Json;

namespace Skills.Oci.Build.Hosting;

/// <summary>
/// Evaluated properties of a project, read the way MSBuild itself computes them
/// (<c>dotnet msbuild -getProperty</c>: an evaluation, no target runs), so imports such as
/// Directory.Packages.props and Directory.Build.props have their say.
/// </summary>
public static class ProjectProperties
{
    /// <summary>The named properties (empty when unset); null when the project could not be evaluated (MSBuild says why on its next run).</summary>
    public static async Task<IReadOnlyDictionary<string, string>?> EvaluateAsync(string projectPath, IReadOnlyList<string> names, CancellationToken cancellationToken)
    {
        var output = new List<string>();
        // Two or more properties always come back as one JSON object, whatever their values.
        var query = names.Count == 1 ? [names[0], names[0]] : names;
        var exitCode = await DotnetHost.RunAsync(
            ["msbuild", projectPath, "-nologo", .. query.Select(name => "-getProperty:" + name)],
            Path.GetDirectoryName(projectPath)!,
            (line, error) =>
            {
                if (!error)
                {
                    output.Add(line);
                }
            },
            cancellationToken).ConfigureAwait(false);
        if (exitCode != 0)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(string.Join("\n", output));
            var properties = document.RootElement.GetProperty("Properties");
            return names.ToDictionary(name => name, name => properties.TryGetProperty(name, out var value) ? value.GetString() ?? string.Empty : string.Empty, StringComparer.Ordinal);
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return null;
        }
    }
}
