using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using Skills.Oci.Build.Diagnostics;
using Skills.Oci.Build.FileSystem;
using Skills.Oci.Build.NuGet;
using Skills.Oci.Build.Trust.Policy;

namespace Skills.Oci.Build.Trust.Packages;

/// <summary>
/// Runs <c>dotnet</c> with arguments, relaying each output line (true for standard error); returns the exit
/// code. The front ends pass <c>Hosting.DotnetHost.RunAsync</c>: the one process runner, which lives above this layer.
/// </summary>
public delegate Task<int> DotnetCommand(IReadOnlyList<string> arguments, string workingDirectory, Action<string, bool> line, CancellationToken cancellationToken);

/// <summary>
/// Verifies a package's NuGet signature with NuGet itself: <c>dotnet nuget verify --all</c> with a generated
/// nuget.config whose only settings are <c>signatureValidationMode=require</c> and <c>trustedSigners</c>
/// listing the policy's certificates (as author and/or repository signers, with the policy's
/// allowUntrustedRoot). NuGet's exit code is the verdict; its output says which signature and signer it
/// saw and why it refused, which become the lock's <c>verifiedBy</c> or a coded error. A verified result
/// is cached by the package's content stamp (see <see cref="VerifiablePackage.ReadContentStampAsync"/>)
/// and the policy's signers, in memory and, with a cache folder, on disk, so an unchanged package is not
/// verified twice; a refusal is never cached (the next restore checks again).
/// </summary>
public sealed class PackageSignatureVerifier
{
    /// <summary>NuGet requires a service index on a trusted repository; it matches repository signers by certificate only.</summary>
    private const string PlaceholderServiceIndex = "https://skills-oci.invalid/v3/index.json";

    /// <summary>NuGet's codes for a signature that does not match the package or cannot be read: tampered or corrupt.</summary>
    private static readonly string[] IntegrityCodes = ["NU3003", "NU3005", "NU3007", "NU3008", "NU3009"];

    private readonly DotnetCommand _dotnet;
    private readonly string? _cacheFolder;
    private readonly ConcurrentDictionary<string, PackageSignatureResult> _verified = new(StringComparer.Ordinal);
    private int _nuGetRuns;

    /// <param name="cacheFolder">Where verified results persist across restores (e.g. a folder of the skills cache); null for memory only.</param>
    public PackageSignatureVerifier(DotnetCommand dotnet, string? cacheFolder = null)
    {
        _dotnet = dotnet;
        _cacheFolder = cacheFolder;
    }

    /// <summary>How many times this verifier ran <c>dotnet nuget verify</c> (cache hits do not count).</summary>
    public int NuGetRuns => Volatile.Read(ref _nuGetRuns);

    /// <summary>Verifies <paramref name="package"/> against <paramref name="policy"/>; the result says verified or carries the coded failure.</summary>
    public async Task<PackageSignatureResult> VerifyAsync(VerifiablePackage package, PackageTrustPolicy policy, CancellationToken cancellationToken)
    {
        var stamp = await package.ReadContentStampAsync(cancellationToken).ConfigureAwait(false);
        if (stamp is null)
        {
            return Refused(package, ErrorCodes.PackageFileMissing,
                $"The package '{package.Display}' is covered by {policy}, but its file '{package.NupkgPath}' is missing from the global packages folder, so its signature cannot be verified; its skills were not installed. Delete the package's folder there and restore again so NuGet extracts it with its .nupkg.");
        }

        var key = CacheKey(package, policy, stamp);
        if (_verified.TryGetValue(key, out var remembered) || (remembered = await LoadAsync(package, key, cancellationToken).ConfigureAwait(false)) is not null)
        {
            _verified.TryAdd(key, remembered);
            return remembered with { FromCache = true };
        }

        var result = await RunNuGetAsync(package, policy, cancellationToken).ConfigureAwait(false);
        if (result.IsVerified)
        {
            _verified[key] = result;
            await SaveAsync(key, result, cancellationToken).ConfigureAwait(false);
        }

        return result;
    }

