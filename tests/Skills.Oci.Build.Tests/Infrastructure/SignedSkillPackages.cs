using System.Security.Cryptography.X509Certificates;
using Skills.Oci.Build.NuGet;

namespace Skills.Oci.Build.Tests.Infrastructure;

/// <summary>A code-signing certificate written as a PFX for <c>dotnet nuget sign</c>, with the fingerprint NuGet reports.</summary>
public sealed record CodeSigningCertificate(string PfxPath, string Fingerprint)
{
    public static CodeSigningCertificate Create(string folder, string name)
    {
        using var certificate = SelfSignedCertificates.CreateCodeSigningCertificate($"CN={name}");
        var path = Path.Combine(folder, name + ".pfx");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx));
        return new CodeSigningCertificate(path, SelfSignedCertificates.Sha256Fingerprint(certificate));
    }
}

/// <summary>
/// Real NuGet packages carrying a skill: written by <see cref="TestNuGetPackages"/>, signed by the real
/// <c>dotnet nuget sign</c> with a self-signed certificate (no timestamper: the tests run offline), and <c>dotnet restore</c> of a consumer
/// so NuGet itself extracts them into a global packages folder.
/// </summary>
public static class SignedSkillPackages
{
    /// <summary>Writes <paramref name="id"/> <paramref name="version"/> with the skill <paramref name="skill"/> into <paramref name="feed"/>; returns the nupkg.</summary>
    public static string Write(string feed, string id, string version, string skill) =>
        TestNuGetPackages.Write(TestPackage.WithSkill(id, version, skill), feed);

    /// <summary>Author-signs <paramref name="nupkg"/> in place with the real <c>dotnet nuget sign</c>.</summary>
    /// <remarks>The CLI makes author signatures only; repository signatures come from a repository's own signing service.</remarks>
    public static async Task SignAsync(string nupkg, CodeSigningCertificate certificate)
    {
        var result = await new DotnetCli(Path.GetDirectoryName(nupkg)!).RunAsync("nuget", "sign", nupkg, "--certificate-path", certificate.PfxPath, "--allow-untrusted-root", "--overwrite");
        Assert.True(result.Succeeded, result.ToString());
    }

    /// <summary>Restores a consumer of the packages from <paramref name="feed"/> into <paramref name="packagesFolder"/>, as NuGet extracts them for a real project.</summary>
    public static async Task<IReadOnlyList<VerifiablePackage>> RestoreAsync(string workFolder, string feed, string packagesFolder, params (string Id, string Version)[] packages)
    {
        var project = Directory.CreateDirectory(Path.Combine(workFolder, "consumer-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        var references = string.Concat(packages.Select(p => $"<PackageReference Include=\"{p.Id}\" Version=\"[{p.Version}]\" />"));
        await File.WriteAllTextAsync(Path.Combine(project, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <RestoreSources>{feed}</RestoreSources>
                <RestorePackagesPath>{packagesFolder}</RestorePackagesPath>
              </PropertyGroup>
              <ItemGroup>{references}</ItemGroup>
            </Project>
            """);
        var result = await new DotnetCli(project).RunAsync("restore");
        Assert.True(result.Succeeded, result.ToString());
        return packages.Select(p => VerifiablePackage.InGlobalPackagesFolder(packagesFolder, p.Id, p.Version)).ToArray();
    }
}
