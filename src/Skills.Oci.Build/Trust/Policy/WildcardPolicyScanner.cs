using System.Xml;
using Skills.Oci.Build.Diagnostics;

namespace Skills.Oci.Build.Trust.Policy;

/// <summary>
/// Finds <c>SkillTrustPolicy</c> items MSBuild dropped. An unescaped <c>*</c> in an item's Include is a
/// file wildcard to MSBuild, and a wildcard that matches no file yields no item, so
/// <c>Include="ghcr.io/acme/skills/*"</c> would silently protect nothing. Reading the declaring files
/// (the project and its Directory.Build files) turns that into a warning that names the line and the
/// fix (<c>%2A</c>). Run only when policies matter (an install, VerifySkills), never on the no-op path.
/// </summary>
public static class WildcardPolicyScanner
{
    public const string ItemName = "SkillTrustPolicy";

    public static IReadOnlyList<Diagnostic> Scan(IEnumerable<string> declaringFiles, IReadOnlyCollection<string> receivedIncludes)
    {
        var diagnostics = new List<Diagnostic>();
        foreach (var file in declaringFiles.Where(f => !string.IsNullOrWhiteSpace(f)).Select(Path.GetFullPath).Distinct(StringComparer.Ordinal))
        {
            if (!File.Exists(file))
            {
                continue;
            }

            try
            {
                using var reader = XmlReader.Create(file, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
                var lineInfo = (IXmlLineInfo)reader;
                while (reader.Read())
                {
                    if (reader.NodeType != XmlNodeType.Element || reader.LocalName != ItemName)
                    {
                        continue;
                    }

                    var include = reader.GetAttribute("Include");
                    if (include is null || !include.Contains('*', StringComparison.Ordinal) || receivedIncludes.Contains(include))
                    {
                        continue;
                    }

                    diagnostics.Add(Diagnostic.Warning(ErrorCodes.PolicyDroppedByWildcard,
                        $"The SkillTrustPolicy Include '{include}' contains '*', which MSBuild expands as a file wildcard; no file matched, so this policy does not exist and protects nothing. Write '*' as '%2A': Include=\"{include.Replace("*", "%2A", StringComparison.Ordinal)}\".",
                        file, lineInfo.LineNumber, lineInfo.LinePosition));
                }
            }
            catch (XmlException)
            {
                // MSBuild already reported a malformed project; nothing to add here.
            }
        }

        return diagnostics;
    }
}
