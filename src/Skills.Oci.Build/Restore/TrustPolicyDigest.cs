using System.Security.Cryptography;
using System.Text;
using Skills.Oci.Build.Trust.Policy;

namespace Skills.Oci.Build.Restore;

/// <summary>
/// A digest of a project's effective trust policy: every SkillTrustPolicy item with its metadata, the
/// bytes of each key file it names, SkillsRequireSignatures and the trusted root's bytes. The
/// up-to-date check compares it with the one the project last restored with, so a policy added or
/// changed after a skill was installed is applied by the next restore. Cheap: a few small files.
/// </summary>
public static class TrustPolicyDigest
{
    /// <summary>Null when no policy applies at all (no item, signatures not required).</summary>
    public static string? Compute(IReadOnlyList<SkillTrustPolicyItem> items, bool requireSignatures, string? trustedRootPath, string? baseDirectory)
    {
        if (items.Count == 0 && !requireSignatures)
        {
            return null;
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Add(string text) => hash.AppendData(Encoding.UTF8.GetBytes(text + "\n"));
        void AddFile(string? path)
        {
            if (path is null)
            {
                Add("none");
                return;
            }

            try
            {
                hash.AppendData(File.ReadAllBytes(path));
                Add(string.Empty);
            }
            catch (Exception ex) when (RestoreIo.IsIo(ex))
            {
                // A missing key changes the digest, and the restore that follows reports it with its code.
                Add("unreadable " + path);
            }
        }

        Add("skills-oci-policy-1");
        Add(requireSignatures ? "require" : "optional");
        foreach (var item in items)
        {
            Add("item\t" + item.Include);
            foreach (var pair in item.Metadata.OrderBy(p => p.Key, StringComparer.OrdinalIgnoreCase))
            {
                Add($"\t{pair.Key}={pair.Value}");
            }

            if (item.Get("Key") is { Length: > 0 } key)
            {
                var folder = item.DefiningFile is { Length: > 0 } file ? Path.GetDirectoryName(Path.GetFullPath(file))! : baseDirectory ?? Directory.GetCurrentDirectory();
                AddFile(Path.GetFullPath(key, folder));
            }
        }

        Add("root");
        AddFile(trustedRootPath);
        return "sha256:" + Convert.ToHexString(hash.GetHashAndReset()).ToLowerInvariant();
    }
}
