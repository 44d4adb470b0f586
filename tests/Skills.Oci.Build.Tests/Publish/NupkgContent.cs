using System.IO.Compression;
using System.Xml.Linq;

namespace Skills.Oci.Build.Tests.Publish;

/// <summary>A .nupkg as the tests read it: every entry's bytes by path, and the nuspec's metadata.</summary>
internal sealed class NupkgContent
{
    private NupkgContent(IReadOnlyDictionary<string, byte[]> entries)
    {
        Entries = entries;
    }

    /// <summary>Entry paths ('/'-separated, as stored) to their bytes.</summary>
    public IReadOnlyDictionary<string, byte[]> Entries { get; }

    /// <summary>The entries under <c>skills/</c>, in ordinal order.</summary>
    public IReadOnlyList<string> SkillEntries => Entries.Keys.Where(k => k.StartsWith("skills/", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();

    public static NupkgContent Read(string path)
    {
        using var zip = ZipFile.OpenRead(path);
        var entries = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var entry in zip.Entries)
        {
            using var stream = entry.Open();
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            entries[entry.FullName] = buffer.ToArray();
        }

        return new NupkgContent(entries);
    }

    /// <summary>A nuspec metadata element's text (<c>id</c>, <c>version</c>, <c>description</c>, ...), or null.</summary>
    public string? Nuspec(string element)
    {
        var nuspec = Entries.Single(e => !e.Key.Contains('/', StringComparison.Ordinal) && e.Key.EndsWith(".nuspec", StringComparison.Ordinal)).Value;
        using var stream = new MemoryStream(nuspec);
        var document = XDocument.Load(stream);
        return document.Descendants().FirstOrDefault(e => e.Name.LocalName == element && e.Parent?.Name.LocalName == "metadata")?.Value;
    }

    /// <summary>Asserts that the package holds each file of <paramref name="skillFolder"/> listed in <paramref name="relativeFiles"/> at <c>skills/NAME/</c> with its bytes.</summary>
    public void AssertSkill(string name, string skillFolder, params string[] relativeFiles)
    {
        foreach (var relative in relativeFiles)
        {
            var key = $"skills/{name}/{relative}";
            Assert.True(Entries.TryGetValue(key, out var bytes), $"'{key}' is not in the package: {string.Join(", ", Entries.Keys)}");
            Assert.Equal(File.ReadAllBytes(Path.Combine(skillFolder, relative)), bytes);
        }
    }
}