    private async Task<PackageSignatureResult> RunNuGetAsync(VerifiablePackage package, PackageTrustPolicy policy, CancellationToken cancellationToken)
    {
        var folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "skills-oci-verify-" + TempName.NewId())).FullName;
        try
        {
            var config = Path.Combine(folder, "nuget.config");
            await File.WriteAllTextAsync(config, TrustConfig(policy), cancellationToken).ConfigureAwait(false);
            var lines = new List<string>();
            Interlocked.Increment(ref _nuGetRuns);
            var exitCode = await _dotnet(["nuget", "verify", "--all", package.NupkgPath, "--configfile", config, "--force-english-output"], folder, (line, _) => lines.Add(line), cancellationToken).ConfigureAwait(false);
            return Decide(package, policy, exitCode, lines);
        }
        finally
        {
            TempFolderCleanup(folder);
        }
    }

    /// <summary>NuGet's verdict (the exit code) explained by what it printed.</summary>
    internal static PackageSignatureResult Decide(VerifiablePackage package, PackageTrustPolicy policy, int exitCode, IReadOnlyList<string> lines)
    {
        var output = NuGetVerifyOutput.Parse(lines);
        var listed = output.Signatures.Where(s => policy.CertificateFingerprints.Contains(s.Fingerprint, StringComparer.Ordinal)).ToList();
        var accepted = listed.FirstOrDefault(s => Accepts(policy.SignatureType, s.Kind));
        var expected = string.Join(" or ", policy.CertificateFingerprints);
        if (exitCode == 0 && accepted is not null)
        {
            return new PackageSignatureResult(package.Id, package.Version, accepted.Kind, accepted.Fingerprint, null);
        }

        if (exitCode != 0 && output.HasError("NU3004"))
        {
            return Refused(package, ErrorCodes.PackageUnsigned,
                $"The package '{package.Display}' is not signed, and {policy} requires {Article(policy.SignatureType)} signature by {expected}; its skills were not installed. Use a signed version of the package, or narrow the policy's Include so it does not cover '{package.Id}'.");
        }

        if (exitCode != 0 && output.HasAnyError(IntegrityCodes))
        {
            return Refused(package, ErrorCodes.PackageSignatureInvalid,
                $"The signature of the package '{package.Display}' ('{package.NupkgPath}') is invalid or the package was modified after it was signed ({output.DescribeErrors()}); {policy} is not satisfied and its skills were not installed. Delete the package's folder from the global packages folder and restore it again from a trusted source.",
                First(output));
        }

        if (exitCode != 0 && accepted is null && listed.Count > 0 && listed[0] is var wrongType)
        {
            return Refused(package, ErrorCodes.PackageSignatureTypeMismatch,
                $"The package '{package.Display}' is signed by the listed certificate {wrongType.Fingerprint} with {Article(wrongType.Kind)} signature, but {policy} requires {Article(policy.SignatureType)} signature; its skills were not installed. Set SignatureType to '{Name(wrongType.Kind)}' or 'any' if that signature is the one you trust.",
                wrongType);
        }

        if (exitCode != 0 && accepted is null && output.Signatures.Count > 0)
        {
            var found = string.Join("; ", output.Signatures.Select(s => $"{Name(s.Kind)} signature by {s.Fingerprint}{(s.Subject is null ? string.Empty : $" ({s.Subject})")}"));
            return Refused(package, ErrorCodes.PackageSignerNotTrusted,
                $"The package '{package.Display}' is signed, but not by a certificate {policy} lists: found {found}; expected {expected}. Its skills were not installed. If that signer is trusted, add its fingerprint to the policy's CertificateFingerprint.",
                output.Signatures[0]);
        }

        if (exitCode != 0 && accepted is not null && output.HasError("NU3018") && !policy.AllowUntrustedRoot)
        {
            return Refused(package, ErrorCodes.PackageSignerUntrustedRoot,
                $"The package '{package.Display}' is signed by the listed certificate {accepted.Fingerprint} ({Name(accepted.Kind)} signature), but its certificate chain ends in a root this machine does not trust ({output.DescribeErrors()}); its skills were not installed. Install the root, or set AllowUntrustedRoot=\"true\" on {policy} to trust the certificate by its fingerprint alone (a self-signed or private-CA certificate).",
                accepted);
        }

        if (exitCode != 0 && output.Messages.Any(m => m.IsError))
        {
            return Refused(package, ErrorCodes.PackageSignatureRejected,
                $"NuGet refused the signature of the package '{package.Display}' under {policy}: {output.DescribeErrors()}. Its skills were not installed.",
                accepted ?? First(output));
        }

        var tail = string.Join(" | ", lines.Where(l => l.Trim().Length > 0).TakeLast(5));
        return Refused(package, ErrorCodes.PackageVerifyFailed,
            $"'dotnet nuget verify' of the package '{package.Display}' exited with {exitCode} without a verdict Skills.Oci can read (it expects a signature by {expected} under {policy}); its skills were not installed. NuGet printed: {(tail.Length == 0 ? "nothing" : tail)}",
            First(output));
    }

    private static bool Accepts(PackageSignatureRequirement requirement, PackageSignatureKind kind) => requirement switch
    {
        PackageSignatureRequirement.Author => kind == PackageSignatureKind.Author,
        PackageSignatureRequirement.Repository => kind == PackageSignatureKind.Repository,
        _ => kind != PackageSignatureKind.None,
    };

    private static string Name(PackageSignatureKind kind) => kind.ToString().ToLowerInvariant();

    /// <summary>"an author", "a repository", "any": the signature type with its article, for messages.</summary>
    private static string Article<T>(T type)
        where T : struct, Enum
    {
        var name = type.ToString().ToLowerInvariant();
        return name == "any" ? "any" : (name[0] == 'a' ? "an " : "a ") + name;
    }

    private static ReportedSignature? First(NuGetVerifyOutput output) => output.Signatures.Count > 0 ? output.Signatures[0] : null;

    private static PackageSignatureResult Refused(VerifiablePackage package, string code, string message, ReportedSignature? found = null) =>
        new(package.Id, package.Version, found?.Kind ?? PackageSignatureKind.None, found?.Fingerprint, Diagnostic.Error(code, message));

    /// <summary>The nuget.config NuGet verifies under: nothing but the policy's signers and require mode.</summary>
    internal static string TrustConfig(PackageTrustPolicy policy)
    {
        XElement Certificates(XElement signer)
        {
            foreach (var fingerprint in policy.CertificateFingerprints)
            {
                signer.Add(new XElement("certificate",
                    new XAttribute("fingerprint", fingerprint),
                    new XAttribute("hashAlgorithm", "SHA256"),
                    new XAttribute("allowUntrustedRoot", policy.AllowUntrustedRoot ? "true" : "false")));
            }

            return signer;
        }

        var signers = new XElement("trustedSigners");
        if (policy.SignatureType != PackageSignatureRequirement.Repository)
        {
            signers.Add(Certificates(new XElement("author", new XAttribute("name", "skills-oci-policy-author"))));
        }

        if (policy.SignatureType != PackageSignatureRequirement.Author)
        {
            signers.Add(Certificates(new XElement("repository", new XAttribute("name", "skills-oci-policy-repository"), new XAttribute("serviceIndex", PlaceholderServiceIndex))));
        }

        return new XDocument(new XElement("configuration",
            new XElement("config", new XElement("add", new XAttribute("key", "signatureValidationMode"), new XAttribute("value", "require"))),
            signers)).ToString();
    }

    private static string CacheKey(VerifiablePackage package, PackageTrustPolicy policy, string stamp) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"skills-oci-nuget-verify-1\n{package.Id.ToLowerInvariant()}\n{package.Version.ToLowerInvariant()}\n{stamp}\n{policy.CacheKey}"))).ToLowerInvariant();

    private string? CachePath(string key) => _cacheFolder is null ? null : Path.Combine(_cacheFolder, key + ".json");

    private async Task<PackageSignatureResult?> LoadAsync(VerifiablePackage package, string key, CancellationToken cancellationToken)
    {
        if (CachePath(key) is not { } path || !File.Exists(path))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false));
            var verifiedBy = document.RootElement.GetProperty("verifiedBy").GetString();
            return verifiedBy is not null && PackageSignatureResult.ParseVerifiedBy(verifiedBy) is var (kind, fingerprint)
                ? new PackageSignatureResult(package.Id, package.Version, kind, fingerprint, null)
                : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            // A damaged entry is as good as none: verify again.
            return null;
        }
    }

    private async Task SaveAsync(string key, PackageSignatureResult result, CancellationToken cancellationToken)
    {
        if (CachePath(key) is not { } path)
        {
            return;
        }

        try
        {
            await AtomicFile.WriteAllTextAsync(path, JsonSerializer.Serialize(new Dictionary<string, string?> { ["verifiedBy"] = result.VerifiedBy }), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The cache only saves time; a restore that cannot write it verifies again next time.
        }
    }

    private static void TempFolderCleanup(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A leftover temp folder holds only a config naming public fingerprints.
        }
    }
}
