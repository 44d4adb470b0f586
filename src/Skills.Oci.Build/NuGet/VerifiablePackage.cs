using System.Text.Json;

namespace Skills.Oci.Build.NuGet;

/// <summary>
/// A package's <c>.nupkg</c> as NuGet left it in the global packages folder, the file whose signature
/// is verified: <c>&lt;folder&gt;/&lt;id lower&gt;/&lt;version lower&gt;/&lt;id lower&gt;.&lt;version lower&gt;.nupkg</c>.
/// </summary>
public sealed record VerifiablePackage(string Id, string Version, string NupkgPath)
{
    /// <summary>The file NuGet writes beside an extracted package, holding its <c>contentHash</c>.</summary>
    public const string MetadataFileName = ".nupkg.metadata";

    /// <summary>The package <paramref name="id"/> <paramref name="version"/> (normalized, as in project.assets.json) in <paramref name="packagesFolder"/>.</summary>
    public static VerifiablePackage InGlobalPackagesFolder(string packagesFolder, string id, string version)
    {
        return InPackageFolder(Path.Combine(packagesFolder, id.ToLowerInvariant(), version.ToLowerInvariant()), id, version);
    }

    /// <summary>The package <paramref name="id"/> <paramref name="version"/> extracted in <paramref name="packageFolder"/> (<c>&lt;folder&gt;/&lt;id lower&gt;/&lt;version lower&gt;</c>).</summary>
    public static VerifiablePackage InPackageFolder(string packageFolder, string id, string version)
    {
        var lowerId = id.ToLowerInvariant();
        var lowerVersion = version.ToLowerInvariant();
        return new VerifiablePackage(id, version, Path.Combine(Path.GetFullPath(packageFolder), $"{lowerId}.{lowerVersion}.nupkg"));
    }

    public string Display => $"{Id} {Version}";

    /// <summary>
    /// What identifies these exact bytes cheaply: NuGet's <c>contentHash</c> from <c>.nupkg.metadata</c>
    /// plus the nupkg's length and modification time (so a nupkg replaced after extraction, which leaves
    /// the metadata alone, is not mistaken for the one verified before). Null when the nupkg is missing.
    /// </summary>
    public async Task<string?> ReadContentStampAsync(CancellationToken cancellationToken)
    {
        var file = new FileInfo(NupkgPath);
        if (!file.Exists)
        {
            return null;
        }

        var contentHash = "none";
        var metadata = Path.Combine(file.DirectoryName!, MetadataFileName);
        try
        {
            await using var stream = File.OpenRead(metadata);
            using var document = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("contentHash", out var hash)
                && hash.ValueKind == JsonValueKind.String)
            {
                contentHash = hash.GetString()!;
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            // No readable metadata (a folder NuGet did not write): length and time alone still identify the file.
        }

        return $"{contentHash}|{file.Length}|{file.LastWriteTimeUtc.Ticks}";
    }
}
