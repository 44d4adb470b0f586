using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.FileSystem;
using Skills.Oci.Build.Oci;

namespace Skills.Oci.Build.Restore;

/// <summary>What <c>ExportSkillsSbom</c> and <c>skills-oci sbom</c> ask for: the lock, where to write, and who writes.</summary>
public sealed record LockSbomRequest
{
    public required string LockFilePath { get; init; }

    /// <summary>The CycloneDX JSON file to write (replaced atomically).</summary>
    public required string OutputPath { get; init; }

    /// <summary>The writing tool's version, recorded in <c>metadata.tools</c> (the hosts pass the running Skills.Oci version).</summary>
    public required string ToolVersion { get; init; }
}

/// <summary>What was written: the file and how many skills it lists.</summary>
public sealed record LockSbomResult(string OutputPath, int Components)
{
    public string Summary => $"Wrote a CycloneDX 1.6 bill of materials of {Components} skill{(Components == 1 ? string.Empty : "s")} to {OutputPath}.";
}

/// <summary>
/// A CycloneDX 1.6 JSON document of <c>skills.lock.json</c>: one component per locked skill, with its
/// version, its hash (the manifest digest of a registry skill, the content digest of a package skill),
/// its source as a package URL (<c>pkg:oci/…?repository_url=…</c> or <c>pkg:nuget/…</c>), the signer the
/// lock's <c>verifiedBy</c> records and its folder, and the dependencies between skills. The same lock
/// gives the same bytes: the timestamp is the lock's <c>generatedAt</c> and the serial number is derived
/// from the lock's bytes.
/// </summary>
public static class LockSbom
{
    public const string SpecVersion = "1.6";

    /// <summary>The prefix of our component properties (CycloneDX's namespaced property names).</summary>
    public const string PropertyPrefix = "skills-oci:";

    /// <summary>Where the document goes by default: <c>skills.cdx.json</c> beside the lock.</summary>
    public static string DefaultPath(string lockFilePath) => Path.Combine(Path.GetDirectoryName(Path.GetFullPath(lockFilePath))!, "skills.cdx.json");

    public static async Task<LockSbomResult> WriteAsync(LockSbomRequest request, CancellationToken cancellationToken)
    {
        var lockPath = Path.GetFullPath(request.LockFilePath);
        byte[] bytes;
        try
        {
            bytes = await File.ReadAllBytesAsync(lockPath, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new SkillsOciException(ErrorCodes.SbomNothingLocked, $"There is no lock file at '{lockPath}' to describe. Run 'dotnet restore' (or 'skills-oci install') first.", lockPath);
        }

        var lockFile = LockFile.Parse(bytes, lockPath);
        var document = Serialize(lockFile, bytes, Path.GetFileName(Path.GetDirectoryName(lockPath)) ?? "skills", request.ToolVersion);
        var output = Path.GetFullPath(request.OutputPath);
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        await AtomicFile.WriteAllBytesAsync(output, document, cancellationToken).ConfigureAwait(false);
        return new LockSbomResult(output, lockFile.Skills.Count);
    }

    /// <summary>The document's bytes for <paramref name="lockFile"/> (<paramref name="lockBytes"/> seed the serial number).</summary>
    public static byte[] Serialize(LockFile lockFile, ReadOnlySpan<byte> lockBytes, string rootName, string toolVersion)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            WriteHeader(writer);
            writer.WriteString("serialNumber", SerialNumber(lockBytes));
            writer.WriteNumber("version", 1);

            writer.WriteStartObject("metadata");
            if (lockFile.GeneratedAt is { Length: > 0 } generatedAt)
            {
                writer.WriteString("timestamp", generatedAt);
            }

            writer.WriteStartObject("tools");
            writer.WriteStartArray("components");
            writer.WriteStartObject();
            writer.WriteString("type", "application");
            writer.WriteString("name", "skills-oci");
            writer.WriteString("version", toolVersion);
            writer.WriteEndObject();
            writer.WriteEndArray();
            writer.WriteEndObject();
            writer.WriteStartObject("component");
            writer.WriteString("type", "application");
            writer.WriteString("bom-ref", RootRef);
            writer.WriteString("name", rootName);
            writer.WriteEndObject();
            writer.WriteEndObject();

            writer.WriteStartArray("components");
            foreach (var entry in lockFile.Skills.OrderBy(e => e.Name, StringComparer.Ordinal))
            {
                WriteComponent(writer, entry);
            }

            writer.WriteEndArray();

            WriteDependencies(writer, lockFile);
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>The package URL of a locked skill: <c>pkg:oci/name@sha256%3A…?repository_url=…&amp;tag=…</c> or <c>pkg:nuget/Id@Version</c>.</summary>
    public static string PackageUrl(LockSource source) => source switch
    {
        RegistryLockSource registry => $"pkg:oci/{Uri.EscapeDataString(registry.Repository.Split('/')[^1].ToLowerInvariant())}@{Uri.EscapeDataString(registry.Digest.ToString())}" +
            $"?repository_url={Qualifier(registry.RepositoryKey)}{(registry.Tag.Length > 0 ? "&tag=" + Qualifier(registry.Tag) : string.Empty)}",
        NuGetLockSource package => $"pkg:nuget/{Uri.EscapeDataString(package.Package)}@{Uri.EscapeDataString(package.Version)}",
        _ => throw new ArgumentOutOfRangeException(nameof(source), source, "Unknown lock source."),
    };

    private const string RootRef = "skills-root";

    private static void WriteComponent(Utf8JsonWriter writer, LockEntry entry)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "library");
        writer.WriteString("bom-ref", BomRef(entry.Name));
        writer.WriteString("name", entry.Name);
        writer.WriteString("version", entry.Source switch
        {
            RegistryLockSource { Tag.Length: > 0 } registry => registry.Tag,
            RegistryLockSource registry => registry.Digest.ToString(),
            NuGetLockSource package => package.Version,
            _ => string.Empty,
        });

