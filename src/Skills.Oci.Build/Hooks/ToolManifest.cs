using System.Text.Json.Nodes;

namespace Skills.Oci.Build.Hooks;

/// <summary>
/// The repository's local tool manifest (<c>dotnet tool restore</c> reads it): the hook script
/// restores Skills.Oci.Tool from it, so every clone runs the version the repository pins. Register
/// adds the tool when the manifest lacks it and never changes a version a user pinned or other tools.
/// </summary>
public static class ToolManifest
{
    /// <summary>Where <c>dotnet new tool-manifest</c> puts it; <see cref="AlternativePath"/> is used instead when that one exists.</summary>
    public const string DefaultPath = ".config/dotnet-tools.json";

    /// <summary>The other name dotnet looks for in a folder.</summary>
    public const string AlternativePath = "dotnet-tools.json";

    public const string PackageId = "Skills.Oci.Tool";

    public const string CommandName = "skills-oci";

    /// <summary>The manifest a root uses: an existing root <c>dotnet-tools.json</c>, else <see cref="DefaultPath"/>.</summary>
    public static string PathFor(string root) =>
        File.Exists(Path.Combine(root, AlternativePath)) && !File.Exists(Path.Combine(root, ".config", "dotnet-tools.json")) ? AlternativePath : DefaultPath;

    /// <summary>Adds Skills.Oci.Tool at <paramref name="version"/> when absent; true when the tree changed.</summary>
    public static bool AddTool(JsonSettingsFile manifest, string version, string fullPath)
    {
        var root = manifest.Root;
        var changed = false;
        if (root.Count == 0)
        {
            root["version"] = 1;
            root["isRoot"] = true;
            changed = true;
        }

        if (root["tools"] is not JsonObject tools)
        {
            if (root.ContainsKey("tools"))
            {
                throw JsonSettingsFile.Shape(fullPath, "\"tools\" is not an object");
            }

            root["tools"] = tools = [];
        }

        // dotnet writes ids in lower case but reads them case-insensitively.
        if (tools.Any(tool => string.Equals(tool.Key, PackageId, StringComparison.OrdinalIgnoreCase)))
        {
            return changed;
        }

        tools[PackageId.ToLowerInvariant()] = new JsonObject
        {
            ["version"] = version,
            ["commands"] = new JsonArray(CommandName),
            ["rollForward"] = false,
        };
        return true;
    }

    /// <summary>The version of the running Skills.Oci (the tool and the tasks ship with one version), without build metadata.</summary>
    public static string RunningVersion()
    {
        var informational = typeof(ToolManifest).Assembly
            .GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), inherit: false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>()
            .FirstOrDefault()?.InformationalVersion;
        var version = informational ?? typeof(ToolManifest).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
        var plus = version.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? version : version[..plus];
    }
}
