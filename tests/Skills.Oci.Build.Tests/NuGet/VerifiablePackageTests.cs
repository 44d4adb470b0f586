using Skills.Oci.Build.NuGet;

namespace Skills.Oci.Build.Tests.NuGet;

public sealed class VerifiablePackageTests : IDisposable
{
    private readonly TempFolder _folder = new("verifiable-package");

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void The_nupkg_is_found_where_NuGet_extracts_it_with_id_and_version_lower_cased()
    {
        var package = VerifiablePackage.InGlobalPackagesFolder(_folder.Path, "Contoso.Json", "2.0.0-Beta.1");

        Assert.Equal(Path.Combine(_folder.Path, "contoso.json", "2.0.0-beta.1", "contoso.json.2.0.0-beta.1.nupkg"), package.NupkgPath);
        Assert.Equal("Contoso.Json 2.0.0-Beta.1", package.Display);
    }

    [Fact]
    public async Task The_content_stamp_follows_the_metadata_content_hash_and_the_nupkg_file_and_is_null_without_a_nupkg()
    {
        var package = VerifiablePackage.InGlobalPackagesFolder(_folder.Path, "Contoso.Json", "1.0.0");
        Assert.Null(await package.ReadContentStampAsync(CancellationToken.None));

        _folder.Write("contoso.json/1.0.0/contoso.json.1.0.0.nupkg", "zip bytes");
        File.SetLastWriteTimeUtc(package.NupkgPath, new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        var withoutMetadata = await package.ReadContentStampAsync(CancellationToken.None);
        _folder.Write("contoso.json/1.0.0/.nupkg.metadata", """{ "version": 2, "contentHash": "AAAA", "source": "/feed" }""");
        var first = await package.ReadContentStampAsync(CancellationToken.None);
        _folder.Write("contoso.json/1.0.0/.nupkg.metadata", """{ "version": 2, "contentHash": "BBBB", "source": "/feed" }""");
        var otherHash = await package.ReadContentStampAsync(CancellationToken.None);
        File.SetLastWriteTimeUtc(package.NupkgPath, new DateTime(2025, 1, 2, 0, 0, 0, DateTimeKind.Utc));
        var otherTime = await package.ReadContentStampAsync(CancellationToken.None);

        Assert.NotNull(withoutMetadata);
        Assert.StartsWith("AAAA|9|", first, StringComparison.Ordinal);
        Assert.Equal(4, new[] { withoutMetadata, first, otherHash, otherTime }.Distinct().Count());
    }
}