        // A registry skill is its manifest; a package skill has no digest of its own in the lock but its folder's.
        var hash = entry.Source is RegistryLockSource r ? r.Digest : entry.ContentDigest;
        if (hash is { Algorithm: Digest.Sha256 } sha256)
        {
            WriteSha256(writer, sha256.Encoded);
        }

        writer.WriteString("purl", PackageUrl(entry.Source));

        writer.WriteStartArray("properties");
        Property(writer, "source", entry.Source.Ref);
        Property(writer, "hash", entry.Source is RegistryLockSource ? "manifest" : "content");
        Property(writer, "path", entry.Path);
        if (entry.ContentDigest is { } content)
        {
            Property(writer, "contentDigest", content.ToString());
        }

        if (entry.VerifiedBy is { } signer)
        {
            Property(writer, "signer", signer);
        }

        if (entry.Collection is { } collection)
        {
            Property(writer, "collection", collection);
        }

        WriteScanFindings(writer, entry);
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>
    /// The lock's scan record, so a dashboard reading the bill of materials sees what each skill can do:
    /// <c>skills-oci:scanner</c>, one <c>skills-oci:finding:SKOCI5xxx</c> = count per finding code, and one
    /// <c>skills-oci:allowed:SKOCI5xxx</c> = the reason per accepted code. Nothing for an unscanned skill.
    /// </summary>
    private static void WriteScanFindings(Utf8JsonWriter writer, LockEntry entry)
    {
        if (entry.Scan is not { } scan)
        {
            return;
        }

        Property(writer, "scanner", scan.Scanner);
        foreach (var (code, count) in scan.Findings.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            Property(writer, "finding:" + code, count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        foreach (var allowed in scan.Allowed.OrderBy(a => a.Code, StringComparer.Ordinal))
        {
            Property(writer, "allowed:" + allowed.Code, allowed.Reason);
        }
    }

    private static void WriteDependencies(Utf8JsonWriter writer, LockFile lockFile)
    {
        writer.WriteStartArray("dependencies");
        writer.WriteStartObject();
        writer.WriteString("ref", RootRef);
        writer.WriteStartArray("dependsOn");
        foreach (var direct in lockFile.Skills.Where(e => e.RequiredBy.Count == 0).Select(e => e.Name).Order(StringComparer.Ordinal))
        {
            writer.WriteStringValue(BomRef(direct));
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        foreach (var entry in lockFile.Skills.OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            writer.WriteStartObject();
            writer.WriteString("ref", BomRef(entry.Name));
            writer.WriteStartArray("dependsOn");
            foreach (var needed in lockFile.Skills.Where(e => e.RequiredBy.Contains(entry.Name, StringComparer.Ordinal)).Select(e => e.Name).Order(StringComparer.Ordinal))
            {
                writer.WriteStringValue(BomRef(needed));
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private static string BomRef(string name) => "skill:" + name;

    /// <summary>Opens a CycloneDX 1.6 document: the object, its schema, format and spec version (the skill SBOM of a push shares it).</summary>
    internal static void WriteHeader(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("$schema", "http://cyclonedx.org/schema/bom-1.6.schema.json");
        writer.WriteString("bomFormat", "CycloneDX");
        writer.WriteString("specVersion", SpecVersion);
    }

    /// <summary>A component's <c>hashes</c>: one SHA-256 in lower-case hex.</summary>
    internal static void WriteSha256(Utf8JsonWriter writer, string hex)
    {
        writer.WriteStartArray("hashes");
        writer.WriteStartObject();
        writer.WriteString("alg", "SHA-256");
        writer.WriteString("content", hex);
        writer.WriteEndObject();
        writer.WriteEndArray();
    }

    /// <summary>One <c>skills-oci:</c> property of a component (inside its <c>properties</c> array).</summary>
    internal static void Property(Utf8JsonWriter writer, string name, string value)
    {
        writer.WriteStartObject();
        writer.WriteString("name", PropertyPrefix + name);
        writer.WriteString("value", value);
        writer.WriteEndObject();
    }

    /// <summary>Percent-encodes a qualifier value, keeping '/' (as the purl spec's own oci examples write repository_url).</summary>
    private static string Qualifier(string value) => Uri.EscapeDataString(value).Replace("%2F", "/", StringComparison.Ordinal);

    /// <summary>A version-5-shaped UUID from the lock's bytes, so the same lock always gets the same serial number.</summary>
    private static string SerialNumber(ReadOnlySpan<byte> lockBytes)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(lockBytes, hash);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        var hex = Convert.ToHexString(hash[..16]).ToLowerInvariant();
        return new StringBuilder("urn:uuid:").Append(hex, 0, 8).Append('-').Append(hex, 8, 4).Append('-').Append(hex, 12, 4).Append('-').Append(hex, 16, 4).Append('-').Append(hex, 20, 12).ToString();
    }
}
